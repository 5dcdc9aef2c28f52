import { describe, expect, it } from 'vitest';
import type { EvidenceStatement } from '../../../core/evidence/evidence-record.js';
import { cellStatus } from '../../../core/site/classify-check.js';
import { ClinicAggregator, type ClinicInfo, type SiteRecordInput, compliance } from '../../../core/site/clinic-aggregator.js';
import { controlFileId, emptyCounts, isSafeFileId, siteDataPath } from '../../../core/site/site-model.js';
import { timeToHeal } from '../../../core/site/time-to-heal.js';

const SITE = 'clinic-a';
const APPL = 'clinic-a-appl-1';
const REL = { version: 3, digest: 'ab'.repeat(32) };

const info = (over: Partial<ClinicInfo> = {}): ClinicInfo => ({
  site: SITE, name: 'Clinic A', timezone: 'UTC', today: '2026-03-31',
  hosts: [{ id: 'ws-1', platform: 'linux', tags: [] }, { id: 'ws-2', platform: 'linux', tags: [] }],
  rules: [{ id: 'R-1', title: 'Rule one', mode: 'enforce', controls: ['hipaa:164.312(b)'] }, { id: 'R-2', title: 'Rule two', mode: 'audit', controls: ['hipaa:164.312(a)(1)'] }],
  waivers: [],
  ...over,
});

/** Builds records with consecutive indexes, as one appliance writes them. */
function recorder() {
  let index = 0;
  const rec = (st: Partial<EvidenceStatement> & { time: string; kind: string }, verification: SiteRecordInput['verification'] = 'verified'): SiteRecordInput => {
    const i = index++;
    const statement = { format: 'writ-evidence/v1', index: i, prev: '0'.repeat(64), appliance: APPL, site: SITE, run_id: `run-${st.time}`, release: REL, ...st } as EvidenceStatement;
    return { appliance: APPL, index: i, file: `${SITE}/${APPL}/${st.time.slice(0, 10)}.jsonl`, line: i + 1, verification, statement };
  };
  const check = (time: string, host: string, rule: string, decision: string, status = decision === 'compliant' ? 'pass' : 'fail', v: SiteRecordInput['verification'] = 'verified') =>
    rec({ time, kind: 'check', host, rule, decision, controls: rule === 'R-1' ? ['hipaa:164.312(b)'] : ['hipaa:164.312(a)(1)'], runbook: `RB-${rule}`, runbook_version: '1.0.0', runbook_digest: 'cd'.repeat(32), result: { status, message: 'm' } }, v);
  const remediation = (time: string, host: string, rule: string, outcome: string, durationMs: number) =>
    rec({ time, kind: 'remediation', host, rule, decision: 'remediate', runbook: `RB-${rule}`, result: { outcome, steps: [] }, timing: { duration_ms: durationMs } });
  const escalation = (time: string, host: string, rule: string) =>
    rec({ time, kind: 'escalation', host, rule, decision: 'retries-spent', reason_code: 'AGT_RETRIES_SPENT', result: { incident: 'i', cause: 'retries-spent', reason: 'healing failed', urgency: 'high' } });
  return { rec, check, remediation, escalation, next: () => index };
}

describe('cellStatus', () => {
  it('maps every decision kind and falls back to the check status', () => {
    const cases: [string | undefined, string | undefined, boolean, string][] = [
      ['compliant', 'pass', false, 'compliant'], ['not-checked', 'not-run', false, 'unreachable'], ['check-error', 'error', false, 'error'],
      ['not-applicable', 'not_applicable', false, 'not-applicable'], ['no-match', 'fail', false, 'not-applicable'], ['waived', 'fail', false, 'waived'],
      ['escalate', 'fail', false, 'escalated'], ['already-escalated', 'fail', false, 'escalated'], ['retries-spent', 'fail', false, 'escalated'],
      ['remediate', 'fail', true, 'healed'], ['remediate', 'fail', false, 'drift'], ['plan-remediate', 'fail', false, 'drift'], ['cooldown', 'fail', false, 'drift'],
      ['outside-window', 'fail', false, 'drift'], ['superseded', 'fail', false, 'drift'],
      ['future-kind', 'pass', false, 'compliant'], ['future-kind', 'fail', false, 'drift'], [undefined, 'weird', false, 'error'], [undefined, undefined, false, 'error'],
    ];
    for (const [decision, status, healed, want] of cases) {
      expect(cellStatus({ ...(decision ? { decision } : {}), ...(status ? { result: { status } } : {}) }, healed), `${decision}/${status}`).toBe(want);
    }
  });
});

describe('ClinicAggregator', () => {
  it('counts a day, keeps the latest state per host and rule, and links each cell to its record', () => {
    const r = recorder();
    const agg = new ClinicAggregator(info(), '2026-04-01T00:00:00.000Z');
    const d1 = agg.addDay('2026-03-01', [
      r.rec({ time: '2026-03-01T08:00:00Z', kind: 'cycle' }),
      r.check('2026-03-01T08:00:00Z', 'ws-1', 'R-1', 'compliant'),
      r.check('2026-03-01T08:00:00Z', 'ws-2', 'R-1', 'not-checked', 'not-run'),
      r.check('2026-03-01T08:00:00Z', 'ws-1', 'R-2', 'not-applicable', 'not_applicable'),
    ]);
    expect(d1.point.counts).toEqual({ ...emptyCounts(), checks: 3, compliant: 1, unreachable: 1, 'not-applicable': 1 });
    expect(d1.point.compliance).toBe(0.5);
    expect(d1.point.records).toBe(4);
    expect(d1.records.map((x) => x.anchor)).toEqual([`r-${APPL}-0`, `r-${APPL}-1`, `r-${APPL}-2`, `r-${APPL}-3`]);
    agg.addDay('2026-03-02', [r.check('2026-03-02T08:00:00Z', 'ws-2', 'R-1', 'compliant')]);
    const { clinic, hosts, fleet } = agg.finish([]);
    const cell = clinic.matrix.find((c) => c.host === 'ws-2' && c.rule === 'R-1')!;
    expect(cell.status).toBe('compliant');
    expect(cell.ref).toEqual({ site: SITE, appliance: APPL, index: 4, day: '2026-03-02', time: '2026-03-02T08:00:00Z', release: REL, runbook: { id: 'RB-R-1', version: '1.0.0', digest: 'cd'.repeat(32) }, verification: 'verified' });
    expect(clinic.days).toEqual(['2026-03-01', '2026-03-02']);
    expect(hosts.map((h) => h.host)).toEqual(['ws-1', 'ws-2']);
    expect(hosts[1]!.history).toEqual([{ rule: 'R-1', days: [{ day: '2026-03-01', status: 'unreachable', checks: 1 }, { day: '2026-03-02', status: 'compliant', checks: 1 }] }]);
    expect(fleet.open_errors).toBe(0);
    expect(fleet.compliance).toBe(1);
  });

  it('marks a check healed when a remediation of the same run healed it, and times the heal', () => {
    const r = recorder();
    const agg = new ClinicAggregator(info(), '2026-04-01T00:00:00.000Z');
    const day = agg.addDay('2026-03-01', [
      r.check('2026-03-01T08:00:00Z', 'ws-1', 'R-1', 'remediate'),
      r.remediation('2026-03-01T08:00:00Z', 'ws-1', 'R-1', 'healed', 90_000),
      r.check('2026-03-01T08:00:00Z', 'ws-2', 'R-1', 'remediate'),
      r.remediation('2026-03-01T08:00:00Z', 'ws-2', 'R-1', 'still-failing', 5_000),
    ]);
    expect(day.point.counts.healed).toBe(1);
    expect(day.point.counts.drift).toBe(1);
    expect(day.point.heals).toBe(1);
    expect(day.records[1]!.status).toBe('healed');
    const { hosts, fleet } = agg.finish([]);
    const [inc] = hosts[0]!.incidents;
    expect(inc).toMatchObject({ state: 'healed', opened: '2026-03-01T08:00:00Z', closed: '2026-03-01T08:01:30.000Z', time_to_heal_seconds: 90 });
    expect(inc!.closed_ref!.index).toBe(1);
    expect(hosts[1]!.incidents[0]!.state).toBe('open');
    expect(fleet.open_drift).toBe(1);
    expect(fleet.time_to_heal).toEqual({ resolved: 1, median_seconds: 90, p90_seconds: 90 });
  });

  it('keeps an audit-mode drift open across days until a check passes, and records escalations', () => {
    const r = recorder();
    const agg = new ClinicAggregator(info(), '2026-04-01T00:00:00.000Z');
    agg.addDay('2026-03-01', [r.check('2026-03-01T08:00:00Z', 'ws-1', 'R-2', 'plan-remediate'), r.check('2026-03-01T08:00:00Z', 'ws-2', 'R-1', 'remediate')]);
    agg.addDay('2026-03-02', [r.check('2026-03-02T08:00:00Z', 'ws-1', 'R-2', 'plan-remediate'), r.check('2026-03-02T08:00:00Z', 'ws-2', 'R-1', 'retries-spent'), r.escalation('2026-03-02T08:00:00Z', 'ws-2', 'R-1')]);
    const d3 = agg.addDay('2026-03-03', [r.check('2026-03-03T08:00:00Z', 'ws-1', 'R-2', 'compliant'), r.check('2026-03-03T08:00:00Z', 'ws-2', 'R-1', 'already-escalated')]);
    expect(d3.point.counts.escalated).toBe(1);
    const { hosts, fleet, packets } = agg.finish([]);
    expect(hosts[0]!.incidents).toEqual([expect.objectContaining({ rule: 'R-2', state: 'healed', time_to_heal_seconds: 2 * 86400, closed: '2026-03-03T08:00:00Z' })]);
    const esc = hosts[1]!.incidents[0]!;
    expect(esc).toMatchObject({ state: 'escalated', opened: '2026-03-01T08:00:00Z', escalation: { reason: 'healing failed', urgency: 'high' } });
    expect(esc.escalation!.ref.index).toBe(4);
    expect(fleet.open_escalations).toBe(1);
    expect(fleet.escalations).toBe(1);
    expect(packets[0]!.incidents.escalated).toHaveLength(1);
    expect(packets[0]!.incidents.healed).toHaveLength(1);
    expect(packets[0]!.incidents.open).toHaveLength(1);
    expect(packets[0]!.failing).toEqual([expect.objectContaining({ host: 'ws-2', rule: 'R-1', status: 'escalated', controls: ['hipaa:164.312(b)'] })]);
  });

  it('carries each record\'s verification state and shows unverifiable lines without their content', () => {
    const r = recorder();
    const agg = new ClinicAggregator(info(), '2026-04-01T00:00:00.000Z');
    const day = agg.addDay('2026-03-01', [
      r.check('2026-03-01T08:00:00Z', 'ws-1', 'R-1', 'compliant', 'pass', 'verified'),
      r.check('2026-03-01T09:00:00Z', 'ws-1', 'R-1', 'compliant', 'pass', 'beyond-checkpoint'),
      { appliance: APPL, index: 2, file: `${SITE}/${APPL}/2026-03-01.jsonl`, line: 3, verification: 'broken', problem: { code: 'EVD_SIGNATURE_INVALID', message: 'bad sig <b>x</b>' } },
      r.check('2026-03-01T11:00:00Z', 'ws-2', 'R-1', 'compliant', 'pass', 'broken'),
    ]);
    expect(day.verification).toEqual([{ appliance: APPL, verified: 1, 'beyond-checkpoint': 1, broken: 2 }]);
    const stub = day.records.find((x) => x.kind === 'unverifiable')!;
    expect(stub).toMatchObject({ detail: {}, problem: { code: 'EVD_SIGNATURE_INVALID', message: 'bad sig <b>x</b>', line: 3 }, ref: { time: null, verification: 'broken' } });
    expect(day.records.find((x) => x.host === 'ws-2')!.ref.verification).toBe('broken');
    const { clinic, packets } = agg.finish([]);
    expect(clinic.matrix.find((c) => c.host === 'ws-1')!.ref.verification).toBe('beyond-checkpoint');
    expect(packets[0]!.evidence.by_verification).toEqual({ verified: 1, 'beyond-checkpoint': 1, broken: 2 });
    expect(packets[0]!.evidence.by_kind).toEqual({ check: 3, unverifiable: 1 });
  });

  it('splits days and months at UTC midnight', () => {
    const r = recorder();
    const agg = new ClinicAggregator(info(), '2026-04-02T00:00:00.000Z');
    agg.addDay('2026-03-31', [r.check('2026-03-31T23:59:59Z', 'ws-1', 'R-1', 'remediate')]);
    agg.addDay('2026-04-01', [r.check('2026-04-01T00:00:00Z', 'ws-1', 'R-1', 'compliant')]);
    const { clinic, packets, hosts } = agg.finish([]);
    expect(clinic.history.map((p) => [p.day, p.counts.drift, p.counts.compliant])).toEqual([['2026-03-31', 1, 0], ['2026-04-01', 0, 1]]);
    expect(clinic.months).toEqual(['2026-03', '2026-04']);
    expect(packets.map((p) => [p.month, p.days, p.summary.counts.checks])).toEqual([['2026-03', ['2026-03-31'], 1], ['2026-04', ['2026-04-01'], 1]]);
    // Drift open at the end of March, healed one second into April.
    expect(packets[0]!.incidents.open).toHaveLength(1);
    expect(packets[1]!.incidents.healed).toHaveLength(1);
    expect(packets[0]!.oscal).toBe('oscal/clinic-a-2026-03.json');
    expect(hosts[0]!.incidents[0]!.time_to_heal_seconds).toBe(1);
  });

  it('refuses days out of order or malformed', () => {
    const agg = new ClinicAggregator(info(), '2026-04-01T00:00:00.000Z');
    agg.addDay('2026-03-02', []);
    expect(() => agg.addDay('2026-03-01', [])).toThrow(/increasing order/);
    expect(() => agg.addDay('2026-03-02', [])).toThrow(/increasing order/);
    expect(() => agg.addDay('../x', [])).toThrow(/bad day/);
  });

  it('lists site-file waivers with their state and waivers seen only in evidence, active or expired as of the build', () => {
    const r = recorder();
    const waived = (time: string, host: string, rule: string, expires: string, owner: string) =>
      r.rec({ time, kind: 'check', host, rule, decision: 'waived', controls: [], result: { status: 'fail' }, plan: { mode: 'enforce', severity: 'high', waiver: { owner, expires } } });
    const agg = new ClinicAggregator(info({
      waivers: [
        { site: SITE, rule: 'R-1', hosts: ['ws-1'], owner: 'a@x.example', expires: '2027-01-31', reason: 'vendor', state: 'active', source: 'site-file' },
        { site: SITE, rule: 'R-2', owner: 'b@x.example', expires: '2026-03-10', reason: 'migration', state: 'expired', source: 'site-file' },
      ],
    }), '2026-04-01T00:00:00.000Z');
    agg.addDay('2026-03-01', [
      waived('2026-03-01T08:00:00Z', 'ws-1', 'R-1', '2027-01-31', 'a@x.example'),
      waived('2026-03-01T08:00:00Z', 'ws-2', 'R-2', '2026-03-10', 'b@x.example'),
      waived('2026-03-01T08:00:00Z', 'ws-2', 'R-1', '2026-03-15', 'gone@x.example'),
      waived('2026-03-01T08:00:00Z', 'ws-1', 'R-2', '2026-12-01', 'c@x.example'),
    ]);
    const { waivers, clinic } = agg.finish([]);
    expect(clinic.waivers).toBe(waivers);
    expect(waivers.map((w) => [w.rule, w.owner, w.state, w.source, w.waived_checks])).toEqual([
      ['R-1', 'gone@x.example', 'expired', 'evidence', 1],
      ['R-1', 'a@x.example', 'active', 'site-file', 1],
      ['R-2', 'b@x.example', 'expired', 'site-file', 1],
      ['R-2', 'c@x.example', 'active', 'evidence', 1],
    ]);
  });

  it('derives control status from the latest cells: met, not-met, exception', () => {
    const r = recorder();
    const agg = new ClinicAggregator(info(), '2026-04-01T00:00:00.000Z');
    agg.addDay('2026-03-01', [r.check('2026-03-01T08:00:00Z', 'ws-1', 'R-1', 'plan-remediate'), r.check('2026-03-01T08:00:00Z', 'ws-1', 'R-2', 'waived')]);
    agg.addDay('2026-03-02', [r.check('2026-03-02T08:00:00Z', 'ws-1', 'R-1', 'compliant'), r.check('2026-03-02T08:00:00Z', 'ws-2', 'R-2', 'check-error', 'error')]);
    const { controls } = agg.finish([]);
    expect(controls.get('hipaa:164.312(b)')).toMatchObject({ status: 'met', records: 2, counts: { checks: 2, drift: 1, compliant: 1 } });
    expect(controls.get('hipaa:164.312(a)(1)')).toMatchObject({ status: 'not-met', failing: [{ host: 'ws-2', rule: 'R-2', status: 'error' }] });
    const agg2 = new ClinicAggregator(info(), '2026-04-01T00:00:00.000Z');
    agg2.addDay('2026-03-01', [recorder().check('2026-03-01T08:00:00Z', 'ws-1', 'R-2', 'waived')]);
    expect(agg2.finish([]).controls.get('hipaa:164.312(a)(1)')!.status).toBe('exception');
  });

  it('gives no host page to a host id that cannot name a file', () => {
    const r = recorder();
    const agg = new ClinicAggregator(info({ hosts: [] }), '2026-04-01T00:00:00.000Z');
    agg.addDay('2026-03-01', [r.check('2026-03-01T08:00:00Z', '../../etc', 'R-1', 'compliant'), r.check('2026-03-01T08:00:00Z', 'ok-host', 'R-1', 'compliant')]);
    const { hosts, clinic } = agg.finish([]);
    expect(hosts.map((h) => h.host)).toEqual(['ok-host']);
    expect(clinic.matrix).toHaveLength(2);
  });
});

describe('helpers', () => {
  it('timeToHeal: nearest-rank p90 and median', () => {
    expect(timeToHeal([])).toEqual({ resolved: 0, median_seconds: null, p90_seconds: null });
    expect(timeToHeal([40, 10, 30, 20])).toEqual({ resolved: 4, median_seconds: 25, p90_seconds: 40 });
    expect(timeToHeal([5, 1, 3])).toEqual({ resolved: 3, median_seconds: 3, p90_seconds: 5 });
    expect(timeToHeal(Array.from({ length: 10 }, (_, i) => i + 1))).toMatchObject({ median_seconds: 5.5, p90_seconds: 9 });
  });

  it('compliance ignores not-applicable checks', () => {
    expect(compliance({ ...emptyCounts(), checks: 4, compliant: 1, healed: 1, drift: 1, 'not-applicable': 1 })).toBe(0.6667);
    expect(compliance({ ...emptyCounts(), checks: 2, 'not-applicable': 2 })).toBeNull();
  });

  it('data paths refuse ids that could leave their folder', () => {
    for (const bad of ['..', '../x', 'a/b', 'a\\b', '.hidden', '', 'a..b', 'x'.repeat(200), 'é']) {
      expect(isSafeFileId(bad), bad).toBe(false);
      expect(() => siteDataPath({ kind: 'clinic', site: bad })).toThrow();
      expect(() => siteDataPath({ kind: 'host', site: 'ok', host: bad })).toThrow();
      expect(() => siteDataPath({ kind: 'runbook', id: bad })).toThrow();
    }
    expect(() => siteDataPath({ kind: 'day', site: 'ok', day: '2026-03-01/../../x' })).toThrow();
    expect(() => siteDataPath({ kind: 'packet', site: 'ok', month: '2026-3' })).toThrow();
    expect(siteDataPath({ kind: 'day', site: 'clinic-a', day: '2026-03-01' })).toBe('days/clinic-a/2026-03-01.json');
    expect(siteDataPath({ kind: 'control', id: 'hipaa:164.312(a)(2)(iv)' })).toBe('controls/hipaa-164.312-a-2-iv.json');
    expect(controlFileId('hipaa:164.308(a)(1)(ii)(A)')).toBe('hipaa-164.308-a-1-ii-a');
    expect(siteDataPath({ kind: 'control', id: '../../etc/passwd' })).toBe('controls/etc-passwd.json');
  });
});
