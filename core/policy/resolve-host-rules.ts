import { createHash } from 'node:crypto';
import { collectScripts, SCRIPT_STEPS, type RunbookScript } from '../lint/collect-scripts.js';
import type { Rule } from '../model/generated/rule.js';
import type { Runbook } from '../model/generated/runbook.js';
import type { Host, RuleSetting, Site, Waiver } from '../model/generated/site.js';
import type { SiteBundle } from '../bundle/site-bundle.js';
import type { LoadedRepo } from '../validate/loaded-repo.js';
import { ObjectMemo } from '../memo/object-memo.js';

export type RuleMode = 'audit' | 'enforce';
export type ParamValue = string | number | boolean | (string | number | boolean)[];

/** Which setting decided a rule's mode on a host, first explicit value wins (see resolveHostRules). */
export type ModeSource = 'host-rule' | 'host' | 'site-rule' | 'site' | 'rule' | 'default';

/** The waiver that keeps a rule from being enforced on a host: reported, never healed. */
export interface EffectiveWaiver {
  owner: string;
  /** Last day the waiver applies, YYYY-MM-DD in the site's time zone. */
  expires: string;
  justification: string;
  ticket?: string;
  /** Index in the site's `waivers:` list, to point at the YAML. */
  index: number;
}

/**
 * One rule as it applies to one host after every site and host setting is folded in: what the agent
 * runs there, how (audit or enforce), with which parameter values, and the digests of the exact
 * script texts a release must carry.
 */
export interface EffectiveRule {
  ruleId: string;
  rule: Rule;
  /** The runbook whose check observes the host (`rule.check`). */
  checkRunbook: Runbook;
  /** The runbook that heals (`action.runbook ?? check`); undefined for escalate rules. */
  fixRunbook: Runbook | undefined;
  mode: RuleMode;
  /** Which setting decided `mode`. */
  modeSource: ModeSource;
  /**
   * Parameter values by name, keys sorted: runbook defaults ← rule action params ← site rule entry
   * params ← host rule entry params (the later wins). The runbook is the remediation runbook, or the
   * check runbook for escalate rules.
   */
  params: Record<string, ParamValue>;
  /** Present when a current site waiver covers this rule on this host: the rule is reported as waived, not enforced. */
  waiver?: EffectiveWaiver;
  /** True when the remediation runbook is disruptive (runs only inside a maintenance window). */
  disruptive: boolean;
  /** Framework control references of the rule and both runbooks, sorted, without repeats. */
  controls: string[];
  /**
   * SHA-256 (hex) of each script text the rule can run on the host, by step: `check` is the check
   * runbook's check; `remediate`, `verify`, `rollback` are the remediation runbook's; `fix.check`
   * is the remediation runbook's own check (its fresh check before healing), present only when the
   * remediation runbook differs from the check runbook. Keys appear in that order; a step a runbook
   * does not have (or whose file cannot be read) is absent.
   */
  scriptDigests: Record<string, string>;
}

/** A rule a site or host names that cannot run on the host, with why. */
export interface SkippedRule {
  ruleId: string;
  reason: 'rule-unknown' | 'runbook-unknown' | 'platform-mismatch';
  /** One sentence for people. */
  message: string;
}

/** What a host runs and what it names but cannot run. */
export interface HostRuleSet {
  rules: EffectiveRule[];
  /**
   * Rules the site or host enables that do not load (unknown rule or runbook, often because of a
   * schema error), and rules a host's own entry enables for another platform. A site-level rule of
   * another platform is not listed: a site enables Linux and Windows rules alike.
   */
  skipped: SkippedRule[];
}

/** Indexes of one LoadedRepo, built once and reused for every host. */
interface RepoIndex {
  rules: Map<string, Rule>;
  runbooks: Map<string, Runbook>;
  sites: Map<string, Site>;
  /** Runbook id → step → sha256 hex of the script text. */
  digests: Map<string, Map<string, string>>;
}

// Built once per repo (and per scripts list when one is passed) so resolving 2,000 hosts builds the
// maps and hashes each script once. A LoadedRepo is never changed after loading.
const repoIndexes = new WeakMap<LoadedRepo, RepoIndex>();
const scriptIndexes = new WeakMap<readonly RunbookScript[], { repo: LoadedRepo; index: RepoIndex }>();

/**
 * The rules that apply to one host of one site, sorted by priority (lower first, default 100) then
 * rule id: the order the agent runs them in. Exact semantics, shared by `writ plan`, releases and
 * the agent:
 *
 * - **Applies** when the site's `rules[]` entry for the rule has `enabled` other than false, or the
 *   host's own `rules[]` entry does; a host entry with `enabled: false` turns it off on that host
 *   whatever the site says. It applies only when the check runbook's platform equals the host's
 *   platform. The first entry wins where a rule is listed twice (lint reports the repeat).
 * - **Mode**, first explicit value wins: host rule entry → host `mode` → site rule entry (also when
 *   that entry has `enabled: false` and the host enables the rule) → site `mode` → rule `mode` →
 *   `audit`.
 * - **Params**: runbook parameter defaults ← rule action params ← site rule entry params ← host
 *   rule entry params; the runbook is the remediation runbook (`action.runbook ?? check`).
 * - **Waiver**: the first site waiver for the rule that covers the host (no `hosts` = every host)
 *   and whose `expires` date is on or after `now`'s date in the site's time zone (UTC when the zone
 *   is unknown) makes the rule waived: reported, never enforced.
 *
 * Unknown sites or hosts give an empty list. Pass the scripts from `collectScripts(repo)` when
 * resolving many hosts; without them they are collected once per repo and cached.
 *
 * @example
 * const rules = resolveHostRules(repo, 'clinic-northside', 'ehr-db-01', now);
 * // [{ ruleId: 'L1-LIN-SSH-001', mode: 'enforce', params: {...}, scriptDigests: { check: '9f…', remediate: '1c…' }, … }]
 */
export function resolveHostRules(repo: LoadedRepo, siteId: string, hostId: string, now: Date, scripts?: readonly RunbookScript[]): EffectiveRule[] {
  return resolveHostRuleSet(repo, siteId, hostId, now, scripts).rules;
}

/**
 * Like resolveHostRules, and also lists the rules the site or host names that cannot run there.
 *
 * @example
 * const { rules, skipped } = resolveHostRuleSet(repo, 'clinic-northside', 'ehr-db-01', now);
 */
export function resolveHostRuleSet(repo: LoadedRepo, siteId: string, hostId: string, now: Date, scripts?: readonly RunbookScript[]): HostRuleSet {
  const index = indexOf(repo, scripts);
  const site = index.sites.get(siteId);
  const host = site?.hosts.find((h) => h.id === hostId);
  if (!site || !host) return { rules: [], skipped: [] };
  return resolveForHost(index, site, host, siteDate(now, site.timezone));
}

/**
 * The same resolution as resolveHostRuleSet, read from a verified site bundle instead of a policy
 * repository: what the agent runs on one host. Script digests are the bundle's own.
 *
 * @example
 * const { rules } = resolveBundleHostRules(release.bundle, 'ehr-db-01', now);
 */
export function resolveBundleHostRules(bundle: SiteBundle, hostId: string, now: Date): HostRuleSet {
  let index = bundleIndexes.get(bundle);
  if (!index) bundleIndexes.set(bundle, (index = bundleIndex(bundle)));
  const host = bundle.site.hosts.find((h) => h.id === hostId);
  if (!host) return { rules: [], skipped: [] };
  return resolveForHost(index, bundle.site, host, siteDate(now, bundle.site.timezone));
}

const bundleIndexes = new WeakMap<SiteBundle, RepoIndex>();

function bundleIndex(bundle: SiteBundle): RepoIndex {
  const rules = new Map<string, Rule>();
  for (const r of bundle.rules) if (!rules.has(r.id)) rules.set(r.id, r);
  const runbooks = new Map<string, Runbook>();
  const digests = new Map<string, Map<string, string>>();
  for (const rb of bundle.runbooks) {
    if (runbooks.has(rb.id)) continue;
    // The bundled runbook keeps every field of the reviewed YAML; only its scripts are inlined.
    runbooks.set(rb.id, rb as unknown as Runbook);
    const m = new Map<string, string>();
    for (const [step, script] of Object.entries(rb.scripts)) if (script) m.set(step, script.sha256);
    digests.set(rb.id, m);
  }
  return { rules, runbooks, sites: new Map([[bundle.site.id, bundle.site]]), digests };
}

/**
 * The calendar date (YYYY-MM-DD) of `now` in a time zone; UTC when the zone is not known. Waiver
 * expiry dates are read in the site's time zone (site.schema.json `expires`).
 *
 * @example
 * siteDate(new Date('2026-11-28T03:00:00Z'), 'America/Chicago'); // '2026-11-27'
 */
export function siteDate(now: Date, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      format = null;
    }
    dateFormats.set(timeZone, format);
  }
  if (format === null) return now.toISOString().slice(0, 10);
  // One reference time per run: the last answer per zone is almost always the next one.
  const last = lastDates.get(timeZone);
  if (last && last.time === now.getTime()) return last.date;
  const parts = format.formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  lastDates.set(timeZone, { time: now.getTime(), date });
  return date;
}

/** Formatters by time zone (null: unknown zone); building one costs far more than using it. */
const dateFormats = new Map<string, Intl.DateTimeFormat | null>();
const lastDates = new Map<string, { time: number; date: string }>();

/** sha256 hex of a script text (UTF-8), as in EffectiveRule.scriptDigests. */
export function scriptDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const scriptDigests = new ObjectMemo<RunbookScript, string>();

/**
 * scriptDigest of a collected script's text, computed once per script object.
 *
 * @example
 * const digest = digestOfScript(collectScripts(repo).scripts[0]);
 */
export function digestOfScript(script: RunbookScript): string {
  return scriptDigests.get(script, [], () => scriptDigest(script.text));
}

function indexOf(repo: LoadedRepo, scripts: readonly RunbookScript[] | undefined): RepoIndex {
  if (scripts === undefined) {
    let index = repoIndexes.get(repo);
    if (!index) repoIndexes.set(repo, (index = buildIndex(repo, collectScripts(repo).scripts)));
    return index;
  }
  const cached = scriptIndexes.get(scripts);
  if (cached && cached.repo === repo) return cached.index;
  const index = buildIndex(repo, scripts);
  scriptIndexes.set(scripts, { repo, index });
  return index;
}

function buildIndex(repo: LoadedRepo, scripts: readonly RunbookScript[]): RepoIndex {
  // First by file path wins for repeated ids (lint reports them); sorting keeps this independent of input order.
  const byPath = <T extends { file: { path: string } }>(xs: readonly T[]) => [...xs].sort((a, b) => cmp(a.file.path, b.file.path));
  const rules = new Map<string, Rule>();
  for (const r of byPath(repo.rules)) if (!rules.has(r.value.id)) rules.set(r.value.id, r.value);
  const runbooks = new Map<string, Runbook>();
  const runbookPath = new Map<string, string>();
  for (const r of byPath(repo.runbooks)) {
    if (runbooks.has(r.value.id)) continue;
    runbooks.set(r.value.id, r.value);
    runbookPath.set(r.value.id, r.file.path);
  }
  const sites = new Map<string, Site>();
  for (const s of byPath(repo.sites)) if (!sites.has(s.value.id)) sites.set(s.value.id, s.value);
  const digests = new Map<string, Map<string, string>>();
  for (const s of scripts) {
    if (runbookPath.get(s.runbook.value.id) !== s.runbook.file.path) continue;
    let m = digests.get(s.runbook.value.id);
    if (!m) digests.set(s.runbook.value.id, (m = new Map()));
    m.set(s.step, digestOfScript(s));
  }
  return { rules, runbooks, sites, digests };
}

function resolveForHost(index: RepoIndex, site: Site, host: Host, today: string): HostRuleSet {
  const siteEntries = firstById(site.rules);
  const hostEntries = firstById(host.rules ?? []);
  const ids = [...new Set([...siteEntries.keys(), ...hostEntries.keys()])].sort(cmp);
  const rules: EffectiveRule[] = [];
  const skipped: SkippedRule[] = [];

  for (const ruleId of ids) {
    const siteEntry = siteEntries.get(ruleId);
    const hostEntry = hostEntries.get(ruleId);
    const enabled = hostEntry ? hostEntry.enabled !== false : siteEntry !== undefined && siteEntry.enabled !== false;
    if (!enabled) continue;

    const rule = index.rules.get(ruleId);
    if (!rule) {
      skipped.push({ ruleId, reason: 'rule-unknown', message: `rule ${ruleId} does not exist or does not load` });
      continue;
    }
    const checkRunbook = index.runbooks.get(rule.check);
    const fixId = rule.action.type === 'remediate' ? (rule.action.runbook ?? rule.check) : undefined;
    const fixRunbook = fixId === undefined ? undefined : index.runbooks.get(fixId);
    if (!checkRunbook || (fixId !== undefined && !fixRunbook)) {
      const missing = !checkRunbook ? rule.check : fixId!;
      skipped.push({ ruleId, reason: 'runbook-unknown', message: `runbook ${missing} of rule ${ruleId} does not exist or does not load` });
      continue;
    }
    if (checkRunbook.platform !== host.platform) {
      // A site enables rules for all its platforms at once; only a host's own entry for the wrong
      // platform is a mistake worth showing.
      if (hostEntry) {
        skipped.push({ ruleId, reason: 'platform-mismatch', message: `rule ${ruleId} checks ${checkRunbook.platform} hosts; ${host.id} runs ${host.platform}` });
      }
      continue;
    }

    const [mode, modeSource] = resolveMode(rule, site, host, siteEntry, hostEntry);
    const paramRunbook = fixRunbook ?? checkRunbook;
    const params: Record<string, ParamValue> = {};
    for (const [name, spec] of Object.entries(paramRunbook.parameters ?? {})) {
      if (spec?.default !== undefined) params[name] = spec.default;
    }
    const layers = [rule.action.type === 'remediate' ? rule.action.params : undefined, siteEntry?.params, hostEntry?.params];
    for (const layer of layers) {
      for (const [name, value] of Object.entries(layer ?? {})) if (value !== undefined) params[name] = value;
    }

    const waiverIndex = (site.waivers ?? []).findIndex((w) => w.rule === ruleId && (w.hosts === undefined || w.hosts.includes(host.id)) && w.expires >= today);
    const controls = [...new Set([...(rule.controls ?? []), ...checkRunbook.controls, ...(fixRunbook?.controls ?? [])])].sort(cmp);

    const effective: EffectiveRule = {
      ruleId,
      rule,
      checkRunbook,
      fixRunbook,
      mode,
      modeSource,
      params: sortKeys(params),
      disruptive: fixRunbook?.disruptive === true,
      controls,
      scriptDigests: digestsOf(index, checkRunbook, fixRunbook),
    };
    if (waiverIndex >= 0) effective.waiver = toWaiver(site.waivers![waiverIndex]!, waiverIndex);
    rules.push(effective);
  }
  rules.sort((a, b) => (a.rule.priority ?? 100) - (b.rule.priority ?? 100) || cmp(a.ruleId, b.ruleId));
  return { rules, skipped };
}

function resolveMode(rule: Rule, site: Site, host: Host, siteEntry: RuleSetting | undefined, hostEntry: RuleSetting | undefined): [RuleMode, ModeSource] {
  if (hostEntry?.mode) return [hostEntry.mode, 'host-rule'];
  if (host.mode) return [host.mode, 'host'];
  if (siteEntry?.mode) return [siteEntry.mode, 'site-rule'];
  if (site.mode) return [site.mode, 'site'];
  if (rule.mode) return [rule.mode, 'rule'];
  return ['audit', 'default'];
}

function digestsOf(index: RepoIndex, check: Runbook, fix: Runbook | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const checkDigests = index.digests.get(check.id);
  const c = checkDigests?.get('check');
  if (c !== undefined) out['check'] = c;
  if (!fix) return out;
  const fixDigests = index.digests.get(fix.id);
  if (fix.id !== check.id) {
    const fc = fixDigests?.get('check');
    if (fc !== undefined) out['fix.check'] = fc;
  }
  for (const step of SCRIPT_STEPS) {
    if (step === 'check') continue;
    const d = fixDigests?.get(step);
    if (d !== undefined) out[step] = d;
  }
  return out;
}

function toWaiver(w: Waiver, index: number): EffectiveWaiver {
  const out: EffectiveWaiver = { owner: w.owner, expires: w.expires, justification: w.justification, index };
  if (w.ticket !== undefined) out.ticket = w.ticket;
  return out;
}

function firstById(entries: readonly RuleSetting[]): Map<string, RuleSetting> {
  const m = new Map<string, RuleSetting>();
  for (const e of entries) if (!m.has(e.rule)) m.set(e.rule, e);
  return m;
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort(cmp)) out[k] = o[k]!;
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
