import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../../core/errors/writ-error.js';
import { SiteError } from '../../core/site/site-codes.js';
import { referenceTime } from '../../adapters/clock/system-clock.js';
import { collectSiteData } from '../../adapters/site/collect-site-data.js';
import { buildStaticSite } from '../../adapters/site-build/build-site.js';
import { serveStatic } from '../../adapters/site-build/serve-static.js';
import type { CliIo } from '../io.js';

export const SITE_HELP = `Usage: writ site build --evidence DIR --out DIR [--repo DIR] [options]
       writ site serve --dir DIR [--port N]

build   Reads the policy repository (--repo, default .) with its git history and release branch,
        and the appliances' evidence (--evidence: a checkout of the evidence branch,
        <site>/<appliance>/YYYY-MM-DD.jsonl), verifies every chain, and writes the auditor site
        to --out: fleet, clinic, host, HIPAA control, runbook, release and per-day evidence pages,
        a monthly compliance packet per clinic, OSCAL assessment results (/oscal/<site>-<YYYY-MM>.json)
        and a Pagefind search index. Static files; no network needed to build or to read.
        --out is created; an older writ site there is replaced; any other non-empty folder is refused.
serve   Serves a built site on http://127.0.0.1:PORT/ (default 4321; 0 picks a free port) until Ctrl-C.

Options (build):
  --repo DIR              policy repository (default .)
  --evidence DIR          evidence folder
  --out DIR               where the site goes
  --now ISO               reference time for waiver expiry and the pages' build stamp
                          (default WRIT_NOW or the clock; a fixed --now makes builds repeatable)
  --releases-branch NAME  release branch to list (default writ/releases)
  --data DIR              keep the intermediate JSON data here (default: a temporary folder, removed)
  --format text|json      summary format (default text)

Exit codes: 0 built (broken chains are shown on the site and counted in the summary), 2 usage
error or a failed build (the SITE_ code says which step).
`;

/** Marks a folder as a writ site, so a later build may replace it and nothing else. */
const MARKER = '.writ-site';

export interface SiteBuildSummary {
  out: string;
  pages: number;
  clinics: number;
  hosts: number;
  days: number;
  records: number;
  broken_chains: number;
  oscal: number;
  seconds: { data: number; pages: number; search: number; total: number };
}

function prepareOut(out: string): void {
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new SiteError('SITE_BUILD_FAILED', `--out ${out} is a file`, { hint: 'Pass a folder for the site.' });
    const entries = readdirSync(out);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new SiteError('SITE_BUILD_FAILED', `--out ${out} is not empty and holds no earlier writ site`, {
        hint: 'Pass an empty or new folder; writ replaces only a folder it built before (it carries a .writ-site file).', data: { out },
      });
    }
    for (const e of entries) rmSync(join(out, e), { recursive: true, force: true });
  }
  mkdirSync(out, { recursive: true });
}

/**
 * The whole build: collect the data (adapters/site), render the pages and the search index
 * (adapters/site-build), copy the OSCAL files. Used by `writ site build` and `writ report`.
 *
 * @example
 * const s = await buildSite({ repo: '.', evidence: 'evidence', out: 'site-out', now: new Date() });
 */
export async function buildSite(options: { repo: string; evidence: string; out: string; now: Date; releasesBranch?: string; dataDir?: string }): Promise<SiteBuildSummary> {
  const t0 = performance.now();
  prepareOut(options.out);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'writ-site-data-'));
  try {
    if (options.dataDir) mkdirSync(dataDir, { recursive: true });
    const collected = await collectSiteData({
      repoDir: options.repo, evidenceDir: options.evidence, dataDir, now: options.now,
      ...(options.releasesBranch ? { releasesBranch: options.releasesBranch } : {}),
    });
    const t1 = performance.now();
    const built = await buildStaticSite({ dataDir, outDir: options.out });
    writeFileSync(join(options.out, MARKER), 'Built by writ site build; a later build replaces this folder.\n');
    const total = performance.now() - t0;
    return {
      out: options.out, pages: built.pages, clinics: collected.clinics, hosts: collected.hosts, days: collected.days,
      records: collected.records, broken_chains: collected.broken_chains, oscal: built.oscal,
      seconds: { data: (t1 - t0) / 1000, pages: built.astroMs / 1000, search: built.pagefindMs / 1000, total: total / 1000 },
    };
  } finally {
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

const s1 = (n: number) => n.toFixed(1);

async function siteBuild(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      repo: { type: 'string', default: '.' }, evidence: { type: 'string' }, out: { type: 'string' }, now: { type: 'string' },
      'releases-branch': { type: 'string' }, data: { type: 'string' }, format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(SITE_HELP);
    return 0;
  }
  if (!values.evidence) throw new UsageError('writ site build needs --evidence', { hint: 'Pass the evidence folder (a checkout of the evidence branch), e.g. --evidence evidence.' });
  if (!values.out) throw new UsageError('writ site build needs --out', { hint: 'Pass the folder the site goes to, e.g. --out site-out.' });
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`unknown format "${values.format}"`, { hint: 'Use one of: text, json.' });
  const summary = await buildSite({
    repo: resolve(io.cwd, values.repo!), evidence: resolve(io.cwd, values.evidence), out: resolve(io.cwd, values.out),
    now: referenceTime(values.now, io.env['WRIT_NOW']),
    ...(values['releases-branch'] ? { releasesBranch: values['releases-branch'] } : {}),
    ...(values.data ? { dataDir: resolve(io.cwd, values.data) } : {}),
  });
  if (values.format === 'json') io.stdout(JSON.stringify(summary, null, 2) + '\n');
  else {
    io.stdout(`Built the auditor site in ${summary.out}\n` +
      `  ${summary.pages} pages: ${summary.clinics} clinics, ${summary.hosts} hosts, ${summary.days} clinic-days, ${summary.oscal} OSCAL files\n` +
      `  ${summary.records} evidence records, ${summary.broken_chains} broken ${summary.broken_chains === 1 ? 'chain' : 'chains'}${summary.broken_chains > 0 ? ' (BROKEN: shown on every page of the clinic)' : ''}\n` +
      `  ${s1(summary.seconds.total)} s (data ${s1(summary.seconds.data)} s, pages ${s1(summary.seconds.pages)} s, search ${s1(summary.seconds.search)} s)\n` +
      `  serve it: writ site serve --dir ${values.out}\n`);
  }
  return 0;
}

async function siteServe(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { dir: { type: 'string' }, port: { type: 'string', default: '4321' }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
  });
  if (values.help) {
    io.stdout(SITE_HELP);
    return 0;
  }
  if (!values.dir) throw new UsageError('writ site serve needs --dir', { hint: 'Pass the folder writ site build wrote, e.g. --dir site-out.' });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port!) || port > 65535) throw new UsageError(`--port ${JSON.stringify(values.port)} is not a port number`, { hint: 'Use 0..65535 (0 picks a free port).' });
  const dir = resolve(io.cwd, values.dir);
  if (!existsSync(join(dir, 'index.html'))) {
    throw new UsageError(`${dir} holds no built site (no index.html)`, { hint: 'Build one first: writ site build --evidence DIR --out DIR.' });
  }
  let server;
  try {
    server = await serveStatic({ dir, port });
  } catch (e) {
    throw new UsageError(`cannot listen on 127.0.0.1:${port}: ${e instanceof Error ? e.message : String(e)}`, { hint: 'Pick another --port, or 0 for a free one.', cause: e });
  }
  io.stdout(`Serving ${dir} at ${server.url} (Ctrl-C stops)\n`);
  const s = server;
  await new Promise<void>((done) => {
    const off = io.onSignal?.(() => {
      off?.();
      void s.close().then(done);
    });
    if (!off) s.server.once('close', () => done());
  });
  io.stdout('Stopped.\n');
  return 0;
}

/** `writ site build|serve`. */
export async function siteCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(SITE_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'build') return siteBuild(rest, io);
  if (sub === 'serve') return siteServe(rest, io);
  throw new UsageError(`unknown subcommand "site ${sub}"`, { hint: 'Use writ site build or writ site serve.' });
}
