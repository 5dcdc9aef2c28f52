import { describe, expect, it } from 'vitest';
import { trustedKey, trustedKeyMap } from '../../../../core/evidence/dsse.js';
import { makeCheckpointLine } from '../../../../core/evidence/checkpoint.js';
import { makeRecordLine } from '../../../../core/evidence/evidence-record.js';
import { renderEvidenceText } from '../../../../core/evidence/render-evidence-verdicts.js';
import { type ChainInput, type EvidenceLine, verifyChain } from '../../../../core/evidence/verify-chain.js';
import { asEvidenceLines, buildChain, checkpointInput, newApplianceKey } from './build-chain.js';

const key = newApplianceKey();
const other = newApplianceKey();
const keys = trustedKeyMap([trustedKey('clinic-a-appl-1', key.publicRaw), trustedKey('clinic-b-appl-1', other.publicRaw)]);
const chain = buildChain({ count: 40, signer: key.signer, checkpointsAt: [10, 30] });
const input = (records: EvidenceLine[] = asEvidenceLines(chain), checkpoints = checkpointInput(chain)): ChainInput => ({ site: chain.site, appliance: chain.appliance, records, checkpoints });
const codes = (v: { problems: { code: string; index?: number; severity: string }[] }) => v.problems.filter((p) => p.severity === 'error').map((p) => `${p.code}@${p.index ?? '-'}`);

describe('verifyChain', () => {
  it('verifies an untouched chain through its last checkpoint and warns about the tail', () => {
    const v = verifyChain(input(), { keys });
    expect(v).toMatchObject({ ok: true, records: 40, verifiedThrough: 29, chainValidThrough: 39, checkpointedThrough: 29, checkpoint: { tree_size: 30 }, signaturesChecked: 10 });
    expect(v.problems.map((p) => `${p.code}@${p.index}`)).toEqual(['EVD_TAIL_UNCHECKPOINTED@30']);
    expect(renderEvidenceText([v]).split('\n')[0]).toBe('clinic-a/clinic-a-appl-1: verified through 29 (of 40 records; checkpoint at 30)');
  });

  it('gives the same verdict when every signature is checked', () => {
    const v = verifyChain(input(), { keys, allSignatures: true });
    expect(v).toMatchObject({ ok: true, verifiedThrough: 29, signaturesChecked: 40 });
  });

  it('locates an edited record exactly, under a checkpoint and in the tail', () => {
    for (const at of [5, 35, 39]) {
      const records = asEvidenceLines(chain);
      const t = records[at]!.text;
      const p = t.indexOf('"payload":"') + 40;
      records[at] = { ...records[at]!, text: t.slice(0, p) + (t[p] === 'A' ? 'B' : 'A') + t.slice(p + 1) };
      const v = verifyChain(input(records), { keys });
      expect(codes(v), `edit at ${at}`).toEqual([`EVD_SIGNATURE_INVALID@${at}`]);
      expect(v.chainValidThrough).toBe(at - 1);
    }
  });

  it('names a deleted record, a swap, and a truncation under a checkpoint', () => {
    const records = asEvidenceLines(chain);
    expect(codes(verifyChain(input(records.filter((_, i) => i !== 12)), { keys }))).toEqual(['EVD_RECORD_MISSING@12']);
    const swapped = records.slice();
    [swapped[20], swapped[21]] = [swapped[21]!, swapped[20]!];
    expect(codes(verifyChain(input(swapped), { keys }))).toEqual(['EVD_OUT_OF_ORDER@21']);
    const cut = verifyChain(input(records.slice(0, 25)), { keys });
    expect(codes(cut)).toEqual(['EVD_TRUNCATED@25']);
    expect(cut.verifiedThrough).toBe(9);
  });

  it('reports a re-signed record by whose key it carries', () => {
    const stranger = newApplianceKey();
    for (const [signer, code] of [[other.signer, 'EVD_WRONG_KEY'], [stranger.signer, 'EVD_UNKNOWN_KEY']] as const) {
      const records = asEvidenceLines(chain);
      const { index, prev, format, ...rest } = chain.statements[7]!;
      void format;
      const resigned = makeRecordLine(rest, chain.states[7]!, signer).line;
      expect(index).toBe(7);
      void prev;
      records[7] = { ...records[7]!, text: resigned };
      expect(codes(verifyChain(input(records), { keys }))).toEqual([`${code}@7`]);
    }
  });

  it('calls two checkpoints of one size with different roots a fork, and a wrong root a mismatch', () => {
    // A second history: the same first 29 records, then a different record 29.
    const cp = (size: number, lineNo: number) => {
      const { format, index, prev, ...rest } = chain.statements[size - 1]!;
      void format; void index; void prev;
      const altState = makeRecordLine({ ...rest, decision: 'forged' }, chain.states[size - 1]!, key.signer).chainState;
      const text = makeCheckpointLine({ appliance: chain.appliance, site: chain.site, time: '2026-03-01T05:00:00Z' }, altState, key.signer).line;
      return { file: 'clinic-a/clinic-a-appl-1/checkpoints.jsonl', line: lineNo, text, terminated: true };
    };
    const errors = (v: ReturnType<typeof verifyChain>) => v.problems.filter((p) => p.severity === 'error').map((p) => `${p.code}@${p.tree_size}`);
    expect(errors(verifyChain(input(undefined, [...checkpointInput(chain), cp(30, 3)]), { keys }))).toEqual(['EVD_FORK@30']);
    expect(errors(verifyChain(input(undefined, [checkpointInput(chain)[0]!, cp(30, 2)]), { keys }))).toEqual(['EVD_CHECKPOINT_MISMATCH@30']);
    expect(errors(verifyChain(input(undefined, [cp(10, 1), checkpointInput(chain)[1]!]), { keys }))).toEqual(['EVD_FORK@10']);
  });

  it('treats a torn last line as a warning and a recovery record as info', () => {
    const records = asEvidenceLines(chain);
    records.push({ file: records[39]!.file, line: records[39]!.line + 1, text: records[39]!.text.slice(0, 100), terminated: false });
    const v = verifyChain(input(records), { keys });
    expect(v.ok).toBe(true);
    expect(v.records).toBe(40);
    expect(v.problems.map((p) => p.code)).toContain('EVD_TORN_TAIL');
    const rec = makeRecordLine({ appliance: chain.appliance, site: chain.site, time: '2026-03-01T06:40:00Z', kind: 'recovery', run_id: 'boot-2', release: null,
      recovery: { file: '2026-03-01.jsonl', line: 41, bytes: 100, sha256: 'ef'.repeat(32), quarantined_as: 'quarantine/2026-03-01.jsonl.41.torn' } }, chain.states[40]!, key.signer);
    const withRecovery = verifyChain({ ...input([...asEvidenceLines(chain), { file: records[39]!.file, line: 41, text: rec.line, terminated: true }]), quarantine: [{ file: 'quarantine/2026-03-01.jsonl.41.torn', bytes: 100 }, { file: 'quarantine/other', bytes: 3 }] }, { keys });
    expect(withRecovery.ok).toBe(true);
    expect(withRecovery.problems.map((p) => `${p.severity}:${p.code}`)).toEqual(expect.arrayContaining(['info:EVD_PARTIAL_RECOVERED', 'warning:EVD_QUARANTINE_UNRECORDED']));
  });

  it('fails a chain whose appliance has no key, and a record copied from another chain', () => {
    expect(codes(verifyChain(input(), { keys: trustedKeyMap([trustedKey('clinic-b-appl-1', other.publicRaw)]) }))).toEqual(['EVD_UNKNOWN_KEY@-']);
    const b = buildChain({ count: 3, signer: key.signer, site: 'clinic-a', appliance: 'clinic-a-appl-1' });
    const v = verifyChain({ site: 'clinic-z', appliance: 'clinic-a-appl-1', records: asEvidenceLines(b), checkpoints: [] }, { keys });
    expect(codes(v)).toEqual(['EVD_WRONG_CHAIN@0', 'EVD_WRONG_CHAIN@1', 'EVD_WRONG_CHAIN@2']);
  });
});
