import { describe, expect, it } from 'vitest';
import { cycleStatements, MAX_PART_CHARS } from '../../../../core/engine/cycle-evidence.js';
import { summarizeCycle, type CycleReport, type HostRecord } from '../../../../core/engine/cycle-report.js';
import { scrubJson } from '../../../../core/scrub/scrub-json.js';

const host: HostRecord = {
  host: 'ehr-db-01', platform: 'linux', transport: 'ssh', reachable: true, skipped: [], started: '2026-11-18T16:00:00.000Z', duration_ms: 40,
  rules: [{
    rule: 'L1-LIN-SSH-001', severity: 'high', mode: 'enforce', controls: ['hipaa:164.312(d)'],
    check: { runbook: 'LIN-SSH-001', runbook_version: '1.1.0', script_sha256: 'a'.repeat(64), status: 'fail', observed: { permit_root_login: 'yes', source_file: '/home/maria.garcia/sshd_config' }, message: 'root login allowed for patient John Smith SSN 123-45-6789', duration_ms: 20 },
    decision: 'remediate',
    remediation: { runbook: 'LIN-SSH-001', runbook_version: '1.1.0', incident: 'i-1', attempt: 1, max_retries: 2, outcome: 'healed', steps: [{ step: 'remediate', runbook: 'LIN-SSH-001', script_sha256: 'b'.repeat(64), state: 'ran', exit_code: 0, duration_ms: 12 }] },
  }, {
    rule: 'L1-LIN-ACCT-001', severity: 'critical', mode: 'audit', controls: [],
    check: { runbook: 'LIN-ACCT-001', runbook_version: '1.0.0', script_sha256: 'c'.repeat(64), status: 'fail', observed: {}, message: 'uid 0 account', duration_ms: 5 },
    decision: 'escalate', escalation: { incident: 'i-2', cause: 'rule', reason: 'a person must review uid 0 accounts', urgency: 'critical' },
  }],
};
const report: CycleReport = {
  format: 'writ-cycle/v1', run_id: 'r-1', site: 'clinic-a', started: '2026-11-18T16:00:00.000Z', duration_ms: 90,
  release: { state: 'current', version: 3, digest: 'd'.repeat(64), verified_at: '2026-11-18T16:00:00.000Z', age_seconds: 0 },
  healing_allowed: true, maintenance_window: { open: false }, hosts: [host], summary: summarizeCycle([host]),
};

describe('cycleStatements', () => {
  it('makes a cycle record, then check, remediation and escalation records in host and rule order', () => {
    const out = cycleStatements(report, 'appl-1', (v) => v);
    expect(out.map((s) => [s.kind, s.rule ?? null])).toEqual([
      ['cycle', null], ['check', 'L1-LIN-SSH-001'], ['remediation', 'L1-LIN-SSH-001'], ['check', 'L1-LIN-ACCT-001'], ['escalation', 'L1-LIN-ACCT-001'],
    ]);
    expect(out[1]).toMatchObject({ appliance: 'appl-1', site: 'clinic-a', run_id: 'r-1', release: { version: 3 }, host: 'ehr-db-01', runbook: 'LIN-SSH-001', runbook_version: '1.1.0', runbook_digest: 'a'.repeat(64), decision: 'remediate', plan: { mode: 'enforce' } });
    expect(out[2]!.result).toMatchObject({ outcome: 'healed', steps: [{ script_sha256: 'b'.repeat(64) }] });
    // The heal names the reviewed runbook version that ran, so the auditor site links it.
    expect(out[2]).toMatchObject({ runbook: 'LIN-SSH-001', runbook_version: '1.1.0' });
    expect(out[4]).toMatchObject({ reason_code: 'AGT_ESCALATED', result: { cause: 'rule', urgency: 'critical' } });
  });

  it('passes what hosts printed through the PHI scrubber: no name, SSN or profile path survives', () => {
    const text = JSON.stringify(cycleStatements(report, 'appl-1', (v) => scrubJson(v).value as Record<string, unknown>));
    for (const phi of ['John Smith', '123-45-6789', 'maria.garcia']) expect(text).not.toContain(phi);
    expect(text).toContain('permit_root_login');
    expect(text).toContain('a'.repeat(64)); // digests are machine tokens and stay
  });

  it('keeps the site\'s own host addresses, replaces other addresses as client IPs', () => {
    const withIps: CycleReport = structuredClone(report);
    withIps.hosts[0]!.rules[0]!.check.message = 'connection from 203.0.113.9 to 10.20.0.15 refused';
    const text = JSON.stringify(cycleStatements(withIps, 'appl-1', (v) => scrubJson(v, { keepAddresses: ['10.20.0.15'] }).value as Record<string, unknown>));
    expect(text).toContain('10.20.0.15');
    expect(text).not.toContain('203.0.113.9');
  });

  it('fails closed: a scrubber that throws withholds the part and says why', () => {
    const out = cycleStatements(report, 'appl-1', () => {
      throw new Error('boom');
    });
    expect(out[1]!.result).toEqual({ withheld: true, reason_code: 'PHI_SCRUB_FAILED' });
    expect(JSON.stringify(out)).not.toContain('123-45-6789');
    expect(out[1]!.decision).toBe('remediate'); // what happened is still recorded
  });

  it('withholds a part over the size cap instead of recording it in part', () => {
    const big: CycleReport = structuredClone(report);
    big.hosts[0]!.rules[0]!.check.observed = { dump: 'x'.repeat(MAX_PART_CHARS + 1) };
    expect(cycleStatements(big, 'appl-1', (v) => v)[1]!.result).toEqual({ withheld: true, reason_code: 'PHI_OVER_CAP' });
  });

  it('records a cycle without a release as release null', () => {
    const none: CycleReport = { ...report, release: { state: 'none', reason_code: 'AGT_SOURCE_UNREACHABLE' }, hosts: [], summary: summarizeCycle([]) };
    expect(cycleStatements(none, 'appl-1', (v) => v)).toEqual([expect.objectContaining({ kind: 'cycle', release: null, reason_code: 'AGT_SOURCE_UNREACHABLE' })]);
  });
});
