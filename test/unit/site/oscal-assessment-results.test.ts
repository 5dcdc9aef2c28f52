import { describe, expect, it } from 'vitest';
import type { EvidenceStatement } from '../../../core/evidence/evidence-record.js';
import { WRIT_UUID_NAMESPACE, assessmentResults, uuidV5 } from '../../../core/oscal/assessment-results.js';
import { ClinicAggregator, type SiteRecordInput } from '../../../core/site/clinic-aggregator.js';
import type { PacketData } from '../../../core/site/site-model.js';
import { oscalValidator } from './oscal-validator.js';

const SITE = 'clinic-a';
const APPL = 'clinic-a-appl-1';

function packet(): PacketData {
  let index = 0;
  const rec = (st: Partial<EvidenceStatement> & { time: string; kind: string }): SiteRecordInput => {
    const i = index++;
    return { appliance: APPL, index: i, file: 'f', line: i + 1, verification: 'verified', statement: { format: 'writ-evidence/v1', index: i, prev: '0'.repeat(64), appliance: APPL, site: SITE, run_id: `run-${st.time}`, release: { version: 1, digest: 'ab'.repeat(32) }, ...st } as EvidenceStatement };
  };
  const check = (time: string, host: string, rule: string, decision: string, controls: string[]) => rec({ time, kind: 'check', host, rule, decision, controls, result: { status: decision === 'compliant' ? 'pass' : 'fail' } });
  const agg = new ClinicAggregator({ site: SITE, name: 'Clinic A <Main>', timezone: 'UTC', today: '2026-04-01', hosts: [], rules: [], waivers: [] }, '2026-04-01T00:00:00.000Z');
  agg.addDay('2026-03-01', [
    check('2026-03-01T08:00:00Z', 'ws-1', 'R-1', 'compliant', ['hipaa:164.312(b)']),
    check('2026-03-01T08:00:00Z', 'ws-1', 'R-2', 'remediate', ['hipaa:164.312(a)(1)', 'hipaa:164.308(a)(1)(ii)(D)']),
    check('2026-03-01T08:00:00Z', 'ws-2', 'R-3', 'waived', ['hipaa:164.312(a)(2)(iv)']),
  ]);
  agg.addDay('2026-03-02', [
    check('2026-03-02T08:00:00Z', 'ws-1', 'R-2', 'retries-spent', ['hipaa:164.312(a)(1)', 'hipaa:164.308(a)(1)(ii)(D)']),
    rec({ time: '2026-03-02T08:00:00Z', kind: 'escalation', host: 'ws-1', rule: 'R-2', decision: 'retries-spent', result: { incident: 'i', cause: 'retries-spent', reason: 'r', urgency: 'high' } }),
  ]);
  return agg.finish([]).packets[0]!;
}

const controls = new Map([['hipaa:164.312(b)', { id: 'hipaa:164.312(b)', title: 'Audit controls' }]]);

describe('OSCAL assessment-results export', () => {
  const validate = oscalValidator();

  it('is valid OSCAL 1.0.6 and maps controls to findings with evidence links', () => {
    const doc = assessmentResults({ packet: packet(), controls });
    const v = validate(doc);
    expect(v.errors).toEqual([]);
    expect(v.ok).toBe(true);
    const result = (doc['assessment-results']['results'] as Record<string, unknown>[])[0]!;
    const findings = result['findings'] as { target: { 'target-id': string; status: { state: string; reason: string } } }[];
    expect(findings.map((f) => [f.target['target-id'], f.target.status.state, f.target.status.reason])).toEqual([
      ['hipaa-164.308-a-1-ii-d', 'not-satisfied', 'fail'],
      ['hipaa-164.312-a-1', 'not-satisfied', 'fail'],
      ['hipaa-164.312-a-2-iv', 'not-satisfied', 'other'],
      ['hipaa-164.312-b', 'satisfied', 'pass'],
    ]);
    const observations = result['observations'] as { title: string; 'relevant-evidence': { href: string; props?: { name: string; value: string }[] }[] }[];
    const failing = observations.find((o) => o.title.startsWith('R-2 on ws-1: escalated at month end'))!;
    expect(failing['relevant-evidence'][0]!.href).toBe(`/clinics/${SITE}/days/2026-03-02/#r-${APPL}-3`);
    expect(failing['relevant-evidence'][0]!.props).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'record-index', value: '3' }), expect.objectContaining({ name: 'appliance', value: APPL })]));
    expect(observations.some((o) => o.title === 'R-2 on ws-1: escalated')).toBe(true);
  });

  it('is the same document on every build (UUIDs are v5 of site and month)', () => {
    const a = JSON.stringify(assessmentResults({ packet: packet(), controls }));
    const b = JSON.stringify(assessmentResults({ packet: packet(), controls }));
    expect(a).toBe(b);
    const uuid = (JSON.parse(a) as { 'assessment-results': { uuid: string } })['assessment-results'].uuid;
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const other = assessmentResults({ packet: { ...packet(), site: 'clinic-b' }, controls });
    expect(other['assessment-results']['uuid']).not.toBe(uuid);
  });

  it('computes RFC 4122 version 5 UUIDs (known answer)', () => {
    // uuid v5 of "www.example.com" in the DNS namespace (RFC 4122 appendix-style check, as Python's uuid.uuid5 gives).
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(WRIT_UUID_NAMESPACE).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a month without evidence is still a valid document', () => {
    const p = { ...packet(), controls: [], failing: [], incidents: { healed: [], escalated: [], open: [] } };
    expect(validate(assessmentResults({ packet: p, controls })).errors).toEqual([]);
  });

  it('the validator catches broken documents', () => {
    const good = assessmentResults({ packet: packet(), controls });
    const breakers: ((d: Record<string, Record<string, unknown>>) => void)[] = [
      (d) => { delete d['assessment-results']!['metadata']; },
      (d) => { d['assessment-results']!['uuid'] = 'not-a-uuid'; },
      (d) => { (d['assessment-results']!['metadata'] as Record<string, unknown>)['last-modified'] = '2026-03-01'; },
      (d) => { ((d['assessment-results']!['results'] as Record<string, unknown>[])[0]!['findings'] as { target: { 'target-id': string } }[])[0]!.target['target-id'] = 'hipaa:164.312(b)'; },
      (d) => { ((d['assessment-results']!['results'] as Record<string, unknown>[])[0]!['findings'] as { target: { status: { state: string } } }[])[0]!.target.status.state = 'mostly'; },
      (d) => { (d['assessment-results']!['results'] as Record<string, unknown>[])[0]!['extra'] = 1; },
      (d) => { d['assessment-results']!['results'] = []; },
    ];
    for (const [i, breakIt] of breakers.entries()) {
      const doc = JSON.parse(JSON.stringify(good)) as Record<string, Record<string, unknown>>;
      breakIt(doc);
      expect(validate(doc).ok, `breaker ${i}`).toBe(false);
    }
  });
});
