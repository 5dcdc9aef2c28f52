/**
 * `writ release` for 1,000 sites (target: under 10 s) and verifying one site's release after the
 * fetch (target: under 50 ms), each next to its floor.
 * - release anchor: committing the same 1,000 sealed bundles with the git CLI (`git add` + `git
 *   commit` in a work tree): the cost of getting that many new files into git at all.
 * - verify anchor: reading the files verification reads (timestamp, snapshot, targets metadata and
 *   the sealed bundle) from the object store, without checking anything.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createHash, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import git from 'isomorphic-git';
import { collectScripts } from '../core/lint/collect-scripts.js';
import { buildRelease, DEFAULT_EXPIRY } from '../core/release/build-release.js';
import { createRoot } from '../core/release/create-root.js';
import { metadataBytes, signMetadata } from '../core/release/sign-metadata.js';
import { sealSiteTargets } from '../core/release/seal-site-targets.js';
import { loadRepo } from '../core/validate/load-repo.js';
import type { SourceFile } from '../core/load/source-file.js';
import { ed25519Signer, generateEd25519 } from '../adapters/keys/ed25519-keys.js';
import { readReleaseBranch, writeReleaseCommit } from '../adapters/git/release-branch.js';
import { listFilesUnder } from '../adapters/git/list-files-under.js';
import { readBlobAt } from '../adapters/git/read-blob-at.js';
import { verifyRelease } from '../adapters/tuf/verify-release.js';
import { type Benchmark, type BenchRow, formatBenchTable, median } from './bench-table.js';

const ROOT = join(fileURLToPath(import.meta.url), '../../..');
const SITES = Number(process.env["WRIT_BENCH_SITES"] ?? 1000);
const NOW = new Date('2026-11-28T09:00:00Z');

function policyFiles(): { files: SourceFile[]; applianceKeys: Map<string, { privateRaw: Uint8Array; publicRaw: Uint8Array }> } {
  const out: SourceFile[] = [];
  const add = (path: string, text: string) => {
    const bytes = new TextEncoder().encode(text);
    out.push({ path, bytes, size: bytes.length });
  };
  for (const rel of ['frameworks/hipaa.yaml', 'runbooks/linux/LIN-SSH-001.yaml', 'runbooks/linux/lib/writ-result.sh', 'runbooks/windows/RB-WIN-FIREWALL-001.yaml',
    'policies/L1-LIN-SSH-001.yaml', 'policies/L1-WIN-FIREWALL-001.yaml']) add(rel, readFileSync(join(ROOT, rel), 'utf8'));
  for (const step of ['check', 'remediate', 'rollback']) {
    add(`runbooks/linux/LIN-SSH-001/${step}.sh`, readFileSync(join(ROOT, `runbooks/linux/LIN-SSH-001/${step}.sh`), 'utf8'));
    add(`runbooks/windows/RB-WIN-FIREWALL-001/${step}.ps1`, readFileSync(join(ROOT, `runbooks/windows/RB-WIN-FIREWALL-001/${step}.ps1`), 'utf8'));
  }
  const applianceKeys = new Map<string, { privateRaw: Uint8Array; publicRaw: Uint8Array }>();
  for (let i = 0; i < SITES; i++) {
    const id = `clinic-${String(i).padStart(4, '0')}`;
    const x = generateKeyPairSync('x25519').privateKey.export({ format: 'jwk' });
    applianceKeys.set(id, { privateRaw: new Uint8Array(Buffer.from(x.d!, 'base64url')), publicRaw: new Uint8Array(Buffer.from(x.x!, 'base64url')) });
    const hosts = Array.from({ length: 20 }, (_, h) => `  - id: host-${h}\n    address: 10.${i >> 8}.${i & 255}.${h + 10}\n    platform: linux\n    transport: ssh\n    host_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk0nqhIvJ1W4fT2pPvbqZPbXB6yGkqR6fXWAbTL7Hc3\n    credential: linux-admin\n`).join('');
    add(`sites/${id}.yaml`, `apiVersion: writ/v1\nkind: Site\nid: ${id}\nname: Clinic ${i}\ntimezone: America/Chicago\nappliances:\n  - id: ${id}-appl\n    encryption_key: ${x.x}\n    signing_key: Ng7xeZ2g7gtI6H9pf-c_TNNwvmgPaUPhOyMHkygB3lU\nmaintenance_windows:\n  - {name: nightly, days: [sun], start: "02:00", end: "04:00"}\nhosts:\n${hosts}rules:\n  - rule: L1-LIN-SSH-001\n  - rule: L1-WIN-FIREWALL-001\n`);
  }
  return { files: out, applianceKeys };
}

/** Runs the benchmark and returns its rows. */
export async function release1000(options: { log?: (line: string) => void; runs?: number } = {}): Promise<BenchRow[]> {
  const log = options.log ?? (() => undefined);
  const runs = options.runs ?? 3;
  const { files, applianceKeys } = policyFiles();
  const { repo, findings } = loadRepo(files);
  if (findings.some((f) => f.severity === 'error')) throw new Error(`generated policy does not load: ${findings[0]!.file} ${findings[0]!.code} ${findings[0]!.message}`);
  const { scripts } = collectScripts(repo);
  const keys = { root: generateEd25519(), targets: generateEd25519(), snapshot: generateEd25519(), timestamp: generateEd25519() };
  const signer = (k: { privatePem: string }) => ed25519Signer(k.privatePem);
  const spec = (k: { publicRaw: Uint8Array }) => ({ keys: [k.publicRaw], threshold: 1 });
  const root = createRoot({ root: spec(keys.root), targets: spec(keys.targets), snapshot: spec(keys.snapshot), timestamp: spec(keys.timestamp) }, 1, new Date(NOW.getTime() + 365 * 86400_000));
  signMetadata(root, [signer(keys.root)]);
  const rootBytes = metadataBytes(root);
  const signers = { targets: [signer(keys.targets)], snapshot: [signer(keys.snapshot)], timestamp: [signer(keys.timestamp)] };

  const releaseTimes: number[] = [];
  const anchorTimes: number[] = [];
  let lastDir = '';
  for (let r = 0; r < runs + 1; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'writ-bench-release-'));
    await git.init({ fs, dir, defaultBranch: 'main' });
    const t0 = performance.now();
    const targets = sealSiteTargets(repo, scripts, 'b'.repeat(40));
    const state = await readReleaseBranch(dir, 'writ/releases');
    const built = buildRelease({ previous: state.tree, roots: new Map([[1, rootBytes]]), targets, now: NOW, expiry: DEFAULT_EXPIRY, signers });
    await writeReleaseCommit({ dir, branch: 'writ/releases', parent: state.head, files: built.files, kept: new Map(), message: 'bench', author: { name: 'bench', email: 'bench@writ.invalid' }, now: NOW });
    const t1 = performance.now();

    // Anchor: the git CLI committing the same files from a work tree.
    const work = mkdtempSync(join(tmpdir(), 'writ-bench-gitcli-'));
    execFileSync('git', ['init', '-q', '-b', 'main', work]);
    for (const [path, bytes] of built.files) {
      mkdirSync(join(work, path, '..'), { recursive: true });
      writeFileSync(join(work, path), bytes);
    }
    const a0 = performance.now();
    execFileSync('git', ['-C', work, 'add', '-A']);
    execFileSync('git', ['-C', work, '-c', 'user.name=bench', '-c', 'user.email=bench@writ.invalid', 'commit', '-q', '-m', 'bench'], { env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
    const a1 = performance.now();
    rmSync(work, { recursive: true, force: true });
    if (r > 0) {
      releaseTimes.push(t1 - t0);
      anchorTimes.push(a1 - a0);
    }
    if (lastDir) rmSync(lastDir, { recursive: true, force: true });
    lastDir = dir;
    if (r === 0) log(`release-1000: ${built.files.size} files per release (${SITES} sealed bundles + metadata), ${(built.targets.reduce((n, t) => n + t.length, 0) / 1024 / 1024).toFixed(1)} MiB of bundles`);
  }

  // Verify one site after the fetch: reads from the git object store of the release repository.
  const gitdir = join(lastDir, '.git');
  const commit = await git.resolveRef({ fs, dir: lastDir, ref: 'refs/heads/writ/releases' });
  const site = 'clinic-0500';
  const verifyTimes: number[] = [];
  const readTimes: number[] = [];
  for (let r = 0; r < 11; r++) {
    const cache = {};
    const t0 = performance.now();
    const v = await verifyRelease({
      read: (path, maxBytes) => readBlobAt({ gitdir, commit, path, maxBytes, cache }),
      listTargetFiles: () => listFilesUnder({ gitdir, commit, dir: 'targets', cache }),
      trustedRoot: rootBytes, site, applianceKey: applianceKeys.get(site)!, now: new Date(NOW.getTime() + 3600_000),
    });
    const t1 = performance.now();
    const cache2 = {};
    const a0 = performance.now();
    for (const p of ['metadata/timestamp.json', 'metadata/1.snapshot.json', 'metadata/1.targets.json']) await readBlobAt({ gitdir, commit, path: p, maxBytes: 1 << 26, cache: cache2 });
    const sealedPath = (await listFilesUnder({ gitdir, commit, dir: 'targets/sites', cache: cache2 })).find((p) => p.endsWith(`.${site}.bundle`))!;
    await readBlobAt({ gitdir, commit, path: sealedPath, maxBytes: 1 << 26, cache: cache2 });
    const a1 = performance.now();
    if (r > 0) {
      verifyTimes.push(t1 - t0);
      readTimes.push(a1 - a0);
    }
    if (r === 0) log(`verify: release ${v.version}, bundle sha256 ${v.bundleSha256.slice(0, 16)}…, ${createHash('sha256').update(v.bundle.site.id).digest('hex').length > 0 ? v.bundle.rules.length : 0} rules`);
  }
  rmSync(lastDir, { recursive: true, force: true });
  void createPrivateKey;
  return [
    { measure: `writ release, ${SITES} sites (bundle, seal, sign, commit)`, writMs: median(releaseTimes), anchorMs: median(anchorTimes), maxWritMs: 10_000, maxRatio: null },
    { measure: 'verify one site after the fetch (TUF + decrypt)', writMs: median(verifyTimes), anchorMs: median(readTimes), maxWritMs: 50, maxRatio: null },
  ];
}

/** Picked up by bench/run-all.ts. */
export const benchmark: Benchmark = {
  name: 'release-1000',
  anchor: 'release: git CLI add+commit of the same files; verify: reading the same blobs without checking them',
  run: (log) => release1000({ log }),
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await release1000({ log: (l) => console.log(l) });
  console.log(`\n${formatBenchTable(rows)}`);
}
