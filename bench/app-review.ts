import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { Session } from 'node:inspector';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { POLICY_FOLDERS } from '../adapters/fs/read-repo-files.js';
import { configFromEnv } from '../app/config-from-env.js';
import { startAppServer } from '../app/server.js';
import { commitFiles } from '../testkit/git-http-server.js';
import { startGitHubStandIn } from '../testkit/github-stand-in.js';
import { type Benchmark, type BenchRow, formatBenchTable, median, peakRssMiB } from './bench-table.js';
import { GENERATED_REPO_NOW, generatePolicyRepo } from './generate-policy-repo.js';

export interface AppReviewOptions {
  /** YAML files in the generated policy repository; default 10 000. */
  files?: number;
  /** Measured synchronize deliveries after the cold one; default 50. */
  deliveries?: number;
  /** WRIT_APP_CACHE_MB for the App; default the App's own default. 0 measures without the cache. */
  cacheMb?: number;
  seed?: number;
  log?: (line: string) => void;
  /** Keep the generated git repository (its path is logged). */
  keep?: boolean;
  /** Print when each API call reached the stand-in, per delivery (a diagnostic). */
  trace?: boolean;
}

const TARGET_P50_MS = 1000;
const TARGET_P99_MS = 2000;
const SECRET = 'writ-bench-webhook-secret-0123456789abcdef0123';
const APP_ID = 31337;
const INSTALLATION = 4711;
const OWNER = 'clinic-msp';
const REPO = 'policy';
const PR = 1;

type Payload = Record<string, any>;

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

/**
 * One push to the pull request: three files change (a rule's priority, another rule's description,
 * a site's name); every fifth push also misspells a rule's severity, so that review has findings.
 * Returns the new head commit.
 */
async function push(work: string, k: number, counts: { rules: number; sites: number }): Promise<{ head: string; findings: boolean }> {
  const rulePath = (n: number) => `policies/L1-GEN-${String(n).padStart(5, '0')}-001.yaml`;
  const sitePath = (n: number) => `sites/clinic-${String(n).padStart(5, '0')}.yaml`;
  const edit = async (path: string, change: (text: string) => string) => {
    const before = await readFile(join(work, path), 'utf8');
    const after = change(before);
    if (after === before) throw new Error(`bench edit changed nothing in ${path}`);
    return [path, after] as const;
  };
  const files: (readonly [string, string])[] = [
    await edit(rulePath(((k * 37) % counts.rules) + 1), (t) => t.replace(/^priority: (\d+)$/m, (_m, p: string) => `priority: ${Number(p) + k}`)),
    await edit(rulePath(((k * 53 + 11) % counts.rules) + 1), (t) => t.replace(/^description: (.*)$/m, (_m, d: string) => `description: ${d} (push ${k})`)),
    await edit(sitePath(((k * 13) % counts.sites) + 1), (t) => t.replace(/^name: "(.*)"$/m, (_m, n: string) => `name: "${n} (push ${k})"`)),
  ];
  const findings = k % 5 === 0;
  if (findings) files.push(await edit(rulePath(((k * 71 + 5) % counts.rules) + 1), (t) => t.replace(/^severity: \w+$/m, 'severity: hgih')));
  return { head: commitFiles(work, Object.fromEntries(files), `push ${k}`), findings };
}

/**
 * Generates the policy repository into a temporary git repository (outside every timing), starts
 * the GitHub API stand-in (testkit/github-stand-in.ts) on it and a real App server (app/server.ts)
 * on loopback, then sends pull_request.synchronize deliveries for one pull request, one push at a
 * time, each signed like GitHub's. Each is timed from the POST to the check run of its head commit
 * reaching `completed` in the stand-in. The first delivery (empty cache) is reported on its own; the
 * next `deliveries` give p50 and p99. After each, outside the timing, the anchor reads what any
 * reviewer must read for that push through the same API: the head tree listing, the pull request's
 * files and the changed blobs.
 *
 * @example
 * const rows = await appReview({ files: 2000, deliveries: 10 });
 */
export async function appReview(options: AppReviewOptions = {}): Promise<BenchRow[]> {
  const fileCount = options.files ?? 10_000;
  const deliveries = Math.max(1, options.deliveries ?? 50);
  const log = options.log ?? ((line: string) => console.log(line));
  const label = fileCount === 10_000 ? '10k' : String(fileCount);
  const trace = options.trace === true;
  const dir = await mkdtemp(join(tmpdir(), 'writ-bench-app-'));
  const onSignal = (signal: NodeJS.Signals) => {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const stops: (() => Promise<void>)[] = [];
  try {
    const work = join(dir, 'work');
    const genStart = performance.now();
    const gen = await generatePolicyRepo(work, { files: fileCount, seed: options.seed ?? 20261128 });
    const base = commitFiles(work, {}, 'base');
    log(`app-review: generated ${fileCount} YAML files (${(gen.bytes / 2 ** 20).toFixed(1)} MiB, ${gen.counts.hosts} hosts) and committed them in ${((performance.now() - genStart) / 1000).toFixed(1)} s: ${work}`);
    const pulls = new Map([[PR, { base, head: base }]]);

    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyPath = join(dir, 'app.pem');
    writeFileSync(keyPath, privateKey.export({ type: 'pkcs1', format: 'pem' }));
    const gh = await startGitHubStandIn({ gitDir: work, owner: OWNER, repo: REPO, appId: APP_ID, appPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, pulls });
    stops.push(() => gh.stop());
    const config = configFromEnv({
      APP_ID: String(APP_ID), PRIVATE_KEY_PATH: keyPath, WEBHOOK_SECRET: SECRET, GHE_HOST: gh.host, GHE_PROTOCOL: 'http',
      WRIT_APP_INSTALLATIONS: String(INSTALLATION), WRIT_APP_REPOSITORIES: `${OWNER}/${REPO}`, WRIT_NOW: GENERATED_REPO_NOW.toISOString(), LOG_LEVEL: 'info',
      ...(options.cacheMb !== undefined ? { WRIT_APP_CACHE_MB: String(options.cacheMb) } : {}),
    });
    // The App logs as in production (info, JSON lines); the lines are counted, not printed.
    let logLines = 0;
    const sink = new Writable({ write(_chunk, _enc, done) { logLines++; done(); } });
    const app = await startAppServer(config, { host: '127.0.0.1', port: 0, log: pino({ level: 'info' }, sink) });
    stops.push(() => app.close());

    const example = (createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Payload[] }[])
      .find((e) => e.name === 'pull_request')!.examples.find((p) => p.action === 'synchronize' && p.installation)!;
    const deliver = async (head: string): Promise<number> => {
      const p = structuredClone(example);
      p.number = PR;
      p.installation.id = INSTALLATION;
      Object.assign(p.repository, { name: REPO, full_name: `${OWNER}/${REPO}` });
      p.repository.owner.login = OWNER;
      Object.assign(p.pull_request, { number: PR });
      p.pull_request.head.sha = head;
      p.pull_request.base.sha = base;
      const raw = Buffer.from(JSON.stringify(p));
      const signature = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
      const start = performance.now();
      const res = await fetch(app.url, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature } });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`delivery answered ${res.status}`);
      // Watch the stand-in's check runs: done when this head's run is completed.
      const seenCalls = gh.calls.length;
      const timeline: string[] = [];
      for (;;) {
        while (trace && gh.calls.length > seenCalls + timeline.length) {
          const c = gh.calls[seenCalls + timeline.length]!;
          timeline.push(`${(performance.now() - start).toFixed(0).padStart(6)} ms  ${c.method} ${c.path.replace(/^\/repos\/[^/]+\/[^/]+/, '').slice(0, 60)}`);
        }
        const run = gh.checkRuns.find((r) => r.head_sha === head);
        if (run?.status === 'completed') break;
        await new Promise((r) => setTimeout(r, 2));
      }
      const ms = performance.now() - start;
      if (trace) log(`  stand-in calls (seen at, since the POST; ${ms.toFixed(0)} ms in all):\n${timeline.map((l) => `    ${l}`).join('\n')}`);
      await app.idle();
      return ms;
    };

    // The floor: what any reviewer of this push must read through the same API.
    const api = `http://${gh.host}/api/v3/repos/${OWNER}/${REPO}`;
    const anchor = async (head: string): Promise<number> => {
      const authorization = gh.calls.find((c) => /^token /i.test(c.authorization))?.authorization;
      if (!authorization) throw new Error('the App made no authenticated call');
      const get = async (path: string) => {
        const res = await fetch(`${api}${path}`, { headers: { authorization, accept: 'application/vnd.github+json' } });
        if (res.status !== 200) throw new Error(`anchor GET ${path}: ${res.status}`);
        return res.json() as Promise<any>;
      };
      const start = performance.now();
      const [tree, changed] = await Promise.all([get(`/git/trees/${head}?recursive=1`), get(`/pulls/${PR}/files?per_page=100&page=1`)]);
      const shaOf = new Map((tree.tree as { path: string; sha: string }[]).map((e) => [e.path, e.sha]));
      const wanted = (changed as { filename: string; status: string }[])
        .filter((f) => f.status !== 'removed' && POLICY_FOLDERS.some((d) => f.filename.startsWith(`${d}/`)))
        .map((f) => shaOf.get(f.filename)!);
      let next = 0;
      await Promise.all(Array.from({ length: Math.min(8, wanted.length) }, async () => {
        while (next < wanted.length) await get(`/git/blobs/${wanted[next++]!}`);
      }));
      return performance.now() - start;
    };

    const loadStart = loadavg().map((x) => x.toFixed(1)).join(' ');
    const counts = { rules: gen.counts.rules, sites: gen.counts.sites };
    const first = await push(work, 1, counts);
    pulls.get(PR)!.head = first.head;
    const coldMs = await deliver(first.head);
    const coldAnchor = await anchor(first.head);
    const cs = app.cache?.stats;
    log(`cold delivery: ${coldMs.toFixed(0)} ms (anchor ${coldAnchor.toFixed(0)} ms)${cs ? `; cache: ${cs.files} files, ${(cs.bytes / 2 ** 20).toFixed(1)} MiB, ${cs.blobFetches} blob fetches, ${cs.blobHits} shared` : '; no cache'}`);

    // WRIT_BENCH_CPU_PROFILE=file.cpuprofile: a CPU profile of the warm deliveries only.
    const profilePath = process.env['WRIT_BENCH_CPU_PROFILE'];
    const session = profilePath ? new Session() : undefined;
    if (session) {
      session.connect();
      await new Promise<void>((r, j) => session.post('Profiler.enable', () => session.post('Profiler.start', (e) => (e ? j(e) : r()))));
    }
    const writ: number[] = [];
    const floor: number[] = [];
    let withFindings = 0;
    for (let k = 2; k < deliveries + 2; k++) {
      const next = await push(work, k, counts);
      pulls.get(PR)!.head = next.head;
      writ.push(await deliver(next.head));
      floor.push(await anchor(next.head));
      const run = gh.checkRuns.find((r) => r.head_sha === next.head)!;
      if (next.findings) {
        withFindings++;
        if (run.conclusion !== 'failure') throw new Error(`push ${k} misspells a severity, but the check concluded ${run.conclusion}`);
      }
      if (k % 10 === 1 || k === deliveries + 1) log(`  delivery ${k - 1}/${deliveries}: ${writ.at(-1)!.toFixed(0)} ms (anchor ${floor.at(-1)!.toFixed(0)} ms), ${run.conclusion}, ${run.annotations.length} annotations`);
    }
    if (session && profilePath) {
      const profile = await new Promise<unknown>((r, j) => session.post('Profiler.stop', (e, res) => (e ? j(e) : r(res.profile))));
      writeFileSync(profilePath, JSON.stringify(profile));
      session.disconnect();
      log(`CPU profile of the warm deliveries: ${profilePath}`);
    }
    const failures = gh.checkRuns.filter((r) => r.conclusion === 'failure' && r.output?.summary?.includes('WH_REVIEW_FAILED'));
    if (failures.length > 0) throw new Error(`${failures.length} review(s) failed (WH_REVIEW_FAILED); not timing a broken App`);
    const st = app.cache?.stats;
    log(`${deliveries} deliveries (${withFindings} with findings): writ p50 ${percentile(writ, 50).toFixed(0)} ms, p99 ${percentile(writ, 99).toFixed(0)} ms, max ${Math.max(...writ).toFixed(0)} ms; anchor p50 ${percentile(floor, 50).toFixed(0)} ms, p99 ${percentile(floor, 99).toFixed(0)} ms`);
    if (st) log(`cache at the end: ${st.files} files, ${(st.bytes / 2 ** 20).toFixed(1)} MiB of source; blobs fetched ${st.blobFetches}, reused ${st.blobHits}; trees fetched ${st.treeFetches}, reused ${st.treeHits}`);
    log(`App log lines: ${logLines}; load average ${loadStart} at the start, ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end; peak RSS ${peakRssMiB().toFixed(0)} MiB`);

    return [
      { measure: `app review ${label}: cold delivery`, writMs: coldMs, anchorMs: coldAnchor, maxWritMs: null, maxRatio: null },
      { measure: `app review ${label}: p50 of ${deliveries}`, writMs: percentile(writ, 50), anchorMs: percentile(floor, 50), maxWritMs: TARGET_P50_MS, maxRatio: null },
      { measure: `app review ${label}: p99 of ${deliveries}`, writMs: percentile(writ, 99), anchorMs: percentile(floor, 99), maxWritMs: TARGET_P99_MS, maxRatio: null },
      { measure: `app review ${label}: median`, writMs: median(writ), anchorMs: median(floor), maxWritMs: null, maxRatio: null },
    ];
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

export const ANCHOR_DESCRIPTION = "anchor = the API reads any reviewer of the push needs, from the same stand-in: head tree listing + the pull request's files + each changed blob (8 at a time)";

/** Picked up by bench/run-all.ts. */
export const benchmark: Benchmark = {
  name: 'app-review',
  anchor: ANCHOR_DESCRIPTION,
  run: (log) => appReview({ log }),
};

/** `node dist/bench/app-review.js [--files N] [--deliveries N] [--cache-mb N] [--seed N] [--keep] [--trace]` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { files: { type: 'string' }, deliveries: { type: 'string' }, 'cache-mb': { type: 'string' }, seed: { type: 'string' }, keep: { type: 'boolean', default: false }, trace: { type: 'boolean', default: false } },
    strict: true,
  });
  const rows = await appReview({
    ...(values.files ? { files: Number(values.files) } : {}),
    ...(values.deliveries ? { deliveries: Number(values.deliveries) } : {}),
    ...(values['cache-mb'] !== undefined ? { cacheMb: Number(values['cache-mb']) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    keep: values.keep === true,
    trace: values.trace === true,
  });
  console.log(`\n${formatBenchTable(rows)}\n\nratio = writ ms / anchor ms; ${ANCHOR_DESCRIPTION}.`);
  console.log(`${process.version}, ${process.platform}/${process.arch}; peak RSS ${peakRssMiB().toFixed(0)} MiB`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
