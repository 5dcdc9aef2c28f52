import { describe, expect, it } from 'vitest';
import { applianceOfEvidencePath, signalsFromEvidence } from '../../../../core/escalation/signals-from-evidence.js';
import { trustedKey, trustedKeyMap } from '../../../../core/evidence/dsse.js';
import { type EvidenceStatementInput, initialChainState, makeRecordLine } from '../../../../core/evidence/evidence-record.js';
import { newApplianceKey } from '../evidence/build-chain.js';

const k1 = newApplianceKey();
const k2 = newApplianceKey();
const keys = trustedKeyMap([trustedKey('ap-1', k1.publicRaw), trustedKey('ap-2', k2.publicRaw)]);
const FILE = 'clinic-a/ap-1/2026-03-01.jsonl';

function lines(inputs: Partial<EvidenceStatementInput>[], signer = k1.signer, appliance = 'ap-1'): string[] {
  let state = initialChainState();
  return inputs.map((i) => {
    const r = makeRecordLine({ appliance, site: 'clinic-a', time: '2026-03-01T02:00:00Z', kind: 'cycle', run_id: 'r1', release: null, ...i } as EvidenceStatementInput, state, signer);
    state = r.chainState;
    return r.line;
  });
}

const escalation = { kind: 'escalation', host: 'ws-1', rule: 'L1-X-001', result: { incident: 'i1', cause: 'retries-spent', reason: 'gave up', urgency: 'critical' } };

describe('signalsFromEvidence', () => {
  it('turns verified escalation and heal records into signals with their file and line; attempts from the same run', () => {
    const text = `${lines([
      { kind: 'cycle' },
      { kind: 'remediation', host: 'ws-1', rule: 'L1-X-001', result: { outcome: 'still-failing', incident: 'i1', attempt: 3, max_retries: 3 } },
      escalation,
      { kind: 'check', host: 'ws-2', rule: 'L1-X-001', result: { status: 'pass' } },
    ]).join('\n')}\n`;
    const r = signalsFromEvidence([{ path: FILE, text, firstLine: 40 }], 'clinic-a', keys);
    expect(r.skipped).toEqual([]);
    expect(r.verified).toBe(4);
    expect(r.signals.map((s) => [s.kind, s.key.host, s.source.line, s.source.index])).toEqual([['escalation', 'ws-1', 42, 2], ['heal', 'ws-2', 43, 3]]);
    expect(r.signals[0]).toMatchObject({ severity: 'critical', attempts: { attempt: 3, max_retries: 3 } });
  });

  it('skips, with a reason, every line it cannot verify or use, and never turns one into a signal', () => {
    const [good] = lines([escalation]);
    const [otherKey] = lines([escalation], k2.signer);
    const [unknown] = lines([escalation], newApplianceKey().signer);
    const [otherSite] = lines([{ ...escalation, site: 'clinic-b' }]);
    const [otherAppliance] = lines([escalation], k1.signer, 'ap-2');
    const flip = (l: string, at: number) => l.slice(0, at) + (l[at] === 'A' ? 'B' : 'A') + l.slice(at + 1);
    const bad = [
      otherKey!, unknown!, otherSite!, otherAppliance!, flip(good!, 30), flip(good!, good!.indexOf('"sig":"') + 20), '', 'not json', good!.replace('{"payload"', '{ "payload"'), `${good}x`, good!.slice(0, -5),
    ];
    const r = signalsFromEvidence([{ path: FILE, text: `${bad.join('\n')}\n${good}`, firstLine: 1 }], 'clinic-a', keys);
    expect(r.signals).toEqual([]);
    expect(r.skipped.map((s) => [s.line, s.code, s.evidence_code ?? s.message])).toEqual([
      [1, 'WH_EVIDENCE_UNVERIFIED', 'EVD_WRONG_KEY'],
      [2, 'WH_EVIDENCE_UNVERIFIED', 'EVD_UNKNOWN_KEY'],
      [3, 'WH_EVIDENCE_MALFORMED', 'the signed record names another site or appliance than its folder'],
      [4, 'WH_EVIDENCE_MALFORMED', 'the signed record names another site or appliance than its folder'],
      [5, 'WH_EVIDENCE_UNVERIFIED', 'EVD_SIGNATURE_INVALID'],
      [6, 'WH_EVIDENCE_UNVERIFIED', 'EVD_SIGNATURE_INVALID'],
      [7, 'WH_EVIDENCE_MALFORMED', 'EVD_MALFORMED'],
      [8, 'WH_EVIDENCE_MALFORMED', 'EVD_MALFORMED'],
      [9, 'WH_EVIDENCE_MALFORMED', 'EVD_MALFORMED'],
      [10, 'WH_EVIDENCE_MALFORMED', 'EVD_MALFORMED'],
      [11, 'WH_EVIDENCE_MALFORMED', 'EVD_MALFORMED'],
      [12, 'WH_EVIDENCE_MALFORMED', 'last line has no newline (torn write)'],
    ]);
  });

  it('reads only daily files of the branch site', () => {
    expect(applianceOfEvidencePath('clinic-a/ap-1/2026-03-01.jsonl', 'clinic-a')).toBe('ap-1');
    for (const p of ['clinic-a/ap-1/checkpoints.jsonl', 'clinic-a/ap-1/quarantine/2026-03-01.jsonl.1.partial', 'clinic-b/ap-1/2026-03-01.jsonl', 'clinic-a/AP-1/2026-03-01.jsonl', 'clinic-a/../2026-03-01.jsonl', 'clinic-a/ap-1/2026-03-01.jsonl/x', 'sites/clinic-a.yaml']) {
      expect(applianceOfEvidencePath(p, 'clinic-a')).toBeUndefined();
    }
    const [good] = lines([escalation]);
    const r = signalsFromEvidence([{ path: 'clinic-b/ap-1/2026-03-01.jsonl', text: `${good}\n`, firstLine: 1 }], 'clinic-a', keys);
    expect(r.signals).toEqual([]);
    expect(r.skipped[0]).toMatchObject({ code: 'WH_EVIDENCE_MALFORMED', message: 'not a daily evidence file of this site' });
  });
});
