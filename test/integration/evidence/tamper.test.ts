import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCheckpointLine } from '../../../core/evidence/checkpoint.js';
import { makeRecordLine } from '../../../core/evidence/evidence-record.js';
import { runCli } from '../../helpers/run-cli.js';
import { type BuiltChain, buildChain, newApplianceKey, writeChain } from '../../unit/core/evidence/build-chain.js';

// 200 records, one every 10 minutes from 2026-03-01T00:00Z: records 0–143 are lines 1–144 of
// 2026-03-01.jsonl, records 144–199 lines 1–56 of 2026-03-02.jsonl. Checkpoints at 50, 100, 150:
// records 150–199 are the uncheckpointed tail.
const SITE = 'clinic-a';
const APPL = 'clinic-a-appl-1';
const key = newApplianceKey();
const sibling = newApplianceKey(); // another appliance of the same site: a known key
const stranger = newApplianceKey(); // nobody's key

let work: string;
let pristine: string;
let chain: BuiltChain;
let scenario = 0;

const place = (index: number) => (index < 144 ? { file: '2026-03-01.jsonl', line: index + 1 } : { file: '2026-03-02.jsonl', line: index - 143 });

/** A copy of the pristine evidence folder with one change applied; returns its path. */
function tampered(change: (chainDir: string) => void): string {
  const dir = join(work, `case-${++scenario}`);
  cpSync(pristine, dir, { recursive: true });
  change(join(dir, SITE, APPL));
  return dir;
}

function editLines(chainDir: string, file: string, edit: (lines: string[]) => string[]): void {
  const path = join(chainDir, file);
  const lines = readFileSync(path, 'latin1').split('\n').slice(0, -1);
  writeFileSync(path, edit(lines).map((l) => `${l}\n`).join(''), 'latin1');
}

function editRecord(index: number, edit: (line: string) => string): (chainDir: string) => void {
  const { file, line } = place(index);
  return (d) => editLines(d, file, (lines) => lines.map((l, i) => (i === line - 1 ? edit(l) : l)));
}

/** Replaces one base64 character at `offset` inside the field that starts with `marker`. */
const flipAt = (marker: string, offset: number) => (l: string) => {
  const p = l.indexOf(marker) + marker.length + offset;
  return l.slice(0, p) + (l[p] === 'A' ? 'B' : 'A') + l.slice(p + 1);
};

function verify(dir: string, format = 'text') {
  return runCli(['evidence', 'verify', '--dir', dir, '--keys', join(work, 'site.yaml'), '--format', format]);
}

function resigned(index: number, signer: typeof key.signer): string {
  const { format, index: i, prev, ...rest } = chain.statements[index]!;
  void format; void prev;
  expect(i).toBe(index);
  return makeRecordLine(rest, chain.states[index]!, signer).line;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'writ-evidence-tamper-'));
  pristine = join(work, 'pristine');
  chain = buildChain({ count: 200, signer: key.signer, checkpointsAt: [50, 100, 150], site: SITE, appliance: APPL });
  writeChain(pristine, chain);
  writeFileSync(join(work, 'site.yaml'), [
    'apiVersion: writ.dev/v1', 'kind: Site', `id: ${SITE}`, 'name: Clinic A', 'timezone: America/Chicago', 'hosts: []', 'rules: []', 'appliances:',
    `  - id: ${APPL}`, `    encryption_key: ${'A'.repeat(43)}`, `    signing_key: ${key.signingKey}`,
    '  - id: clinic-a-appl-2', `    encryption_key: ${'B'.repeat(43)}`, `    signing_key: ${sibling.signingKey}`, '    retired: true', '',
  ].join('\n'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('writ evidence verify on a real 200-record chain', () => {
  it('passes the untouched chain: "verified through", the tail as a warning', () => {
    const r = verify(pristine);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${SITE}/${APPL}: verified through 149 (of 200 records; checkpoint at 150)`);
    expect(r.stdout).toContain('warning EVD_TAIL_UNCHECKPOINTED at index 150: records 150–199 are signed and chained but no checkpoint covers them yet');
    expect(r.stdout).toContain('1 chain verified, 200 records, no errors.');
  });

  it('prints JSON with the verdict fields', () => {
    const r = verify(pristine, 'json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ format: 'writ-evidence-verify/v1', ok: true, summary: { chains: 1, failed: 0, records: 200 } });
    expect(out.chains[0]).toMatchObject({ site: SITE, appliance: APPL, records: 200, verified_through: 149, chain_valid_through: 199, checkpointed_through: 149, checkpoint: { tree_size: 150, file: `${SITE}/${APPL}/checkpoints.jsonl`, line: 3 } });
  });

  const cases: [string, (d: string) => void, string][] = [
    ['one byte of a middle record\'s payload', editRecord(100, flipAt('"payload":"', 30)), 'error EVD_SIGNATURE_INVALID at index 100 (clinic-a/clinic-a-appl-1/2026-03-01.jsonl:101)'],
    ['one byte of a record\'s signature', editRecord(60, flipAt('"sig":"', 10)), 'error EVD_SIGNATURE_INVALID at index 60 (clinic-a/clinic-a-appl-1/2026-03-01.jsonl:61)'],
    ['one byte of the last record', editRecord(199, flipAt('"payload":"', 200)), 'error EVD_SIGNATURE_INVALID at index 199 (clinic-a/clinic-a-appl-1/2026-03-02.jsonl:56)'],
    ['one byte of the first record of the second day', editRecord(144, flipAt('"payload":"', 8)), 'error EVD_SIGNATURE_INVALID at index 144 (clinic-a/clinic-a-appl-1/2026-03-02.jsonl:1)'],
    ['a record made unparsable', editRecord(90, (l) => l.slice(0, 200)), 'error EVD_MALFORMED at index 90 (clinic-a/clinic-a-appl-1/2026-03-01.jsonl:91)'],
    ['a deleted record', (d) => editLines(d, '2026-03-01.jsonl', (ls) => ls.filter((_, i) => i !== 80)), 'error EVD_RECORD_MISSING at index 80: record 80 is missing'],
    ['a deleted tail record', (d) => editLines(d, '2026-03-02.jsonl', (ls) => ls.filter((_, i) => i !== 20)), 'error EVD_RECORD_MISSING at index 164: record 164 is missing'],
    ['two swapped records', (d) => editLines(d, '2026-03-01.jsonl', (ls) => { [ls[120], ls[121]] = [ls[121]!, ls[120]!]; return ls; }), 'error EVD_OUT_OF_ORDER at index 121 (clinic-a/clinic-a-appl-1/2026-03-01.jsonl:121): record 121 is out of order'],
    ['the tail truncated under a checkpoint', (d) => { rmSync(join(d, '2026-03-02.jsonl')); editLines(d, '2026-03-01.jsonl', (ls) => ls.slice(0, 140)); }, 'error EVD_TRUNCATED at index 140: checkpoint clinic-a/clinic-a-appl-1/checkpoints.jsonl:3 covers 150 records (0–149) but the chain ends at index 139; records from index 140 on are missing'],
    ['a forked checkpoint of the same size', (d) => appendFileSync(join(d, 'checkpoints.jsonl'), `${forkedCheckpoint(150)}\n`), 'error EVD_FORK at tree size 150 (clinic-a/clinic-a-appl-1/checkpoints.jsonl:4): checkpoints of size 150 disagree'],
    ['a record re-signed with another appliance\'s key', editRecord(42, () => resigned(42, sibling.signer)), 'error EVD_WRONG_KEY at index 42 (clinic-a/clinic-a-appl-1/2026-03-01.jsonl:43)'],
    ['a record re-signed with an unknown key', editRecord(170, () => resigned(170, stranger.signer)), 'error EVD_UNKNOWN_KEY at index 170 (clinic-a/clinic-a-appl-1/2026-03-02.jsonl:27)'],
  ];

  it.each(cases)('fails on %s, naming the exact index', (_name, change, expected) => {
    const r = verify(tampered(change));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${SITE}/${APPL}: FAILED`);
    expect(r.stdout).toContain(expected);
  });

  it('fails when the appliance key signs a different record 30 (chain and checkpoint both catch it)', () => {
    const { format, index, prev, ...rest } = chain.statements[30]!;
    void format; void index; void prev;
    const other = makeRecordLine({ ...rest, decision: 'compliant-forged' }, chain.states[30]!, key.signer).line;
    const r = verify(tampered(editRecord(30, () => other)));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error EVD_CHAIN_BROKEN at index 31 (clinic-a/clinic-a-appl-1/2026-03-01.jsonl:32): record 31 has prev');
  });

  it('cannot see a truncation beyond the last checkpoint offline: fewer records, same verified prefix', () => {
    const r = verify(tampered((d) => editLines(d, '2026-03-02.jsonl', (ls) => ls.slice(0, 36))));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('verified through 149 (of 180 records; checkpoint at 150)');
    expect(r.stdout).toContain('records 150–179 are signed and chained but no checkpoint covers them yet');
  });

  it('refuses usage errors and unreadable input with exit 2', () => {
    expect(runCli(['evidence', 'verify', '--dir', pristine]).code).toBe(2);
    const missing = runCli(['evidence', 'verify', '--dir', join(work, 'nope'), '--keys', join(work, 'site.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('REPO_READ_FAILED');
    expect(runCli(['evidence', 'verify', '--dir', pristine, '--keys', join(work, 'nope.yaml')]).code).toBe(2);
    expect(runCli(['evidence', 'verify', '--dir', pristine, '--keys', join(work, 'site.yaml'), '--format', 'xml']).code).toBe(2);
    expect(runCli(['evidence', '--help']).stdout).toContain('Usage: writ evidence verify');
  });
});

/** A checkpoint of `size` over a different history (record size−1 altered), signed by the appliance. */
function forkedCheckpoint(size: number): string {
  const { format, index, prev, ...rest } = chain.statements[size - 1]!;
  void format; void index; void prev;
  const state = makeRecordLine({ ...rest, decision: 'forged' }, chain.states[size - 1]!, key.signer).chainState;
  return makeCheckpointLine({ appliance: APPL, site: SITE, time: '2026-03-02T12:00:00Z' }, state, key.signer).line;
}
