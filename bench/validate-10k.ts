import { rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse } from 'yaml';
import { POLICY_FOLDERS, readRepoFiles } from '../adapters/fs/read-repo-files.js';
import { runShellcheck } from '../adapters/shellcheck/run-shellcheck.js';
import { ALL_LINT_RULES } from '../core/lint/all-lint-rules.js';
import { collectScripts } from '../core/lint/collect-scripts.js';
import type { LintContext } from '../core/lint/lint-context.js';
import type { ScriptIssue } from '../core/lint/scripts/script-issue.js';
import { DEFAULT_LOAD_LIMITS } from '../core/load/source-file.js';
import { compareFindings, type Finding } from '../core/model/finding.js';
import type { ScriptChecker } from '../core/ports/script-checker.js';
import { loadRepo } from '../core/validate/load-repo.js';
import { validateRepo } from '../core/validate/validate-repo.js';
import { type Benchmark, type BenchRow, formatBenchTable, formatTable, median, peakRssMiB } from './bench-table.js';
import { GENERATED_REPO_NOW, generatePolicyRepo } from './generate-policy-repo.js';

export interface Validate10kOptions {
  /** YAML files in the generated repository; default 10 000. */
  files?: number;
  /** Measured runs per measure (after one warm-up); the median is reported. Default 5. */
  runs?: number;
  seed?: number;
  /** Where progress and detail tables go; default console.log. */
  log?: (line: string) => void;
  /** Keep the generated repository and cache directory (their paths are logged). */
  keep?: boolean;
}

/** The repository was not clean, so timing it would measure the wrong thing. */
export class BrokenBenchRepoError extends Error {}

const TARGET_WRIT_MS = 2000;
const TARGET_RATIO = 2.0;

/** Collects garbage between runs so no run pays for the previous one's heap. */
const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Wall time and CPU time (user + system, all threads of this process; not child processes). */
interface Timing {
  ms: number;
  cpuMs: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<Timing & { value: T }> {
  gc();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
}

// ─────────────────────────────── the anchor ───────────────────────────────

/**
 * The floor: list the four policy folders exactly as readRepoFiles does (no symlinks, no dot
 * folders or node_modules, sorted), read every file with the same 32-way concurrency, and
 * `yaml.parse()` each YAML file. Any validator has to do at least this much.
 */
async function anchorRun(repoDir: string): Promise<number> {
  const paths: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    await Promise.all(entries.map(async (entry) => {
      const full = join(dir, entry.name);
      if (entry.isSymbolicLink()) return;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') await walk(full);
      } else if (entry.isFile()) paths.push(relative(repoDir, full).split(sep).join('/'));
    }));
  };
  for (const folder of POLICY_FOLDERS) await walk(join(repoDir, folder));
  paths.sort();

  const bytes: Buffer[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      bytes[i] = await readFile(join(repoDir, paths[i] as string));
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, paths.length) }, worker));

  let keys = 0;
  paths.forEach((path, i) => {
    if (!path.endsWith('.yaml') && !path.endsWith('.yml')) return;
    const value = parse((bytes[i] as Buffer).toString('utf8')) as unknown;
    if (value !== null && typeof value === 'object') keys += Object.keys(value).length;
  });
  return keys;
}

// ─────────────────────────────── writ ───────────────────────────────

/** What `writ validate` does before rendering: read the folders, validate everything. */
async function writRun(repoDir: string, shellcheck: ScriptChecker | undefined): Promise<{ findings: Finding[]; filesChecked: number }> {
  const { files, findings: readFindings } = await readRepoFiles(repoDir, { maxFileBytes: DEFAULT_LOAD_LIMITS.maxFileBytes });
  const result = await validateRepo(files, { now: GENERATED_REPO_NOW, ...(shellcheck ? { shellcheck } : {}) });
  return { findings: [...readFindings, ...result.findings], filesChecked: result.filesChecked };
}

function shellcheckWithCache(cacheDir: string): ScriptChecker {
  return (scripts) => runShellcheck(scripts, { cacheDir });
}

function assertClean(label: string, findings: readonly Finding[], log: (line: string) => void): void {
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return;
  log(`\n${label}: the generated repository has ${errors.length} error finding(s); refusing to time a broken repository. First ones:`);
  for (const f of errors.slice(0, 8)) log(`  ${f.file}:${f.line}:${f.column} ${f.code} ${f.message}`);
  throw new BrokenBenchRepoError(`${label}: ${errors.length} error finding(s) on the generated repository`);
}

// ─────────────────────────────── stages ───────────────────────────────

/**
 * The same work as readRepoFiles + validateRepo, stage by stage, so the table can say where the
 * time goes. Mirrors validate-repo.ts; it is a diagnostic, the measured numbers come from the real
 * validateRepo above.
 */
async function stageRun(repoDir: string, shellcheck: ScriptChecker): Promise<Map<string, number>> {
  const t = new Map<string, number>();
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    t.set(name, (t.get(name) ?? 0) + now - mark);
    mark = now;
  };
  gc();
  mark = performance.now();
  const { files } = await readRepoFiles(repoDir, { maxFileBytes: DEFAULT_LOAD_LIMITS.maxFileBytes });
  lap('readRepoFiles (adapters/fs)');
  const { repo, findings } = loadRepo(files, DEFAULT_LOAD_LIMITS);
  lap('loadRepo: parse + schemas (core/validate/load-repo.ts)');
  const { scripts, findings: scriptFindings } = collectScripts(repo);
  findings.push(...scriptFindings);
  lap('collectScripts (core/lint/collect-scripts.ts)');
  const linux = scripts.filter((s) => s.platform === 'linux').map((s) => ({ id: s.key, text: s.text }));
  const external: Map<string, ScriptIssue[]> = linux.length > 0 ? await shellcheck(linux) : new Map();
  lap(`shellcheck, warm cache (${linux.length} bash scripts)`);
  const ctx: LintContext = { now: GENERATED_REPO_NOW, scripts, externalScriptIssues: external };
  for (const rule of ALL_LINT_RULES) {
    findings.push(...rule.run(repo, ctx));
    lap(`lint ${rule.name} (core/lint/rules/${rule.name}.ts)`);
  }
  const unique = new Map<string, Finding>();
  for (const f of findings) unique.set(`${f.file}|${f.line}|${f.column}|${f.code}|${f.message}`, f);
  [...unique.values()].sort(compareFindings);
  lap('dedupe + sort findings');
  return t;
}

// ─────────────────────────────── the benchmark ───────────────────────────────

/**
 * Generates a repository of `files` YAML files (outside the timing) and measures, in this process,
 * the median of `runs` runs after one warm-up of: the anchor (read + yaml.parse), writ with a warm
 * shellcheck cache, and writ without shellcheck; plus the one cold-cache run. Returns table rows.
 *
 * @example
 * const rows = await validate10k({ files: 10_000 });
 */
export async function validate10k(options: Validate10kOptions = {}): Promise<BenchRow[]> {
  const files = options.files ?? 10_000;
  const runs = Math.max(1, options.runs ?? 5);
  const log = options.log ?? ((line: string) => console.log(line));
  const label = files === 10_000 ? '10k' : String(files);

  const repoDir = await mkdtemp(join(tmpdir(), 'writ-bench-repo-'));
  const cacheDir = await mkdtemp(join(tmpdir(), 'writ-bench-shellcheck-'));
  const loadStart = loadavg().map((x) => x.toFixed(1)).join(' ');
  // A benchmark stopped by Ctrl-C or a timeout still removes its ~60 MiB of temp files.
  const onSignal = (signal: NodeJS.Signals) => {
    if (!options.keep) for (const d of [repoDir, cacheDir]) rmSync(d, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const genStart = performance.now();
    const gen = await generatePolicyRepo(repoDir, { files, seed: options.seed ?? 20261128 });
    const c = gen.counts;
    log(`validate-${label}: generated ${files} YAML files + runbooks/linux/lib/writ-result.sh (${(gen.bytes / 1048576).toFixed(1)} MiB) in ${((performance.now() - genStart) / 1000).toFixed(1)} s, not timed:`);
    log(`  ${c.rules} rules, ${c.runbooks} runbooks (${c.linuxRunbooks} linux, ${c.windowsRunbooks} windows; ${c.scripts} inline scripts), ${c.sites} sites (${c.hosts} hosts), ${c.frameworks} framework`);
    if (options.keep) log(`  repository: ${repoDir}\n  shellcheck cache: ${cacheDir}`);

    // Cold shellcheck: the first run with an empty cache. It is also the warm-up of the warm measure
    // and primes the cache every later run reads.
    const warm = shellcheckWithCache(cacheDir);
    log('  cold run (empty shellcheck cache; primes it) …');
    const cold = await timed(() => writRun(repoDir, warm));
    assertClean('cold run', cold.value.findings, log);
    log(`  cold run: ${cold.ms.toFixed(0)} ms wall (${cold.cpuMs.toFixed(0)} ms CPU in this process; shellcheck runs in child processes), ${cold.value.filesChecked} files checked, ${cold.value.findings.length} findings (0 errors)`);

    // Warm-ups of the other measures.
    await timed(() => anchorRun(repoDir));
    assertClean('warm-up without shellcheck', (await timed(() => writRun(repoDir, undefined))).value.findings, log);

    const times = { anchor: [] as Timing[], warm: [] as Timing[], off: [] as Timing[] };
    const measures: [keyof typeof times, () => Promise<unknown>][] = [
      ['anchor', () => anchorRun(repoDir)],
      ['warm', async () => assertClean('warm run', (await writRun(repoDir, warm)).findings, log)],
      ['off', async () => assertClean('run without shellcheck', (await writRun(repoDir, undefined)).findings, log)],
    ];
    for (let i = 0; i < runs; i++) {
      // Rotate the order so drift on a shared machine hits every measure alike.
      for (let k = 0; k < measures.length; k++) {
        const [name, fn] = measures[(i + k) % measures.length] as (typeof measures)[number];
        const { ms, cpuMs } = await timed(fn);
        times[name].push({ ms, cpuMs });
      }
    }
    const wall = (t: readonly Timing[]) => median(t.map((x) => x.ms));
    const cpu = (t: readonly Timing[]) => median(t.map((x) => x.cpuMs));
    const anchorMs = wall(times.anchor);
    log(`  ${runs} measured runs of each measure after 1 warm-up; the table shows medians.`);
    log(`  wall ms: anchor ${fmtRuns(times.anchor, 'ms')}; writ warm ${fmtRuns(times.warm, 'ms')}; writ no shellcheck ${fmtRuns(times.off, 'ms')}`);
    log(`  CPU ms:  anchor ${fmtRuns(times.anchor, 'cpuMs')}; writ warm ${fmtRuns(times.warm, 'cpuMs')}; writ no shellcheck ${fmtRuns(times.off, 'cpuMs')}`);
    log(`  load average now ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores (it was ${loadStart} at the start)`);

    // Where the time goes, warm: median of 3 stage-by-stage runs.
    const stageRuns: Map<string, number>[] = [];
    for (let i = 0; i < 3; i++) stageRuns.push(await stageRun(repoDir, warm));
    const stageNames = [...(stageRuns[0] as Map<string, number>).keys()];
    const stageMs = stageNames.map((n) => [n, median(stageRuns.map((m) => m.get(n) ?? 0))] as const);
    const stageTotal = stageMs.reduce((s, [, ms]) => s + ms, 0);
    log(`\n  where writ's time goes (shellcheck warm; median of 3; total ${stageTotal.toFixed(0)} ms):`);
    log(indent(formatTable(['stage', 'ms', 'share'], stageMs.map(([n, ms]) => [n, ms.toFixed(1), `${((ms / stageTotal) * 100).toFixed(1)} %`]), [1, 2]), '  '));

    const rows: BenchRow[] = [
      { measure: `validate ${label} files, shellcheck warm (cache primed by the warm-up)`, writMs: wall(times.warm), anchorMs, maxWritMs: TARGET_WRIT_MS, maxRatio: TARGET_RATIO },
      { measure: `validate ${label} files, shellcheck warm: CPU time, not wall`, writMs: cpu(times.warm), anchorMs: cpu(times.anchor), maxWritMs: null, maxRatio: null },
      { measure: `validate ${label} files, shellcheck off`, writMs: wall(times.off), anchorMs, maxWritMs: null, maxRatio: null },
      { measure: `validate ${label} files, shellcheck cold (one run, empty cache)`, writMs: cold.ms, anchorMs, maxWritMs: null, maxRatio: null },
    ];
    log(`\n  peak RSS so far: ${peakRssMiB().toFixed(0)} MiB`);
    return rows;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!options.keep) {
      await rm(repoDir, { recursive: true, force: true });
      await rm(cacheDir, { recursive: true, force: true });
    }
  }
}

function fmtRuns(runs: readonly Timing[], key: keyof Timing): string {
  return runs.map((x) => x[key].toFixed(0)).join(', ');
}

function indent(text: string, pad: string): string {
  return text.split('\n').map((l) => pad + l).join('\n');
}

export const ANCHOR_DESCRIPTION = 'anchor = read every file of the four folders + yaml.parse() each one (same walk and concurrency as readRepoFiles)';

/** Picked up by bench/run-all.ts. */
export const benchmark: Benchmark = {
  name: 'validate-10k',
  anchor: ANCHOR_DESCRIPTION,
  run: (log) => validate10k({ log }),
};

/** `node dist/bench/validate-10k.js [--files N] [--runs N] [--seed N] [--keep]` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { files: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' }, keep: { type: 'boolean', default: false } },
    strict: true,
  });
  const rows = await validate10k({
    ...(values.files ? { files: Number(values.files) } : {}),
    ...(values.runs ? { runs: Number(values.runs) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    keep: values.keep === true,
  });
  console.log(`\n${formatBenchTable(rows)}\n\nratio = writ ms / anchor ms; ${ANCHOR_DESCRIPTION}.`);
  console.log(`median of ${values.runs ?? 5} runs after 1 warm-up; peak RSS ${peakRssMiB().toFixed(0)} MiB; ${process.version}, ${process.platform}/${process.arch}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof BrokenBenchRepoError ? e.message : e);
    process.exitCode = 1;
  });
}
