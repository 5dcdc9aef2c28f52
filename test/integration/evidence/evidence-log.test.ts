import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEvidenceLog } from '../../../adapters/evidence/evidence-log.js';
import { chainOf, GENESIS, lineOk, makeLine, recoveryInput, sha256, type SeqInput } from '../../fixtures/evidence/seq-line.mjs';

const top = mkdtempSync(join(tmpdir(), 'writ-evd-log-'));
afterAll(() => rmSync(top, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(top, `clinic-test`, `appliance-${++n}`);

const open = (dir: string, withLineOk = true) =>
  openEvidenceLog<SeqInput>({ dir, genesis: GENESIS, chainOf, makeLine, recoveryInput, ...(withLineOk ? { lineOk } : {}) });
const day = (d: string) => () => d;
const seqs = (from: number, count: number): SeqInput[] => Array.from({ length: count }, (_, k) => ({ seq: from + k }));
const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');
const linesOf = (text: string) => text.split('\n').slice(0, -1).map((l) => JSON.parse(l) as { i: number; prev: string; seq?: number; code?: string; recovered?: unknown });

/** The hash chain over the given files, in order: each line's index and prev follow the one before. */
function expectChained(dir: string, names: string[]): void {
  let chain = { ...GENESIS };
  for (const name of names) {
    for (const line of read(dir, name).split('\n').slice(0, -1)) {
      const r = JSON.parse(line) as { i: number; prev: string };
      expect({ file: name, i: r.i, prev: r.prev }).toEqual({ file: name, i: chain.nextIndex, prev: chain.prevHash });
      chain = { nextIndex: r.i + 1, prevHash: sha256(line) };
    }
  }
}

describe('openEvidenceLog', () => {
  it('starts an empty log at the genesis and appends whole lines in order', async () => {
    const dir = freshDir();
    const log = await open(dir);
    expect(log.chain).toEqual(GENESIS);
    expect(log.lastLine).toBeNull();
    expect(log.recovered).toEqual([]);
    await log.append(seqs(0, 3), day('2026-03-01'));
    const text = read(dir, '2026-03-01.jsonl');
    expect(linesOf(text).map((r) => [r.i, r.seq])).toEqual([[0, 0], [1, 1], [2, 2]]);
    expect(text.endsWith('\n')).toBe(true);
    expect(log.chain).toEqual({ nextIndex: 3, prevHash: sha256(text.split('\n')[2]!) });
    expect(log.lastLine).toBe(text.split('\n')[2]);
    expect(statSync(join(dir, '2026-03-01.jsonl')).mode & 0o777).toBe(0o600);
    expectChained(dir, ['2026-03-01.jsonl']);
  });

  it('recovers the chain state from the last line on reopen', async () => {
    const dir = freshDir();
    const first = await open(dir);
    await first.append(seqs(0, 5), day('2026-03-01'));
    const again = await open(dir);
    expect(again.chain).toEqual(first.chain);
    expect(again.lastLine).toBe(first.lastLine);
    expect(again.recovered).toEqual([]);
    await again.append(seqs(5, 2), day('2026-03-01'));
    expectChained(dir, ['2026-03-01.jsonl']);
    expect(linesOf(read(dir, '2026-03-01.jsonl'))).toHaveLength(7);
  });

  it('quarantines a torn tail, cuts it off, and records the loss; earlier records stay byte for byte', async () => {
    const dir = freshDir();
    const log = await open(dir);
    await log.append(seqs(0, 4), day('2026-03-01'));
    const intact = read(dir, '2026-03-01.jsonl');
    const torn = '{"i":4,"prev":"abc","se';
    appendFileSync(join(dir, '2026-03-01.jsonl'), torn);

    const reopened = await open(dir);
    const offset = Buffer.byteLength(intact);
    const info = { file: '2026-03-01.jsonl', offset, line: 5, bytes: torn.length, sha256: sha256(torn), quarantined: `quarantine/2026-03-01.jsonl.${offset}.partial` };
    expect(reopened.recovered).toEqual([info]);
    expect(readdirSync(join(dir, 'quarantine'))).toEqual([`2026-03-01.jsonl.${offset}.partial`]);
    expect(readFileSync(join(dir, info.quarantined), 'utf8')).toBe(torn);
    const after = read(dir, '2026-03-01.jsonl');
    expect(after.startsWith(intact)).toBe(true);
    const recovery = linesOf(after.slice(intact.length));
    expect(recovery).toEqual([{ i: 4, prev: log.chain.prevHash, code: 'EVD_PARTIAL_RECOVERED', recovered: info }]);
    expect(reopened.chain.nextIndex).toBe(5);
    expectChained(dir, ['2026-03-01.jsonl']);

    // Nothing more to do on the next open.
    expect((await open(dir)).recovered).toEqual([]);
  });

  it('treats trailing lines that fail lineOk as torn (a power cut leaving NUL bytes)', async () => {
    const dir = freshDir();
    const log = await open(dir);
    await log.append(seqs(0, 2), day('2026-03-01'));
    const intact = read(dir, '2026-03-01.jsonl');
    const garbage = Buffer.concat([Buffer.alloc(40), Buffer.from('5}\n')]);
    appendFileSync(join(dir, '2026-03-01.jsonl'), garbage);
    const reopened = await open(dir);
    expect(reopened.recovered).toMatchObject([{ offset: Buffer.byteLength(intact), line: 3, bytes: garbage.length }]);
    expect(readFileSync(join(dir, reopened.recovered[0]!.quarantined)).equals(garbage)).toBe(true);
    expect(read(dir, '2026-03-01.jsonl').startsWith(intact)).toBe(true);
    expectChained(dir, ['2026-03-01.jsonl']);

    // Without lineOk, a complete last line is taken as is; its parse error surfaces instead.
    const dir2 = freshDir();
    mkdirSync(dir2, { recursive: true });
    writeFileSync(join(dir2, '2026-03-01.jsonl'), 'not json\n');
    await expect(open(dir2, false)).rejects.toThrow(SyntaxError);
  });

  it('rolls over to a new daily file by the day of each record, with one chain across files', async () => {
    const dir = freshDir();
    const log = await open(dir);
    const inputs = seqs(0, 6);
    await log.append(inputs, (input) => (input.seq! < 4 ? '2026-03-01' : '2026-03-02'));
    expect(readdirSync(dir).sort()).toEqual(['2026-03-01.jsonl', '2026-03-02.jsonl']);
    expect(linesOf(read(dir, '2026-03-01.jsonl')).map((r) => r.seq)).toEqual([0, 1, 2, 3]);
    expect(linesOf(read(dir, '2026-03-02.jsonl')).map((r) => r.seq)).toEqual([4, 5]);
    const reopened = await open(dir);
    expect(reopened.chain).toEqual(log.chain);
    await reopened.append(seqs(6, 1), day('2026-03-03'));
    expectChained(dir, ['2026-03-01.jsonl', '2026-03-02.jsonl', '2026-03-03.jsonl']);
  });

  it('never writes to a day older than the newest file (clock stepped back): the files stay in chain order', async () => {
    const dir = freshDir();
    const log = await open(dir);
    await log.append(seqs(0, 2), day('2026-03-02'));
    await log.append(seqs(2, 1), day('2026-03-01'));
    expect(readdirSync(dir)).toEqual(['2026-03-02.jsonl']);
    expect(linesOf(read(dir, '2026-03-02.jsonl')).map((r) => r.seq)).toEqual([0, 1, 2]);
  });

  it('takes the chain from an older file when the newest is empty or wholly torn', async () => {
    const dir = freshDir();
    const log = await open(dir);
    await log.append(seqs(0, 3), day('2026-03-01'));
    writeFileSync(join(dir, '2026-03-02.jsonl'), ''); // created, then the process died before writing
    expect((await open(dir)).chain).toEqual(log.chain);

    writeFileSync(join(dir, '2026-03-03.jsonl'), '{"i":3,"pr'); // only a torn line
    const reopened = await open(dir);
    expect(reopened.recovered).toMatchObject([{ file: '2026-03-03.jsonl', offset: 0, line: 1, bytes: 10 }]);
    expect(linesOf(read(dir, '2026-03-03.jsonl'))).toMatchObject([{ i: 3, prev: log.chain.prevHash, code: 'EVD_PARTIAL_RECOVERED' }]);
    expectChained(dir, ['2026-03-01.jsonl', '2026-03-02.jsonl', '2026-03-03.jsonl']);
  });

  it('finishes a recovery a crash interrupted: the loss is recorded, the tail quarantined once', async () => {
    const dir = freshDir();
    const log = await open(dir);
    await log.append(seqs(0, 2), day('2026-03-01'));
    const intact = read(dir, '2026-03-01.jsonl');
    const offset = Buffer.byteLength(intact);
    const torn = '{"i":2,"prev":"';
    // Crash after step 1 (quarantined as .pending) but before the cut: the tail is still there.
    appendFileSync(join(dir, '2026-03-01.jsonl'), torn);
    mkdirSync(join(dir, 'quarantine'));
    writeFileSync(join(dir, 'quarantine', `2026-03-01.jsonl.${offset}.partial.pending`), torn);
    writeFileSync(join(dir, 'quarantine', `.2026-03-01.jsonl.${offset}.partial.pending.999.tmp`), torn.slice(0, 3));
    const reopened = await open(dir);
    expect(reopened.recovered).toEqual([{ file: '2026-03-01.jsonl', offset, line: 3, bytes: torn.length, sha256: sha256(torn), quarantined: `quarantine/2026-03-01.jsonl.${offset}.partial` }]);
    expect(readdirSync(join(dir, 'quarantine'))).toEqual([`2026-03-01.jsonl.${offset}.partial`]);
    expect(linesOf(read(dir, '2026-03-01.jsonl')).map((r) => r.code ?? r.seq)).toEqual([0, 1, 'EVD_PARTIAL_RECOVERED']);

    // Crash after the cut but before the record: only the .pending file tells; it is recorded now.
    writeFileSync(join(dir, 'quarantine', `2026-03-01.jsonl.${offset + 7}.partial.pending`), 'lost');
    const third = await open(dir);
    expect(third.recovered).toMatchObject([{ offset: offset + 7, bytes: 4 }]);
    expect(linesOf(read(dir, '2026-03-01.jsonl')).map((r) => r.code ?? r.seq)).toEqual([0, 1, 'EVD_PARTIAL_RECOVERED', 'EVD_PARTIAL_RECOVERED']);
    expectChained(dir, ['2026-03-01.jsonl']);
  });

  it('keeps a second torn tail at the same offset under its own name (a torn recovery record)', async () => {
    const dir = freshDir();
    const log = await open(dir);
    await log.append(seqs(0, 1), day('2026-03-01'));
    const offset = statSync(join(dir, '2026-03-01.jsonl')).size;
    appendFileSync(join(dir, '2026-03-01.jsonl'), '{"torn":1');
    await open(dir);
    truncateSync(join(dir, '2026-03-01.jsonl'), offset + 5); // the recovery line itself torn
    const again = await open(dir);
    expect(again.recovered).toMatchObject([{ offset, bytes: 5, quarantined: `quarantine/2026-03-01.jsonl.${offset}.1.partial` }]);
    expect(readdirSync(join(dir, 'quarantine')).sort()).toEqual([`2026-03-01.jsonl.${offset}.1.partial`, `2026-03-01.jsonl.${offset}.partial`]);
    expectChained(dir, ['2026-03-01.jsonl']);
  });

  it('files a recovery record by its own day when dayOf is given (a crash just before midnight)', async () => {
    const dir = freshDir();
    const log = await open(dir);
    await log.append(seqs(0, 1), day('2026-03-01'));
    appendFileSync(join(dir, '2026-03-01.jsonl'), '{"i":1,');
    const reopened = await openEvidenceLog<SeqInput>({
      dir, genesis: GENESIS, chainOf, makeLine, lineOk, recoveryInput: (info) => ({ ...recoveryInput(info), day: '2026-03-02' }), dayOf: (input) => input.day!,
    });
    expect(reopened.recovered).toMatchObject([{ file: '2026-03-01.jsonl', line: 2 }]);
    expect(linesOf(read(dir, '2026-03-01.jsonl')).map((r) => r.seq)).toEqual([0]);
    expect(linesOf(read(dir, '2026-03-02.jsonl'))).toMatchObject([{ i: 1, code: 'EVD_PARTIAL_RECOVERED', day: '2026-03-02' }]);
    expectChained(dir, ['2026-03-01.jsonl', '2026-03-02.jsonl']);
  });

  it('re-reads the tail after a failed append, so the chain never forks', async () => {
    const dir = freshDir();
    const log = await open(dir);
    await log.append(seqs(0, 1), day('2026-03-01'));
    mkdirSync(join(dir, '2026-03-02.jsonl')); // the second day's file cannot be opened
    await expect(log.append(seqs(1, 3), (input) => (input.seq! < 3 ? '2026-03-01' : '2026-03-02'))).rejects.toThrow(/EISDIR/);
    expect(log.chain.nextIndex).toBe(1); // unchanged in memory, although seq 1 and 2 reached the disk
    rmSync(join(dir, '2026-03-02.jsonl'), { recursive: true });
    await log.append(seqs(3, 1), day('2026-03-02'));
    expect(linesOf(read(dir, '2026-03-01.jsonl')).map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(linesOf(read(dir, '2026-03-02.jsonl')).map((r) => [r.i, r.seq])).toEqual([[3, 3]]);
    expectChained(dir, ['2026-03-01.jsonl', '2026-03-02.jsonl']);
  });

  it('writes nothing for a bad day or a line with a newline, and serializes concurrent appends', async () => {
    const dir = freshDir();
    const log = await open(dir);
    await expect(log.append(seqs(0, 1), day('../../etc'))).rejects.toThrow(RangeError);
    const badLine = await openEvidenceLog<SeqInput>({
      dir, genesis: GENESIS, chainOf, recoveryInput, makeLine: (input, chain) => ({ line: `${JSON.stringify(input)}\n{}`, chain }),
    });
    await expect(badLine.append(seqs(0, 1), day('2026-03-01'))).rejects.toThrow(TypeError);
    expect(readdirSync(dir)).toEqual([]);

    await Promise.all([log.append(seqs(0, 50), day('2026-03-01')), log.append(seqs(50, 50), day('2026-03-01'))]);
    expect(linesOf(read(dir, '2026-03-01.jsonl')).map((r) => r.seq)).toEqual(seqs(0, 100).map((s) => s.seq));
    expectChained(dir, ['2026-03-01.jsonl']);
  });
});
