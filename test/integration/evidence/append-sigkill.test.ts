import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEvidenceLog } from '../../../adapters/evidence/evidence-log.js';
import { chainOf, GENESIS, lineOk, makeLine, recoveryInput, sha256 } from '../../fixtures/evidence/seq-line.mjs';

// A writer appends sequence numbers to an evidence log in small batches and is SIGKILLed at a
// random moment, ROUNDS times; each new writer reopens the log (quarantining a torn tail) and
// continues from the last number on disk. A number the writer confirmed (printed after append
// resolved) must be on disk exactly once: lost = 0 and duplicated = 0.
//
// SIGKILL alone rarely tears a line (a small write() completes before the process dies), so every
// third round with unconfirmed lines on disk also simulates a power cut before their fsync: the
// bytes after the last confirmed line are cut at a random offset, sometimes followed by NUL bytes
// (a size that reached the disk before the data). Confirmed lines are never touched.

const ROOT = join(import.meta.dirname, '../../..');
const WRITER = join(ROOT, 'test/fixtures/evidence/append-writer.mjs');
const BUILT = join(ROOT, 'dist/adapters/evidence/evidence-log.js');
const ROUNDS = 200;
const DAILY = /^\d{4}-\d{2}-\d{2}\.jsonl$/;

/** mulberry32, so a failing kill schedule can be replayed from its seed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs the writer and SIGKILLs it `killAfterMs` after it reports `ready` or, with `fromSpawn`, after
 * it starts (to land inside the open and its recovery). Returns the numbers it confirmed.
 */
function killedWriter(dir: string, seed: number, killAfterMs: number, fromSpawn: boolean): Promise<{ confirmed: number[]; recoveredOnOpen: number; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WRITER, dir, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined = fromSpawn ? setTimeout(() => child.kill('SIGKILL'), killAfterMs) : undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (timer === undefined && out.includes('\n')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      // Only whole stdout lines count: a confirmation cut by the kill was never made.
      const lines = out.split('\n').slice(0, -1);
      resolve({
        confirmed: lines.filter((l) => l.startsWith('ok ')).map((l) => Number(l.slice(3))),
        recoveredOnOpen: Number(/^ready (\d+)$/m.exec(out)?.[1] ?? 0),
        signal,
        stderr,
      });
    });
  });
}

const dailyFiles = (dir: string) => readdirSync(dir).filter((n) => DAILY.test(n)).sort();

/** Cuts unconfirmed bytes off the newest file at a random offset, as a power cut before fsync would. */
function simulatePowerCut(dir: string, maxConfirmed: number, random: () => number): boolean {
  const newest = dailyFiles(dir).at(-1);
  if (!newest) return false;
  const path = join(dir, newest);
  const text = readFileSync(path);
  let offset = 0;
  let firstUnconfirmed = -1;
  for (const line of text.toString('utf8').split('\n').slice(0, -1)) {
    if (!lineOk(line)) return false; // a torn tail the next open has not seen yet
    const r = JSON.parse(line) as { seq?: number };
    if (firstUnconfirmed < 0 && r.seq !== undefined && r.seq > maxConfirmed) firstUnconfirmed = offset;
    else if (firstUnconfirmed >= 0 && r.seq === undefined) return false; // not a plain tail of unconfirmed lines
    offset += Buffer.byteLength(line) + 1;
  }
  if (firstUnconfirmed < 0) return false; // every line on disk is confirmed (or a torn tail already)
  const cut = firstUnconfirmed + 1 + Math.floor(random() * (text.length - firstUnconfirmed - 1));
  truncateSync(path, cut);
  if (random() < 0.5) appendFileSync(path, Buffer.alloc(1 + Math.floor(random() * 600)));
  return true;
}

interface Scan {
  seqCounts: Map<number, number>;
  records: number;
  recoveryRecords: number;
  /** Quarantine files named by recovery records. */
  recordedQuarantines: string[];
  chainBreaks: string[];
}

/** Reads every complete line of every daily file in name order and checks the hash chain. */
function scan(dir: string): Scan {
  const seqCounts = new Map<number, number>();
  const chainBreaks: string[] = [];
  let expected = { ...GENESIS };
  let records = 0;
  let recoveryRecords = 0;
  const recordedQuarantines: string[] = [];
  for (const name of dailyFiles(dir)) {
    const text = readFileSync(join(dir, name), 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) chainBreaks.push(`${name} ends without a newline`);
    for (const line of text.split('\n').slice(0, -1)) {
      const r = JSON.parse(line) as { i: number; prev: string; seq?: number; recovered?: { quarantined: string } };
      if (r.i !== expected.nextIndex || r.prev !== expected.prevHash) chainBreaks.push(`${name}: line ${r.i} does not follow ${expected.nextIndex - 1}`);
      expected = { nextIndex: r.i + 1, prevHash: sha256(line) };
      records++;
      if (r.seq !== undefined) seqCounts.set(r.seq, (seqCounts.get(r.seq) ?? 0) + 1);
      if (r.recovered !== undefined) {
        recoveryRecords++;
        recordedQuarantines.push(r.recovered.quarantined);
      }
    }
  }
  return { seqCounts, records, recoveryRecords, recordedQuarantines, chainBreaks };
}

const top = mkdtempSync(join(tmpdir(), 'writ-evd-sigkill-'));
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe('evidence appends under SIGKILL', () => {
  it(`loses and duplicates no confirmed record over ${ROUNDS} kills`, async () => {
    if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < statSync(join(ROOT, 'adapters/evidence/evidence-log.ts')).mtimeMs) {
      throw new Error(`${BUILT} is missing or older than its source: run \`npm run build\` first (npm test does).`);
    }
    const dir = join(top, 'clinic-test', 'appliance-1');
    const random = prng(20260301);
    const confirmed = new Set<number>();
    let maxConfirmed = -1;
    let killed = 0;
    let powerCuts = 0;
    let recoveredByWriters = 0;
    const started = Date.now();
    for (let round = 0; round < ROUNDS; round++) {
      const early = random() < 0.15;
      const run = await killedWriter(dir, round + 1, early ? 60 + Math.floor(random() * 240) : 5 + Math.floor(random() * 76), early);
      expect(run.stderr, `round ${round}`).toBe('');
      if (run.signal === 'SIGKILL') killed++;
      recoveredByWriters += run.recoveredOnOpen;
      for (const seq of run.confirmed) {
        confirmed.add(seq);
        maxConfirmed = Math.max(maxConfirmed, seq);
      }
      if (round % 3 === 2 && simulatePowerCut(dir, maxConfirmed, random)) powerCuts++;
    }

    // The last reopen, in this process: quarantines what the last kill left, then everything is read.
    const log = await openEvidenceLog({ dir, genesis: GENESIS, chainOf, makeLine, recoveryInput, lineOk });
    recoveredByWriters += log.recovered.length;
    const result = scan(dir);
    const lost = [...confirmed].filter((seq) => !result.seqCounts.has(seq));
    const duplicated = [...result.seqCounts].filter(([, n]) => n > 1).map(([seq]) => seq);
    const quarantineNames = readdirSync(join(dir, 'quarantine'));
    const quarantined = quarantineNames.filter((n) => n.endsWith('.partial')).length;
    console.log(
      `lost=${lost.length} duplicated=${duplicated.length} quarantined=${quarantined} ` +
        `(rounds=${ROUNDS} killed=${killed} power_cuts=${powerCuts} confirmed=${confirmed.size} records=${result.records} ` +
        `recovery_records=${result.recoveryRecords} files=${dailyFiles(dir).length} seconds=${((Date.now() - started) / 1000).toFixed(1)})`,
    );

    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(result.chainBreaks).toEqual([]);
    expect(killed).toBeGreaterThan(ROUNDS * 0.9);
    expect(dailyFiles(dir).length).toBeGreaterThan(1); // appends crossed midnights
    // Every torn tail was kept and recorded exactly once, and nothing is left pending.
    expect(quarantineNames.filter((n) => n.endsWith('.pending'))).toEqual([]);
    expect(quarantined).toBeGreaterThan(0);
    // A kill between a recovery record and its rename records that loss twice (never zero times).
    expect([...new Set(result.recordedQuarantines)].sort()).toEqual(quarantineNames.filter((n) => n.endsWith('.partial')).map((n) => `quarantine/${n}`).sort());
    expect(recoveredByWriters).toBeLessThanOrEqual(result.recoveryRecords); // a writer killed inside its open never said ready
    expect(log.chain.nextIndex).toBe(result.records);
  }, 240_000);
});
