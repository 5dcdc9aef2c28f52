/**
 * Evidence at volume: building and writing 100,000 signed records, then verifying them offline
 * (target: verify 100k in under 5 s, i.e. over 20,000 records/s, on this 2-core machine).
 * - append: makeRecordLine (canonical JSON, Ed25519 sign, chain and Merkle state) for every record,
 *   a checkpoint every 1,000, and a plain buffered write of one daily file. The crash-safe append
 *   layer (adapters/evidence/evidence-log.ts: fsync per batch, torn-tail recovery) is not in it.
 * - verify: readEvidenceDir (streamed, capped lines) + verifyChain, as `writ evidence verify` runs.
 *   Records under a matching checkpoint are bound by its signed Merkle root, so the tail after the
 *   last checkpoint is what costs one Ed25519 verification per record.
 * - anchor (floor): reading the same file and SHA-256 hashing each line once, checking nothing.
 * - every signature: verifyChain with allSignatures on a 10,000-record chain, to show the per-record
 *   Ed25519 cost (node:crypto, one core).
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCheckpointLine } from '../core/evidence/checkpoint.js';
import { type EvidenceSigner, ed25519EvidenceSigner, trustedKey, trustedKeyMap } from '../core/evidence/dsse.js';
import { type ChainState, initialChainState, makeRecordLine } from '../core/evidence/evidence-record.js';
import { verifyChain } from '../core/evidence/verify-chain.js';
import { readEvidenceDir } from '../adapters/evidence/read-evidence-dir.js';
import { type Benchmark, type BenchRow, formatBenchTable, median } from './bench-table.js';

const RECORDS = Number(process.env['WRIT_BENCH_EVIDENCE_RECORDS'] ?? 100_000);
const CHECKPOINT_EVERY = 1_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const SITE = 'clinic-bench';
const APPL = 'clinic-bench-appl-1';

/** Builds `count` records (one every 0.5 s: one UTC day) and writes them with a plain buffered write. */
function appendChain(dir: string, count: number, signer: EvidenceSigner): { ms: number; bytes: number } {
  const chainDir = join(dir, SITE, APPL);
  mkdirSync(chainDir, { recursive: true });
  const start = performance.now();
  const fd = openSync(join(chainDir, '2026-03-01.jsonl'), 'w');
  const cps: string[] = [];
  let buffer: string[] = [];
  let buffered = 0;
  let bytes = 0;
  let state: ChainState = initialChainState();
  for (let i = 0; i < count; i++) {
    const time = new Date(T0 + i * 500).toISOString();
    const r = makeRecordLine({
      appliance: APPL, site: SITE, time, kind: i % 10 === 9 ? 'remediation' : 'check', run_id: `run-${Math.floor(i / 40)}`,
      release: { version: 42, digest: 'ab'.repeat(32) }, host: `ws-${i % 37}`, rule: `L1-LIN-SSH-${String(i % 40).padStart(3, '0')}`, controls: ['164.312(a)(1)', '164.312(d)'],
      runbook: 'LIN-SSH-001', runbook_version: '3', runbook_digest: 'cd'.repeat(32), decision: 'compliant',
      result: { status: 'pass', observed: { permit_root_login: 'no', password_authentication: 'no' }, message: 'sshd_config is hardened' },
      timing: { started: time, duration_ms: 41 },
    }, state, signer);
    state = r.chainState;
    buffer.push(r.line, '\n');
    buffered += r.line.length + 1;
    if (buffered >= 1 << 20) {
      bytes += writeSync(fd, buffer.join(''));
      buffer = [];
      buffered = 0;
    }
    if ((i + 1) % CHECKPOINT_EVERY === 0 || i === count - 1) cps.push(makeCheckpointLine({ appliance: APPL, site: SITE, time }, state, signer).line);
  }
  bytes += writeSync(fd, buffer.join(''));
  closeSync(fd);
  const cfd = openSync(join(chainDir, 'checkpoints.jsonl'), 'w');
  writeSync(cfd, cps.map((l) => `${l}\n`).join(''));
  closeSync(cfd);
  return { ms: performance.now() - start, bytes };
}

async function verifyDir(dir: string, keys: ReturnType<typeof trustedKeyMap>, allSignatures = false): Promise<{ ms: number; verifiedThrough: number; ok: boolean }> {
  const start = performance.now();
  const chains = await readEvidenceDir(dir);
  const verdicts = chains.map((c) => verifyChain(c, { keys, allSignatures }));
  const ms = performance.now() - start;
  return { ms, verifiedThrough: verdicts[0]?.verifiedThrough ?? -1, ok: verdicts.every((v) => v.ok) };
}

function floor(dir: string): number {
  const start = performance.now();
  const text = readFileSync(join(dir, SITE, APPL, '2026-03-01.jsonl'), 'latin1');
  let n = 0;
  for (let a = 0, b = text.indexOf('\n'); b >= 0; a = b + 1, b = text.indexOf('\n', a)) {
    createHash('sha256').update(text.slice(a, b), 'latin1').digest();
    n++;
  }
  void n;
  return performance.now() - start;
}

/** Runs the benchmark and returns its rows. */
export async function evidenceBench(options: { log?: (line: string) => void; runs?: number } = {}): Promise<BenchRow[]> {
  const log = options.log ?? (() => undefined);
  const runs = options.runs ?? 3;
  const work = mkdtempSync(join(tmpdir(), 'writ-bench-evidence-'));
  try {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signer = ed25519EvidenceSigner(privateKey);
    const keys = trustedKeyMap([trustedKey(APPL, new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url')))]);
    const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en-US')} records/s`;

    const big = join(work, 'big');
    const append = appendChain(big, RECORDS, signer);
    log(`evidence: appended ${RECORDS} records (${(append.bytes / 2 ** 20).toFixed(1)} MiB, ${Math.round(append.bytes / RECORDS)} bytes/line) in ${append.ms.toFixed(0)} ms: ${rate(RECORDS, append.ms)} (line building + plain buffered write; no fsync)`);

    await verifyDir(big, keys); // warm-up
    const verifyTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      (globalThis as { gc?: () => void }).gc?.();
      const v = await verifyDir(big, keys);
      if (!v.ok || v.verifiedThrough !== RECORDS - 1) throw new Error(`the generated chain did not verify (verified through ${v.verifiedThrough})`);
      verifyTimes.push(v.ms);
      floorTimes.push(floor(big));
    }
    log(`evidence: verified ${RECORDS} records in ${median(verifyTimes).toFixed(0)} ms (median of ${runs}): ${rate(RECORDS, median(verifyTimes))}; floor (read + one SHA-256 per line) ${median(floorTimes).toFixed(0)} ms`);

    const small = join(work, 'small');
    const SMALL = Math.min(10_000, RECORDS);
    appendChain(small, SMALL, signer);
    const all = await verifyDir(small, keys, true);
    if (!all.ok) throw new Error('the 10k chain did not verify with every signature');
    log(`evidence: verified ${SMALL} records checking every signature in ${all.ms.toFixed(0)} ms: ${rate(SMALL, all.ms)}`);

    return [
      { measure: `evidence append ${RECORDS / 1000}k records (build + buffered write)`, writMs: append.ms, anchorMs: null, maxWritMs: null, maxRatio: null },
      { measure: `evidence verify ${RECORDS / 1000}k records (read + verify)`, writMs: median(verifyTimes), anchorMs: median(floorTimes), maxWritMs: 5000, maxRatio: null },
      { measure: `evidence verify ${SMALL / 1000}k records, every signature`, writMs: all.ms, anchorMs: null, maxWritMs: null, maxRatio: null },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Picked up by bench/run-all.ts. */
export const benchmark: Benchmark = {
  name: 'evidence',
  anchor: 'verify: reading the same file and SHA-256 hashing each line once, checking nothing',
  run: (log) => evidenceBench({ log }),
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await evidenceBench({ log: (l) => console.log(l) });
  console.log(`\n${formatBenchTable(rows)}`);
}
