import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { trustedKey, trustedKeyMap, type TrustedKey } from '../../core/evidence/dsse.js';
import { collectScripts } from '../../core/lint/collect-scripts.js';
import { DEFAULT_LOAD_LIMITS } from '../../core/load/source-file.js';
import { assessmentResults } from '../../core/oscal/assessment-results.js';
import { assembleSite, repoSiteInfo } from '../../core/site/assemble-site.js';
import { ClinicAggregator, type ClinicInfo, type ClinicResult } from '../../core/site/clinic-aggregator.js';
import { SiteError } from '../../core/site/site-codes.js';
import { type ReleasesData, type RunbookCommit, SITE_DATA_FORMAT, type SiteDataFile, isSafeFileId, siteDataPath } from '../../core/site/site-model.js';
import { siteDate } from '../../core/policy/resolve-host-rules.js';
import { loadRepo } from '../../core/validate/load-repo.js';
import { readRepoFiles } from '../fs/read-repo-files.js';
import { chainStatus, listChains, readChainDay, verifyChainDir, type VerifiedChain } from './read-chains.js';
import { releaseHistory } from './release-history.js';
import { runbookHistory, runbookPathKey } from './runbook-history.js';

export interface CollectSiteOptions {
  /** Policy repository (a git clone for runbook history and releases; a plain folder works too). */
  repoDir: string;
  /** Evidence folder: `<site>/<appliance>/YYYY-MM-DD.jsonl` + `checkpoints.jsonl`. */
  evidenceDir: string;
  /** Where the data files go; replaced whole (built beside it, then renamed into place). */
  dataDir: string;
  /** The build's reference time: `generated_at` of every file, waiver expiry. */
  now: Date;
  /** Release branch to read (default `writ/releases`). */
  releasesBranch?: string;
}

export interface CollectSiteSummary {
  data_dir: string;
  clinics: number;
  hosts: number;
  days: number;
  records: number;
  /** Pages the site will have (manifest pages). */
  pages: number;
  broken_chains: number;
  /** Data-dir paths of the OSCAL files. */
  oscal: string[];
}

/**
 * Collects everything the auditor site shows into a data dir (docs/site-data.md): loads the policy
 * repo through core (refusing one with errors, SITE_REPO_INVALID naming the file and line), reads
 * runbook git history and the release branch, verifies every appliance chain with the site files'
 * keys (one chain in memory at a time), then streams each clinic day by day through the
 * aggregator, writing each day file when the day is done. Writes into a fresh folder beside
 * `dataDir` and renames it into place, so a failed build leaves the previous data whole.
 *
 * @example
 * const summary = await collectSiteData({ repoDir: '.', evidenceDir: '../evidence', dataDir: 'site-data', now: new Date() });
 */
export async function collectSiteData(options: CollectSiteOptions): Promise<CollectSiteSummary> {
  const { now } = options;
  if (Number.isNaN(now.getTime())) throw new SiteError('SITE_REPO_INVALID', 'the build time is not a valid time', { hint: 'Pass --now as ISO 8601 UTC, e.g. 2026-04-01T00:00:00Z.' });
  const generatedAt = now.toISOString();
  const repoDir = resolve(options.repoDir);
  const evidenceDir = resolve(options.evidenceDir);
  const dataDir = resolve(options.dataDir);
  for (const [flag, dir] of [['--repo', repoDir], ['--evidence', evidenceDir]] as const) {
    let isDir = false;
    try { isDir = statSync(dir).isDirectory(); } catch { isDir = false; }
    if (!isDir) {
      throw new SiteError(flag === '--repo' ? 'SITE_REPO_INVALID' : 'SITE_EVIDENCE_INVALID', `${flag} ${dir} is not a folder`, {
        hint: flag === '--repo' ? 'Pass the policy repository (the folder holding policies/, runbooks/, sites/ and frameworks/).' : 'Pass the folder holding <site>/<appliance>/YYYY-MM-DD.jsonl (a checkout of the evidence branch).',
        data: { dir },
      });
    }
  }

  // 1. The policy repository, through core.
  const read = await readRepoFiles(repoDir, { maxFileBytes: DEFAULT_LOAD_LIMITS.maxFileBytes });
  const loaded = loadRepo(read.files, DEFAULT_LOAD_LIMITS);
  const scripts = collectScripts(loaded.repo);
  const error = [...read.findings, ...loaded.findings, ...scripts.findings].find((f) => f.severity === 'error');
  if (error) {
    throw new SiteError('SITE_REPO_INVALID', `${error.file}:${error.line}: ${error.message}`, { hint: 'Run writ validate in the repository and fix the findings; the site shows only a repository that validates.', data: { file: error.file, line: error.line, code: error.code } });
  }
  const repo = repoSiteInfo(loaded.repo, scripts.scripts, now);
  for (const c of repo.clinics) {
    for (const h of c.hosts) if (!isSafeFileId(h.id)) throw new SiteError('SITE_REPO_INVALID', `sites/${c.site}.yaml: host id ${JSON.stringify(h.id)} cannot name a page`, { hint: 'Host ids are lower case letters, digits and dashes.' });
  }
  for (const r of repo.runbooks) if (!isSafeFileId(r.id)) throw new SiteError('SITE_REPO_INVALID', `${r.path}: runbook id ${JSON.stringify(r.id)} cannot name a page`, { hint: 'Runbook ids are letters, digits and dashes.' });

  // 2. Git history of runbooks and the release branch (absent in a plain folder).
  const history = await runbookHistory(repoDir);
  const runbookHistoryById = new Map<string, RunbookCommit[]>();
  for (const r of repo.runbooks) {
    const k = runbookPathKey(r.path);
    if (k) runbookHistoryById.set(r.id, history.get(k) ?? []);
  }
  const branch = options.releasesBranch ?? 'writ/releases';
  const releaseList = await releaseHistory(repoDir, branch);
  const releases: ReleasesData = { format: SITE_DATA_FORMAT, generated_at: generatedAt, branch: releaseList ? branch : null, releases: releaseList ?? [] };

  // 3. Keys per site, from the site files (retired appliances included: their old evidence verifies).
  const keysBySite = new Map<string, Map<string, TrustedKey>>();
  for (const { value: site } of loaded.repo.sites) {
    keysBySite.set(site.id, trustedKeyMap(site.appliances.map((a) => trustedKey(a.id, new Uint8Array(Buffer.from(a.signing_key, 'base64url')), { site: site.id, ...(a.retired ? { retired: true } : {}) }))));
  }

  // 4. Evidence, clinic by clinic, day by day, into a fresh folder.
  const work = `${dataDir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  const write = (f: SiteDataFile, value: unknown) => {
    const path = join(work, siteDataPath(f));
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(value)}\n`);
    } catch (e) {
      throw new SiteError('SITE_DATA_WRITE_FAILED', `cannot write ${path}`, { hint: 'Check that the data folder\'s parent is writable and has free space.', cause: e, data: { path } });
    }
  };
  try {
    mkdirSync(work, { recursive: true });
  } catch (e) {
    throw new SiteError('SITE_DATA_WRITE_FAILED', `cannot create ${work}`, { hint: 'Check that the data folder\'s parent exists and is writable.', cause: e });
  }

  try {
    const chainsBySite = await listChains(evidenceDir);
    const infos = new Map(repo.clinics.map((c) => [c.site, c]));
    const siteIds = [...new Set([...infos.keys(), ...chainsBySite.keys()])].sort();
    const results: ClinicResult[] = [];
    for (const site of siteIds) {
      const info: ClinicInfo = infos.get(site) ?? { site, name: site, timezone: 'UTC', hosts: [], rules: [], waivers: [], today: siteDate(now, 'UTC') };
      const keys = keysBySite.get(site) ?? new Map<string, TrustedKey>();
      const chains: VerifiedChain[] = [];
      for (const appliance of chainsBySite.get(site) ?? []) chains.push(await verifyChainDir(join(evidenceDir, site, appliance), site, appliance, keys));
      const agg = new ClinicAggregator(info, generatedAt);
      const days = [...new Set(chains.flatMap((c) => c.files.map((f) => f.day)))].sort();
      for (const day of days) {
        const records = [];
        for (const chain of chains) {
          const file = chain.files.find((f) => f.day === day);
          if (file) records.push(...(await readChainDay(chain, file, keys)));
        }
        write({ kind: 'day', site, day }, agg.addDay(day, records));
      }
      const result = agg.finish(chains.map((c) => chainStatus(c.verdict)));
      write({ kind: 'clinic', site }, result.clinic);
      for (const h of result.hosts) write({ kind: 'host', site, host: h.host }, h);
      results.push(result);
    }

    const assembled = assembleSite({ generatedAt, repo, clinics: results, runbookHistory: runbookHistoryById, releases });
    const controlInfo = new Map(assembled.controls.map((c) => [c.id, { id: c.id, title: c.title }]));
    for (const p of assembled.packets) {
      write({ kind: 'packet', site: p.site, month: p.month }, p);
      write({ kind: 'oscal', site: p.site, month: p.month }, assessmentResults({ packet: p, controls: controlInfo }));
    }
    for (const c of assembled.controls) write({ kind: 'control', id: c.id }, c);
    for (const r of assembled.runbooks) write({ kind: 'runbook', id: r.id }, r);
    write({ kind: 'releases' }, releases);
    write({ kind: 'fleet' }, assembled.fleet);
    write({ kind: 'manifest' }, assembled.manifest);

    // 5. Swap the new folder in.
    const old = `${dataDir}.old-${process.pid}`;
    try {
      rmSync(old, { recursive: true, force: true });
      let had = false;
      try { had = statSync(dataDir).isDirectory(); } catch { had = false; }
      if (had) renameSync(dataDir, old);
      renameSync(work, dataDir);
      rmSync(old, { recursive: true, force: true });
    } catch (e) {
      throw new SiteError('SITE_DATA_WRITE_FAILED', `cannot move the new site data into ${dataDir}`, { hint: 'Check that the data folder and its parent are writable.', cause: e });
    }
    const s = assembled.manifest.summary;
    return { data_dir: dataDir, clinics: s.clinics, hosts: s.hosts, days: s.days, records: s.records, pages: s.pages, broken_chains: s.broken_chains, oscal: assembled.manifest.oscal };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
