import { createHash } from 'node:crypto';
import type { RunbookScript } from '../lint/collect-scripts.js';
import { siteDate } from '../policy/resolve-host-rules.js';
import type { LoadedRepo } from '../validate/loaded-repo.js';
import type { ClinicInfo, ClinicResult } from './clinic-aggregator.js';
import { timeToHeal } from './time-to-heal.js';
import {
  type ControlData, type FleetData, type ManifestPage, type PacketData, type ReleasesData, type RunbookCommit, type RunbookData, SITE_DATA_FORMAT, type SiteManifest,
  type StatusCounts, controlFileId, emptyCounts, siteDataPath,
} from './site-model.js';

/** A framework control with its qualified id (`hipaa:164.312(b)`). */
export interface ControlInfo {
  id: string;
  framework: string;
  title: string;
  safeguard?: string;
  parent?: string;
}

/** What the policy repository says, in the shape the site needs. */
export interface RepoSiteInfo {
  clinics: ClinicInfo[];
  controls: ControlInfo[];
  runbooks: Omit<RunbookData, 'format' | 'generated_at' | 'history' | 'evidence'>[];
}

/**
 * The site's view of a loaded policy repository: clinics (hosts, rules, waivers with their state
 * at `now` in each site's time zone), framework controls, and runbooks with their YAML text and
 * scripts. Leaves out addresses, host keys and credential names: the site is for auditors.
 *
 * @example
 * const info = repoSiteInfo(loaded.repo, collectScripts(loaded.repo).scripts, now);
 */
export function repoSiteInfo(repo: LoadedRepo, scripts: readonly RunbookScript[], now: Date): RepoSiteInfo {
  const rules = new Map(repo.rules.map((r) => [r.value.id, r.value]));
  const runbooks = new Map(repo.runbooks.map((r) => [r.value.id, r.value]));
  const controlsOfRule = (id: string): string[] => {
    const rule = rules.get(id);
    if (!rule) return [];
    const fix = rule.action.type === 'remediate' ? runbooks.get(rule.action.runbook ?? rule.check) : undefined;
    return [...new Set([...(rule.controls ?? []), ...(runbooks.get(rule.check)?.controls ?? []), ...(fix?.controls ?? [])])].sort();
  };
  const clinics: ClinicInfo[] = repo.sites.map(({ value: site }) => {
    const today = siteDate(now, site.timezone);
    const ruleIds = new Set<string>([...site.rules.map((r) => r.rule), ...site.hosts.flatMap((h) => (h.rules ?? []).map((r) => r.rule))]);
    const modeOf = (id: string) => site.rules.find((r) => r.rule === id)?.mode ?? rules.get(id)?.mode ?? site.mode ?? 'audit';
    return {
      site: site.id, name: site.name, ...(site.description !== undefined ? { description: site.description } : {}), timezone: site.timezone,
      ...(site.mode !== undefined ? { mode: site.mode } : {}),
      hosts: site.hosts.map((h) => ({ id: h.id, platform: h.platform, tags: h.tags ?? [], ...(h.ring !== undefined ? { ring: h.ring } : {}) })),
      rules: [...ruleIds].sort().map((id) => ({ id, title: rules.get(id)?.name ?? id, ...(rules.get(id)?.severity ? { severity: rules.get(id)!.severity } : {}), mode: modeOf(id), controls: controlsOfRule(id) })),
      waivers: (site.waivers ?? []).map((w) => ({
        site: site.id, rule: w.rule, ...(w.hosts ? { hosts: [...w.hosts] } : {}), owner: w.owner, expires: w.expires, reason: w.justification,
        ...(w.ticket ? { ticket: w.ticket } : {}), state: w.expires < today ? 'expired' as const : 'active' as const, source: 'site-file' as const,
      })),
      today,
    };
  }).sort((a, b) => (a.site < b.site ? -1 : 1));

  const controls: ControlInfo[] = repo.frameworks.flatMap(({ value: fw }) => fw.controls.map((c) => ({
    id: `${fw.id}:${c.id}`, framework: fw.id, title: c.title, ...(c.safeguard ? { safeguard: c.safeguard } : {}), ...(c.parent ? { parent: `${fw.id}:${c.parent}` } : {}),
  }))).sort((a, b) => (a.id < b.id ? -1 : 1));

  const sha = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');
  const usedBy = (runbook: string) => repo.rules.filter((r) => r.value.check === runbook || (r.value.action.type === 'remediate' && (r.value.action.runbook ?? r.value.check) === runbook)).map((r) => r.value.id).sort();
  const runbookViews = repo.runbooks.map(({ file, value: rb }) => ({
    id: rb.id, name: rb.name, ...(rb.version !== undefined ? { version: rb.version } : {}), platform: rb.platform, severity: rb.severity,
    controls: [...rb.controls], path: file.path, text: file.text,
    scripts: scripts.filter((s) => s.runbook.value.id === rb.id && !s.origin.inline).map((s) => ({ path: s.origin.path, text: s.text, sha256: sha(s.text) })),
    rules: usedBy(rb.id),
  })).sort((a, b) => (a.id < b.id ? -1 : 1));
  return { clinics, controls, runbooks: runbookViews };
}

/** Everything the site files need beyond the clinics. */
export interface AssembleInput {
  generatedAt: string;
  repo: RepoSiteInfo;
  clinics: readonly ClinicResult[];
  /** Runbook id → commits touching its files, newest first. */
  runbookHistory: ReadonlyMap<string, readonly RunbookCommit[]>;
  releases: ReleasesData;
}

/** The fleet-wide files. */
export interface AssembledSite {
  fleet: FleetData;
  controls: ControlData[];
  runbooks: RunbookData[];
  /** The clinics' packets with control titles filled in. */
  packets: PacketData[];
  manifest: SiteManifest;
}

/**
 * Joins the clinics' results with the repository into the fleet, control, runbook and manifest
 * files. Pure.
 *
 * @example
 * const site = assembleSite({ generatedAt, repo, clinics, runbookHistory, releases });
 */
export function assembleSite(input: AssembleInput): AssembledSite {
  const { generatedAt, repo, clinics } = input;
  const allHeals = clinics.flatMap((c) => c.hosts.flatMap((h) => h.incidents.filter((i) => i.state === 'healed' && i.time_to_heal_seconds !== undefined).map((i) => i.time_to_heal_seconds!)));
  const fleet: FleetData = {
    format: SITE_DATA_FORMAT, generated_at: generatedAt, clinics: clinics.map((c) => c.fleet),
    totals: {
      clinics: clinics.length, hosts: clinics.reduce((n, c) => n + c.hosts.length, 0), records: clinics.reduce((n, c) => n + c.records, 0),
      heals: clinics.reduce((n, c) => n + c.fleet.heals, 0), escalations: clinics.reduce((n, c) => n + c.fleet.escalations, 0),
      broken_chains: clinics.reduce((n, c) => n + c.fleet.chain.appliances.filter((a) => a.status === 'broken').length, 0),
      time_to_heal: timeToHeal(allHeals),
    },
  };

  // Controls: every framework control, plus any control evidence names that no framework declares.
  const info = new Map(repo.controls.map((c) => [c.id, c]));
  const evidenced = new Set(clinics.flatMap((c) => [...c.controls.keys()]));
  const ids = [...new Set([...info.keys(), ...evidenced])].sort();
  const controls: ControlData[] = ids.map((id) => {
    const c = info.get(id);
    const counts = emptyCounts();
    let records = 0;
    const perClinic = clinics.map((cl) => {
      const mine = cl.controls.get(id);
      if (mine) {
        records += mine.records;
        addCounts(counts, mine.counts);
      }
      return { site: cl.clinic.site, status: mine?.status ?? 'no-evidence' as const, counts: mine?.counts ?? emptyCounts(), failing: mine?.failing ?? [] };
    });
    const ruleIds = [...new Set(repo.clinics.flatMap((cl) => cl.rules.filter((r) => r.controls.includes(id)).map((r) => r.id)))].sort();
    return {
      format: SITE_DATA_FORMAT, generated_at: generatedAt, id, file_id: controlFileId(id), framework: c?.framework ?? id.split(':')[0] ?? '', title: c?.title ?? id,
      ...(c?.safeguard ? { safeguard: c.safeguard } : {}), ...(c?.parent ? { parent: c.parent } : {}),
      runbooks: repo.runbooks.filter((r) => r.controls.includes(id)).map((r) => r.id), rules: ruleIds,
      evidence: { records, counts }, clinics: perClinic,
      exceptions: clinics.flatMap((cl) => cl.waivers.filter((w) => cl.clinic.rules.find((r) => r.id === w.rule)?.controls.includes(id))),
    };
  });

  const runbooks: RunbookData[] = repo.runbooks.map((rb) => {
    const evidence = new Map<string, { version: string; digest?: string; checks: number; first: string; last: string }>();
    for (const cl of clinics) {
      for (const [k, e] of cl.runbooks.get(rb.id) ?? []) {
        const have = evidence.get(k);
        if (!have) evidence.set(k, { ...e });
        else evidence.set(k, { ...have, checks: have.checks + e.checks, first: e.first < have.first ? e.first : have.first, last: e.last > have.last ? e.last : have.last });
      }
    }
    return {
      format: SITE_DATA_FORMAT, generated_at: generatedAt, ...rb, history: [...(input.runbookHistory.get(rb.id) ?? [])],
      evidence: [...evidence.values()].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0)),
    };
  });

  const titles = new Map(controls.map((c) => [c.id, c.title]));
  const packets = clinics.flatMap((c) => c.packets.map((p) => ({ ...p, controls: p.controls.map((pc) => ({ ...pc, title: titles.get(pc.id) ?? pc.id })) })));

  const pages: ManifestPage[] = [
    { kind: 'fleet', data: siteDataPath({ kind: 'fleet' }) },
    { kind: 'releases', data: siteDataPath({ kind: 'releases' }) },
  ];
  for (const cl of clinics) {
    const site = cl.clinic.site;
    pages.push({ kind: 'clinic', data: siteDataPath({ kind: 'clinic', site }), site });
    for (const h of cl.hosts) pages.push({ kind: 'host', data: siteDataPath({ kind: 'host', site, host: h.host }), site, host: h.host });
    for (const day of cl.clinic.days) pages.push({ kind: 'day', data: siteDataPath({ kind: 'day', site, day }), site, day });
    for (const month of cl.clinic.months) pages.push({ kind: 'packet', data: siteDataPath({ kind: 'packet', site, month }), site, month });
  }
  for (const c of controls) pages.push({ kind: 'control', data: siteDataPath({ kind: 'control', id: c.id }), id: c.id });
  for (const r of runbooks) pages.push({ kind: 'runbook', data: siteDataPath({ kind: 'runbook', id: r.id }), id: r.id });
  const oscal = clinics.flatMap((c) => c.clinic.months.map((month) => siteDataPath({ kind: 'oscal', site: c.clinic.site, month })));
  const manifest: SiteManifest = {
    format: SITE_DATA_FORMAT, generated_at: generatedAt, clinics: clinics.map((c) => c.clinic.site), pages, oscal,
    summary: {
      clinics: clinics.length, hosts: fleet.totals.hosts, days: clinics.reduce((n, c) => n + c.clinic.days.length, 0), records: fleet.totals.records,
      pages: pages.length, broken_chains: fleet.totals.broken_chains,
    },
  };
  return { fleet, controls, runbooks, packets, manifest };
}

function addCounts(into: StatusCounts, add: StatusCounts): void {
  for (const k of Object.keys(into) as (keyof StatusCounts)[]) into[k] += add[k];
}
