import { createHash } from 'node:crypto';
import { collectScripts, type RunbookScript } from '../lint/collect-scripts.js';
import type { Rule } from '../model/generated/rule.js';
import type { Runbook } from '../model/generated/runbook.js';
import type { Appliance, Host, MaintenanceWindow, Site, Waiver } from '../model/generated/site.js';
import { digestOfScript, resolveHostRuleSet, siteDate, type EffectiveRule, type HostRuleSet, type ModeSource, type ParamValue, type RuleMode, type SkippedRule } from '../policy/resolve-host-rules.js';
import type { LoadedRepo } from '../validate/loaded-repo.js';
import { ObjectMemo } from '../memo/object-memo.js';

/** How a site or host differs between base and head. */
export type ItemStatus = 'added' | 'removed' | 'changed' | 'unchanged';

/**
 * What happens to one rule on one host (STYLE §7, closed set): `created` it starts running there,
 * `changed` it runs differently, `removed` it stops, `unchanged`, `skipped` the site or host names it
 * but it cannot run in head (unknown rule or runbook, or a host entry for another platform).
 */
export type EntryAction = 'created' | 'changed' | 'removed' | 'unchanged' | 'skipped';

/** Closed list of change kinds; `subject`, `from` and `to` of a Change are read by kind (docs/plan-json.md). */
export type ChangeKind =
  // site
  | 'site-name' | 'site-mode' | 'timezone'
  | 'window-added' | 'window-removed' | 'window-changed'
  | 'appliance-added' | 'appliance-removed' | 'appliance-key-changed' | 'appliance-retired' | 'appliance-reinstated'
  | 'waiver-added' | 'waiver-removed' | 'waiver-changed' | 'waiver-expiring'
  // host
  | 'address' | 'port' | 'platform' | 'transport' | 'host-key' | 'tls-cert' | 'credential' | 'ring' | 'host-mode' | 'tags'
  // host × rule
  | 'enabled' | 'disabled' | 'mode' | 'param' | 'script' | 'runbook-version' | 'check-runbook' | 'fix-runbook' | 'action-type'
  | 'disruptive' | 'waiver-expiry' | 'controls' | 'rule-setting' | 'skipped'
  // repository-wide rules and runbooks
  | 'field' | 'parameter';

/** A JSON value as the plan carries it. */
export type PlanValue = string | number | boolean | null | PlanValue[] | { [k: string]: PlanValue };

/** One difference. `from` is absent when the thing was not set in base, `to` when it is not set in head. */
export interface Change {
  kind: ChangeKind;
  /** What the change is about when the kind alone does not say: a window, appliance, waiver, parameter, script step, runbook or field. */
  subject?: string;
  from?: PlanValue;
  to?: PlanValue;
  /** A few words for people, e.g. "host added" or "expires in 12 days". */
  note?: string;
}

/** A change a reviewer must look at twice: a disruptive runbook now enforcing, or access widening. */
export interface PlanFlag {
  kind: 'disruptive' | 'widens-access';
  /** One short sentence. */
  reason: string;
}

/** A flag with where it sits, for the list at the top of the plan. */
export interface LocatedFlag extends PlanFlag {
  site: string;
  host?: string;
  rule?: string;
}

/** A (host, rule) pair's state on one side of the plan. */
export interface EntryState {
  mode: RuleMode;
  modeSource: ModeSource;
  checkRunbook: string;
  /** Absent for escalate rules. */
  fixRunbook?: string;
  params: Record<string, ParamValue>;
  disruptive: boolean;
  /** Expiry date of the waiver that covers it, when one does. */
  waivedUntil?: string;
  scriptDigests: Record<string, string>;
}

export interface RulePlan {
  ruleId: string;
  /** Rule name (head's, else base's); user text. */
  name: string;
  action: EntryAction;
  /** Why a skipped rule cannot run. */
  skipped?: { reason: SkippedRule['reason']; message: string };
  changes: Change[];
  flags: PlanFlag[];
  /** Controls of the rule and its runbooks on both sides, sorted. */
  controls: string[];
  /** The entry in base; absent when it did not run there. */
  before?: EntryState;
  /** The entry in head; absent when it does not run there. */
  after?: EntryState;
}

export interface HostPlan {
  hostId: string;
  platform: 'linux' | 'windows';
  status: ItemStatus;
  changes: Change[];
  flags: PlanFlag[];
  rules: RulePlan[];
}

export interface SitePlan {
  siteId: string;
  /** Site name (head's, else base's); user text. */
  name: string;
  status: ItemStatus;
  /** Site-level changes. `waiver-expiring` is a reminder and does not by itself make a site changed. */
  changes: Change[];
  flags: PlanFlag[];
  /** Controls touched by the site's affected rule entries, sorted. */
  controls: string[];
  hosts: HostPlan[];
}

/** A rule or runbook added, removed or changed anywhere in the repository, used or not. */
export interface RepoItemChange {
  id: string;
  /** User text. */
  name: string;
  status: 'added' | 'removed' | 'changed';
  /** `field` (top-level keys that differ), and for runbooks `script`, `runbook-version`, `disruptive`, `parameter`. */
  changes: Change[];
  /** Hosts that run it in head (base for removed ones): as the rule, or as its check or remediation runbook. */
  hostsUsing: number;
}

export interface Counts {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
}

export interface PlanSummary {
  sites: Counts;
  hosts: Counts;
  entries: Record<EntryAction, number>;
  sitesAffected: number;
  hostsAffected: number;
  /** Distinct rule ids with an affected host entry. */
  rulesAffected: number;
  /** Control references touched by affected entries, sorted. */
  controlsTouched: string[];
  /** controlsTouched counted by framework id, e.g. { hipaa: 7 }. */
  controlsByFramework: Record<string, number>;
  disruptive: number;
  widensAccess: number;
}

/** What merging head over base does, per site, host and rule. Pure data; see docs/plan-json.md. */
export interface Plan {
  baseRev: string;
  headRev: string;
  /** The reference time (ISO 8601) used for waivers. */
  now: string;
  summary: PlanSummary;
  /** Every flag, sites by id, then their hosts, then rules. */
  flags: LocatedFlag[];
  /** Every site of base or head, by id. */
  sites: SitePlan[];
  repository: { rules: RepoItemChange[]; runbooks: RepoItemChange[] };
}

/** Waivers that expire within this many days of now are called out. */
export const WAIVER_EXPIRY_NOTICE_DAYS = 30;

/**
 * Plans a change: what merging `head` over `base` does on every site, host and (host, rule) pair,
 * with the controls touched and the changes a reviewer must look at twice (disruptive runbooks
 * newly enforcing, access widening). Pure and deterministic: sites, hosts and rules come out sorted
 * by id whatever order the files were loaded in. Both sides are resolved with resolveHostRules, the
 * same function the agent runs.
 *
 * @example
 * const plan = planChange(loadRepo(baseFiles).repo, loadRepo(headFiles).repo, now, { baseRev: 'a1b2c3d', headRev: 'e4f5a6b' });
 * plan.summary.hostsAffected; // 41
 */
export function planChange(base: LoadedRepo, head: LoadedRepo, now: Date, meta: { baseRev: string; headRev: string }): Plan {
  const b = sideOf(base);
  const h = sideOf(head);

  const sites: SitePlan[] = [];
  for (const siteId of unionSorted(b.sites.keys(), h.sites.keys())) sites.push(memoPlanSite(siteId, b, h, now));

  const usage = hostUsage(sites);
  const repository = {
    rules: diffRules(b, h, usage),
    runbooks: diffRunbooks(b, h, usage),
  };
  const flags: LocatedFlag[] = [];
  for (const s of sites) for (const f of siteFlags.get(s, [], () => locatedFlags(s))) flags.push({ ...f });
  return { baseRev: meta.baseRev, headRev: meta.headRev, now: now.toISOString(), summary: summarize(sites, flags), flags, sites, repository };
}

const siteFlags = new ObjectMemo<SitePlan, readonly LocatedFlag[]>();

/** A site plan's flags with where they sit (site, host, rule), in plan order. */
function locatedFlags(s: SitePlan): LocatedFlag[] {
  const flags: LocatedFlag[] = [];
  for (const f of s.flags) flags.push({ ...f, site: s.siteId });
  for (const host of s.hosts) {
    for (const f of host.flags) flags.push({ ...f, site: s.siteId, host: host.hostId });
    for (const r of host.rules) for (const f of r.flags) flags.push({ ...f, site: s.siteId, host: host.hostId, rule: r.ruleId });
  }
  return flags;
}

/** True when an entry is part of the change (not unchanged, and not a skip that was already there). */
export function isAffected(entry: RulePlan): boolean {
  return entry.action === 'skipped' ? entry.changes.length > 0 : entry.action !== 'unchanged';
}

// ---------------------------------------------------------------------------------------------
// One side (base or head), indexed by id.

interface Side {
  repo: LoadedRepo;
  scripts: RunbookScript[];
  rules: Map<string, Rule>;
  runbooks: Map<string, Runbook>;
  sites: Map<string, Site>;
  /** Runbook id → step → digest. */
  digests: Map<string, Map<string, string>>;
  /** Runbook id → its digests joined (filled on demand by digestKey). */
  digestKeys: Map<string, string | undefined>;
}

function sideOf(repo: LoadedRepo): Side {
  const scripts = collectScripts(repo).scripts;
  const rules = firstByPath(repo.rules);
  const runbookEntries = new Map<string, string>();
  const runbooks = new Map<string, Runbook>();
  for (const e of [...repo.runbooks].sort((x, y) => cmp(x.file.path, y.file.path))) {
    if (runbooks.has(e.value.id)) continue;
    runbooks.set(e.value.id, e.value);
    runbookEntries.set(e.value.id, e.file.path);
  }
  const digests = new Map<string, Map<string, string>>();
  for (const s of scripts) {
    if (runbookEntries.get(s.runbook.value.id) !== s.runbook.file.path) continue;
    let m = digests.get(s.runbook.value.id);
    if (!m) digests.set(s.runbook.value.id, (m = new Map()));
    m.set(s.step, digestOfScript(s));
  }
  return { repo, scripts, rules, runbooks, sites: firstByPath(repo.sites), digests, digestKeys: new Map() };
}

function firstByPath<T extends { id: string }>(entries: readonly { file: { path: string }; value: T }[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const e of [...entries].sort((x, y) => cmp(x.file.path, y.file.path))) if (!out.has(e.value.id)) out.set(e.value.id, e.value);
  return out;
}

/** Hosts of a site by id, the first of a repeated id winning (as in resolveHostRules). */
function hostsOf(site: Site | undefined): Map<string, Host> {
  const out = new Map<string, Host>();
  for (const host of site?.hosts ?? []) if (!out.has(host.id)) out.set(host.id, host);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sites

/**
 * A site's plan reads only: the site on each side, the calendar date in its time zones, and the
 * rules its site and host entries name with their runbooks and script digests on each side. With
 * all of those the very same objects and values as in an earlier plan (a caller that keeps loaded
 * entries across plans, like the GitHub App), the earlier SitePlan is the answer; it is read-only.
 */
const sitePlans = new ObjectMemo<Site, SitePlan>();

function memoPlanSite(siteId: string, b: Side, h: Side, now: Date): SitePlan {
  const bs = b.sites.get(siteId);
  const hs = h.sites.get(siteId);
  const deps: unknown[] = [siteId, bs, hs, bs ? siteDate(now, bs.timezone) : '', hs ? siteDate(now, hs.timezone) : ''];
  const ruleIds = new Set<string>();
  for (const site of [bs, hs]) if (site) for (const id of ruleIdsOf(site)) ruleIds.add(id);
  const runbookIds = new Set<string>();
  for (const id of ruleIds) {
    for (const side of [b, h]) {
      const rule = side.rules.get(id);
      deps.push(rule);
      if (!rule) continue;
      runbookIds.add(rule.check);
      if (rule.action.type === 'remediate') runbookIds.add(rule.action.runbook ?? rule.check);
    }
  }
  for (const id of runbookIds) {
    for (const side of [b, h]) {
      deps.push(side.runbooks.get(id), digestKey(side, id));
    }
  }
  return sitePlans.get((hs ?? bs)!, deps, () => planSite(siteId, b, h, now));
}

/** A runbook's script digests on one side as one string, built once per side and runbook. */
function digestKey(side: Side, runbookId: string): string | undefined {
  if (side.digestKeys.has(runbookId)) return side.digestKeys.get(runbookId);
  const digests = side.digests.get(runbookId);
  const key = digests ? [...digests].join(',') : undefined;
  side.digestKeys.set(runbookId, key);
  return key;
}

const siteRuleIds = new ObjectMemo<Site, readonly string[]>();

/** Every rule id a site's own and its hosts' entries name, once per Site object. */
function ruleIdsOf(site: Site): readonly string[] {
  return siteRuleIds.get(site, [], () => {
    const ids = new Set<string>();
    for (const r of site.rules) ids.add(r.rule);
    for (const host of site.hosts) for (const r of host.rules ?? []) ids.add(r.rule);
    return [...ids];
  });
}

function planSite(siteId: string, b: Side, h: Side, now: Date): SitePlan {
  const bs = b.sites.get(siteId);
  const hs = h.sites.get(siteId);
  const changes: Change[] = [];
  const flags: PlanFlag[] = [];
  const today = hs ? siteDate(now, hs.timezone) : '';

  if (bs && hs) {
    if (bs.name !== hs.name) changes.push({ kind: 'site-name', from: bs.name, to: hs.name });
    if (bs.mode !== hs.mode) {
      changes.push(withEnds({ kind: 'site-mode' }, bs.mode, hs.mode));
      if (bs.mode === 'enforce') flags.push(widens(`site mode enforce → ${hs.mode ?? 'unset (rule modes apply)'}`));
    }
    if (bs.timezone !== hs.timezone) changes.push({ kind: 'timezone', from: bs.timezone, to: hs.timezone });
  }
  if (!bs && hs?.mode) changes.push({ kind: 'site-mode', to: hs.mode });
  diffWindows(bs?.maintenance_windows ?? [], hs?.maintenance_windows ?? [], changes);
  diffAppliances(bs?.appliances ?? [], hs?.appliances ?? [], changes, flags);
  diffWaivers(bs?.waivers ?? [], hs?.waivers ?? [], today, changes, flags);
  if (hs) {
    const noticeLimit = addDays(today, WAIVER_EXPIRY_NOTICE_DAYS);
    for (const w of hs.waivers ?? []) {
      if (w.expires >= today && w.expires <= noticeLimit) {
        const days = daysBetween(today, w.expires);
        changes.push({ kind: 'waiver-expiring', subject: waiverSubject(w), to: w.expires, note: days === 0 ? 'expires today' : `expires in ${days} day${days === 1 ? '' : 's'}` });
      }
    }
  }

  const siteFlags = { mode: flags.some((f) => f.reason.startsWith('site mode')) };
  const hosts: HostPlan[] = [];
  const bHosts = hostsOf(bs);
  const hHosts = hostsOf(hs);
  for (const hostId of unionSorted(bHosts.keys(), hHosts.keys())) {
    hosts.push(planHost(siteId, hostId, bs, hs, bHosts.get(hostId), hHosts.get(hostId), b, h, now, siteFlags));
  }

  const controls = new Set<string>();
  for (const host of hosts) for (const r of host.rules) if (isAffected(r)) r.controls.forEach((c) => controls.add(c));
  const status: ItemStatus = !bs ? 'added' : !hs ? 'removed'
    : changes.some((c) => c.kind !== 'waiver-expiring') || hosts.some((x) => x.status !== 'unchanged') ? 'changed' : 'unchanged';
  return { siteId, name: (hs ?? bs)!.name, status, changes: changes.map((c) => withEnds(c, c.from, c.to)), flags, controls: [...controls].sort(cmp), hosts };
}

function diffWindows(before: readonly MaintenanceWindow[], after: readonly MaintenanceWindow[], out: Change[]): void {
  const bm = new Map(before.map((w) => [w.name, w]));
  const am = new Map(after.map((w) => [w.name, w]));
  for (const name of unionSorted(bm.keys(), am.keys())) {
    const x = bm.get(name);
    const y = am.get(name);
    if (x && !y) out.push({ kind: 'window-removed', subject: name, from: describeWindow(x) });
    else if (!x && y) out.push({ kind: 'window-added', subject: name, to: describeWindow(y) });
    else if (x && y && describeWindow(x) !== describeWindow(y)) out.push({ kind: 'window-changed', subject: name, from: describeWindow(x), to: describeWindow(y) });
  }
}

function describeWindow(w: MaintenanceWindow): string {
  return `${w.days.join(',')} ${w.start}–${w.end}${w.timezone ? ` ${w.timezone}` : ''}`;
}

function diffAppliances(before: readonly Appliance[], after: readonly Appliance[], out: Change[], flags: PlanFlag[]): void {
  const bm = new Map(before.map((a) => [a.id, a]));
  const am = new Map(after.map((a) => [a.id, a]));
  for (const id of unionSorted(bm.keys(), am.keys())) {
    const x = bm.get(id);
    const y = am.get(id);
    if (x && !y) {
      out.push({ kind: 'appliance-removed', subject: id });
      continue;
    }
    if (!y) continue;
    if (!x) {
      out.push({ kind: 'appliance-added', subject: id, to: { encryption_key: y.encryption_key, signing_key: y.signing_key } });
      if (y.retired !== true) flags.push(widens(`appliance ${id} added: releases will be encrypted to its key`));
      continue;
    }
    for (const key of ['encryption_key', 'signing_key'] as const) {
      if (x[key] !== y[key]) {
        out.push({ kind: 'appliance-key-changed', subject: `${id} ${key}`, from: x[key], to: y[key] });
        if (y.retired !== true) flags.push(widens(`appliance ${id} has a new ${key === 'encryption_key' ? 'encryption' : 'signing'} key`));
      }
    }
    if (x.retired !== true && y.retired === true) out.push({ kind: 'appliance-retired', subject: id });
    if (x.retired === true && y.retired !== true) {
      out.push({ kind: 'appliance-reinstated', subject: id });
      flags.push(widens(`retired appliance ${id} reinstated: it receives releases again`));
    }
  }
}

function diffWaivers(before: readonly Waiver[], after: readonly Waiver[], today: string, out: Change[], flags: PlanFlag[]): void {
  // Waivers have no id: they match on rule and covered hosts; repeats pair up in order.
  const keyed = (ws: readonly Waiver[]) => {
    const seen = new Map<string, number>();
    return new Map<string, Waiver>(ws.map((w) => {
      const k = waiverKey(w);
      const n = seen.get(k) ?? 0;
      seen.set(k, n + 1);
      return [`${k}#${n}`, w] as const;
    }));
  };
  const bm = keyed(before);
  const am = keyed(after);
  for (const key of unionSorted(bm.keys(), am.keys())) {
    const x = bm.get(key);
    const y = am.get(key);
    if (x && !y) {
      out.push({ kind: 'waiver-removed', subject: waiverSubject(x), from: waiverValue(x) });
    } else if (!x && y) {
      out.push({ kind: 'waiver-added', subject: waiverSubject(y), to: waiverValue(y) });
      if (y.expires >= today) flags.push(widens(`waiver added: ${waiverSubject(y)} not enforced until ${y.expires} (owner ${y.owner})`));
    } else if (x && y) {
      const fields = (['owner', 'justification', 'expires', 'ticket'] as const).filter((f) => x[f] !== y[f]);
      if (fields.length === 0) continue;
      out.push({ kind: 'waiver-changed', subject: waiverSubject(y), from: waiverValue(x), to: waiverValue(y), note: `${fields.join(', ')} changed` });
      if (y.expires > x.expires && y.expires >= today) flags.push(widens(`waiver extended: ${waiverSubject(y)} from ${x.expires} to ${y.expires}`));
    }
  }
}

function waiverKey(w: Waiver): string {
  return `${w.rule}|${w.hosts ? [...w.hosts].sort(cmp).join(',') : '*'}`;
}

function waiverSubject(w: Waiver): string {
  return `${w.rule} on ${w.hosts ? [...w.hosts].sort(cmp).join(', ') : 'all hosts'}`;
}

function waiverValue(w: Waiver): PlanValue {
  const v: Record<string, PlanValue> = { rule: w.rule, owner: w.owner, expires: w.expires, justification: w.justification };
  if (w.hosts) v['hosts'] = [...w.hosts].sort(cmp);
  if (w.ticket !== undefined) v['ticket'] = w.ticket;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Hosts

function planHost(
  siteId: string, hostId: string, bs: Site | undefined, hs: Site | undefined, bh: Host | undefined, hh: Host | undefined,
  b: Side, h: Side, now: Date, siteFlags: { mode: boolean },
): HostPlan {
  const changes: Change[] = [];
  const flags: PlanFlag[] = [];
  if (!bh && hh) {
    flags.push(widens(`host added: the appliance will connect to ${hh.address ?? 'it'}${hh.credential ? ` with credential ${hh.credential}` : ''}`));
  }
  let hostModeFlag = false;
  if (bh && hh) {
    const simple = [['address', bh.address, hh.address], ['port', bh.port, hh.port], ['platform', bh.platform, hh.platform],
      ['transport', bh.transport, hh.transport], ['ring', bh.ring ?? 1, hh.ring ?? 1]] as const;
    for (const [kind, x, y] of simple) if (x !== y) changes.push(withEnds({ kind }, x, y));
    if (bh.host_key !== hh.host_key) {
      changes.push(withEnds({ kind: 'host-key', note: hh.host_key ? 're-pinned' : 'no longer pinned' }, fingerprint(bh.host_key), fingerprint(hh.host_key)));
      flags.push(widens(hh.host_key ? `host key re-pinned to ${fingerprint(hh.host_key)}` : 'host key no longer pinned'));
    }
    if (bh.tls_cert_sha256 !== hh.tls_cert_sha256) {
      changes.push(withEnds({ kind: 'tls-cert', note: hh.tls_cert_sha256 ? 're-pinned' : 'no longer pinned' }, bh.tls_cert_sha256, hh.tls_cert_sha256));
      flags.push(widens(hh.tls_cert_sha256 ? 'WinRM certificate re-pinned' : 'WinRM certificate no longer pinned'));
    }
    if (bh.credential !== hh.credential) {
      changes.push(withEnds({ kind: 'credential' }, bh.credential, hh.credential));
      flags.push(widens(`credential reference ${bh.credential ?? '(none)'} → ${hh.credential ?? '(none)'}`));
    }
    if (bh.mode !== hh.mode) {
      changes.push(withEnds({ kind: 'host-mode' }, bh.mode, hh.mode));
      if (bh.mode === 'enforce') {
        hostModeFlag = true;
        flags.push(widens(`host mode enforce → ${hh.mode ?? 'unset (site and rule modes apply)'}`));
      }
    }
    const bt = [...(bh.tags ?? [])].sort(cmp);
    const ht = [...(hh.tags ?? [])].sort(cmp);
    if (bt.join(',') !== ht.join(',')) changes.push({ kind: 'tags', from: bt, to: ht });
  }

  const empty: HostRuleSet = { rules: [], skipped: [] };
  const before = bh ? resolveHostRuleSet(b.repo, siteId, hostId, now, b.scripts) : empty;
  const after = hh ? resolveHostRuleSet(h.repo, siteId, hostId, now, h.scripts) : empty;
  const bm = new Map(before.rules.map((r) => [r.ruleId, r]));
  const am = new Map(after.rules.map((r) => [r.ruleId, r]));
  const bSkip = new Map(before.skipped.map((r) => [r.ruleId, r]));
  const aSkip = new Map(after.skipped.map((r) => [r.ruleId, r]));
  const ctx: EntryContext = { siteId, hostId, bs, hs, bh, hh, b, h, hostModeFlag, siteModeFlag: siteFlags.mode };
  const rules: RulePlan[] = [];
  for (const ruleId of unionSorted(bm.keys(), am.keys(), aSkip.keys())) {
    rules.push(planEntry(ruleId, bm.get(ruleId), am.get(ruleId), bSkip.get(ruleId), aSkip.get(ruleId), ctx));
  }

  const platform = (hh ?? bh)!.platform;
  const status: ItemStatus = !bh ? 'added' : !hh ? 'removed' : changes.length > 0 || rules.some(isAffected) ? 'changed' : 'unchanged';
  return { hostId, platform, status, changes: changes.map((c) => withEnds(c, c.from, c.to)), flags, rules };
}

/** OpenSSH-style fingerprint (SHA256:base64, no padding) of a pinned host key line. */
function fingerprint(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  const [type, blob] = key.split(' ');
  const hash = createHash('sha256').update(Buffer.from(blob ?? '', 'base64')).digest('base64').replace(/=+$/, '');
  return `${type} SHA256:${hash}`;
}

// ---------------------------------------------------------------------------------------------
// (host, rule) entries

interface EntryContext {
  siteId: string;
  hostId: string;
  bs: Site | undefined;
  hs: Site | undefined;
  bh: Host | undefined;
  hh: Host | undefined;
  b: Side;
  h: Side;
  /** The host's own mode went from enforce: entries that follow it are flagged once, on the host. */
  hostModeFlag: boolean;
  /** The site's mode went from enforce: entries that follow it are flagged once, on the site. */
  siteModeFlag: boolean;
}

function planEntry(ruleId: string, x: EffectiveRule | undefined, y: EffectiveRule | undefined, xSkip: SkippedRule | undefined, ySkip: SkippedRule | undefined, ctx: EntryContext): RulePlan {
  const e = diffEntry(ruleId, x, y, xSkip, ySkip, ctx);
  // Keys in the documented order (docs/plan-json.md): what happened first, the full states last.
  const out = { ruleId: e.ruleId, name: e.name, action: e.action } as RulePlan;
  if (e.skipped) out.skipped = e.skipped;
  Object.assign(out, { changes: e.changes.map((c) => withEnds(c, c.from, c.to)), flags: e.flags, controls: e.controls });
  if (e.before) out.before = e.before;
  if (e.after) out.after = e.after;
  return out;
}

function diffEntry(ruleId: string, x: EffectiveRule | undefined, y: EffectiveRule | undefined, xSkip: SkippedRule | undefined, ySkip: SkippedRule | undefined, ctx: EntryContext): RulePlan {
  const name = (ctx.h.rules.get(ruleId) ?? ctx.b.rules.get(ruleId))?.name ?? ruleId;
  const controls = [...new Set([...(x?.controls ?? []), ...(y?.controls ?? [])])].sort(cmp);
  const flags: PlanFlag[] = [];
  const changes: Change[] = [];
  const entry: RulePlan = { ruleId, name, action: 'unchanged', changes, controls, flags };
  if (x) entry.before = stateOf(x);
  if (y) entry.after = stateOf(y);

  if (ySkip) {
    entry.action = 'skipped';
    entry.skipped = { reason: ySkip.reason, message: ySkip.message };
    if (x) {
      changes.push({ kind: 'skipped', note: ySkip.message });
      flags.push(widens(`no longer runs: ${ySkip.message}`));
    } else if (!xSkip || xSkip.reason !== ySkip.reason) {
      changes.push({ kind: 'skipped', note: ySkip.message });
    }
    return entry;
  }
  if (!x && y) {
    entry.action = 'created';
    changes.push({ kind: 'enabled', to: y.mode, note: createdBecause(absentBecause(ctx.bs, ctx.bh, ctx.b, ruleId)) });
    pushDisruptive(flags, undefined, y, ctx);
    return entry;
  }
  if (x && !y) {
    entry.action = 'removed';
    const why = absentBecause(ctx.hs, ctx.hh, ctx.h, ruleId);
    changes.push({ kind: 'disabled', from: x.mode, note: removedBecause(why) });
    if (ctx.hh) flags.push(widens(`no longer runs on this host (${removedBecause(why)})`));
    return entry;
  }
  if (!x || !y) return entry;

  if (x.rule.check !== y.rule.check) changes.push({ kind: 'check-runbook', from: x.rule.check, to: y.rule.check });
  if (x.rule.action.type !== y.rule.action.type) changes.push({ kind: 'action-type', from: x.rule.action.type, to: y.rule.action.type });
  else if (x.fixRunbook?.id !== y.fixRunbook?.id) changes.push(withEnds({ kind: 'fix-runbook' }, x.fixRunbook?.id, y.fixRunbook?.id));
  if (x.mode !== y.mode) {
    changes.push({ kind: 'mode', from: x.mode, to: y.mode, note: `set by ${MODE_SOURCE_WORDS[y.modeSource]}` });
    if (x.mode === 'enforce') {
      // A site or host mode flip is flagged once where it was made, not on every rule that follows it.
      const followsHost = ctx.hostModeFlag && y.modeSource !== 'host-rule';
      const followsSite = ctx.siteModeFlag && (y.modeSource === 'site' || y.modeSource === 'rule' || y.modeSource === 'default');
      if (!followsHost && !followsSite) flags.push(widens(`enforce → audit (${MODE_SOURCE_WORDS[y.modeSource]})`));
    }
  }
  for (const name of unionSorted(Object.keys(x.params), Object.keys(y.params))) {
    const p = x.params[name];
    const q = y.params[name];
    if (stable(p) !== stable(q)) changes.push(withEnds({ kind: 'param', subject: name }, p, q));
  }
  for (const step of unionOrdered(DIGEST_KEYS, Object.keys(x.scriptDigests), Object.keys(y.scriptDigests))) {
    const p = x.scriptDigests[step];
    const q = y.scriptDigests[step];
    if (p !== q) {
      const runbook = step === 'check' ? y.checkRunbook.id : (y.fixRunbook ?? y.checkRunbook).id;
      changes.push(withEnds({ kind: 'script', subject: step, note: `runbook ${runbook}` }, p, q));
    }
  }
  const versions = new Map<string, [string | undefined, string | undefined]>();
  for (const [rx, ry] of [[x.checkRunbook, y.checkRunbook], [x.fixRunbook, y.fixRunbook]] as const) {
    if (rx && ry && rx.id === ry.id && rx.version !== ry.version) versions.set(ry.id, [rx.version, ry.version]);
  }
  for (const [id, [p, q]] of [...versions].sort((m, n) => cmp(m[0], n[0]))) changes.push(withEnds({ kind: 'runbook-version', subject: id }, p, q));
  if (x.disruptive !== y.disruptive) changes.push({ kind: 'disruptive', from: x.disruptive, to: y.disruptive });
  if (!x.waiver && y.waiver) changes.push({ kind: 'waiver-added', to: y.waiver.expires, note: `waived, owner ${y.waiver.owner}` });
  else if (x.waiver && !y.waiver) changes.push({ kind: 'waiver-removed', from: x.waiver.expires, note: 'enforced again' });
  else if (x.waiver && y.waiver && x.waiver.expires !== y.waiver.expires) changes.push({ kind: 'waiver-expiry', from: x.waiver.expires, to: y.waiver.expires });
  if (x.controls.join(' ') !== y.controls.join(' ')) changes.push({ kind: 'controls', from: x.controls, to: y.controls });
  for (const field of RULE_SETTINGS) {
    if (stable(x.rule[field] ?? null) !== stable(y.rule[field] ?? null)) changes.push(withEnds({ kind: 'rule-setting', subject: field }, x.rule[field], y.rule[field]));
  }
  if (stable(escalation(x.rule)) !== stable(escalation(y.rule)) && x.rule.action.type === y.rule.action.type) {
    changes.push(withEnds({ kind: 'rule-setting', subject: 'action' }, escalation(x.rule), escalation(y.rule)));
  }
  pushDisruptive(flags, x, y, ctx);
  if (changes.length > 0) entry.action = 'changed';
  return entry;
}

/** Rule keys that change how a rule behaves on a host beyond mode, params and scripts. */
const RULE_SETTINGS = ['when', 'priority', 'cooldown_seconds', 'max_retries', 'severity'] as const;

/** Order of script digest keys (EffectiveRule.scriptDigests). */
const DIGEST_KEYS = ['check', 'fix.check', 'remediate', 'verify', 'rollback'];

const MODE_SOURCE_WORDS: Record<ModeSource, string> = {
  'host-rule': "the host's rule entry",
  host: "the host's mode",
  'site-rule': "the site's rule entry",
  site: 'the site mode',
  rule: "the rule's mode",
  default: 'the default',
};

/** Escalation details that are not mode, params or runbooks (reason, urgency). */
function escalation(rule: Rule): PlanValue {
  return rule.action.type === 'escalate' ? { reason: rule.action.reason, urgency: rule.action.urgency ?? 'medium' } : null;
}

/** A disruptive runbook now heals in enforce mode where it did not before (only inside maintenance windows; without one it only plans). */
function pushDisruptive(flags: PlanFlag[], x: EffectiveRule | undefined, y: EffectiveRule, ctx: EntryContext): void {
  const runs = (r: EffectiveRule | undefined, site: Site | undefined) =>
    r !== undefined && r.mode === 'enforce' && r.disruptive && r.waiver === undefined && (site?.maintenance_windows ?? []).length > 0;
  if (runs(y, ctx.hs) && !runs(x, ctx.bs)) {
    const why = !x ? 'newly enabled' : !x.disruptive ? 'runbook became disruptive' : x.mode !== 'enforce' ? 'audit → enforce'
      : x.waiver ? 'waiver ended' : 'a maintenance window now exists';
    flags.push({ kind: 'disruptive', reason: `disruptive runbook ${y.fixRunbook!.id} now heals in enforce mode (${why})` });
  }
}

type Absence = 'site' | 'host' | 'rule' | 'runbook' | 'host-disabled' | 'site-disabled' | 'site-not-listed' | 'platform';

/** Why a rule does not run on a host on one side (the rule resolved nowhere there). */
function absentBecause(site: Site | undefined, host: Host | undefined, side: Side, ruleId: string): Absence {
  if (!site) return 'site';
  if (!host) return 'host';
  const rule = side.rules.get(ruleId);
  if (!rule) return 'rule';
  const hostEntry = host.rules?.find((r) => r.rule === ruleId);
  if (hostEntry?.enabled === false) return 'host-disabled';
  const siteEntry = site.rules.find((r) => r.rule === ruleId);
  if (!hostEntry && siteEntry?.enabled === false) return 'site-disabled';
  if (!hostEntry && !siteEntry) return 'site-not-listed';
  const fix = rule.action.type === 'remediate' ? (rule.action.runbook ?? rule.check) : rule.check;
  if (!side.runbooks.has(rule.check) || !side.runbooks.has(fix)) return 'runbook';
  return 'platform';
}

function createdBecause(a: Absence): string {
  return { site: 'site added', host: 'host added', rule: 'rule added', runbook: 'runbook now loads', 'host-disabled': 'enabled on the host', 'site-disabled': 'enabled at the site',
    'site-not-listed': 'enabled at the site', platform: 'platform now matches' }[a];
}

function removedBecause(a: Absence): string {
  return { site: 'site removed', host: 'host removed', rule: 'rule removed', runbook: 'runbook missing', 'host-disabled': 'disabled on the host', 'site-disabled': 'disabled at the site',
    'site-not-listed': 'no longer enabled at the site', platform: 'platform no longer matches' }[a];
}

function stateOf(r: EffectiveRule): EntryState {
  const s = { mode: r.mode, modeSource: r.modeSource, checkRunbook: r.checkRunbook.id } as EntryState;
  if (r.fixRunbook) s.fixRunbook = r.fixRunbook.id;
  Object.assign(s, { params: r.params, disruptive: r.disruptive });
  if (r.waiver) s.waivedUntil = r.waiver.expires;
  s.scriptDigests = r.scriptDigests;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Repository-wide rules and runbooks

function diffRules(b: Side, h: Side, usage: ReturnType<typeof hostUsage>): RepoItemChange[] {
  const out: RepoItemChange[] = [];
  for (const id of unionSorted(b.rules.keys(), h.rules.keys())) {
    const x = b.rules.get(id);
    const y = h.rules.get(id);
    const status = !x ? 'added' : !y ? 'removed' : 'changed';
    const changes = x && y ? fieldChanges(x as unknown as Record<string, unknown>, y as unknown as Record<string, unknown>, new Set()) : [];
    if (status === 'changed' && changes.length === 0) continue;
    out.push({ id, name: (y ?? x)!.name, status, changes, hostsUsing: usage.count(!y, 'rules', id) });
  }
  return out;
}

function diffRunbooks(b: Side, h: Side, usage: ReturnType<typeof hostUsage>): RepoItemChange[] {
  const out: RepoItemChange[] = [];
  for (const id of unionSorted(b.runbooks.keys(), h.runbooks.keys())) {
    const x = b.runbooks.get(id);
    const y = h.runbooks.get(id);
    const status = !x ? 'added' : !y ? 'removed' : 'changed';
    const changes: Change[] = [];
    if (x && y) {
      if (x.version !== y.version) changes.push(withEnds({ kind: 'runbook-version', subject: id }, x.version, y.version));
      if ((x.disruptive === true) !== (y.disruptive === true)) changes.push({ kind: 'disruptive', from: x.disruptive === true, to: y.disruptive === true });
      const bd = b.digests.get(id) ?? new Map<string, string>();
      const hd = h.digests.get(id) ?? new Map<string, string>();
      for (const step of unionOrdered(DIGEST_KEYS, bd.keys(), hd.keys())) {
        if (bd.get(step) !== hd.get(step)) changes.push(withEnds({ kind: 'script', subject: step }, bd.get(step), hd.get(step)));
      }
      const bp = (x.parameters ?? {}) as Record<string, unknown>;
      const hp = (y.parameters ?? {}) as Record<string, unknown>;
      for (const name of unionSorted(Object.keys(bp), Object.keys(hp))) {
        if (stable(bp[name]) !== stable(hp[name])) changes.push(withEnds({ kind: 'parameter', subject: name }, bp[name], hp[name]));
      }
      changes.push(...fieldChanges(x as unknown as Record<string, unknown>, y as unknown as Record<string, unknown>, new Set(['version', 'disruptive', 'scripts', 'parameters'])));
      // A script moved between inline and file with the same text is no change; other script settings (timeouts) are.
      const settings = (r: Runbook) => stable(Object.fromEntries(Object.entries(r.scripts).map(([k, v]) => [k, { timeout_seconds: v?.timeout_seconds ?? null }])));
      if (settings(x) !== settings(y)) changes.push({ kind: 'field', subject: 'scripts' });
    }
    if (status === 'changed' && changes.length === 0) continue;
    out.push({ id, name: (y ?? x)!.name, status, changes, hostsUsing: usage.count(!y, 'runbooks', id) });
  }
  return out;
}

/** Top-level keys whose values differ (sorted), as `field` changes with no values (the YAML diff shows them). */
function fieldChanges(x: Record<string, unknown>, y: Record<string, unknown>, skip: ReadonlySet<string>): Change[] {
  const out: Change[] = [];
  if (x === y) return out; // the same loaded value on both sides
  for (const key of unionSorted(Object.keys(x), Object.keys(y))) {
    if (skip.has(key) || stable(x[key]) === stable(y[key])) continue;
    out.push({ kind: 'field', subject: key });
  }
  return out;
}

/** Per side: how many hosts have an entry (before or after state) for each rule id and each check or fix runbook id. */
interface HostUsage {
  base: { rules: Map<string, number>; runbooks: Map<string, number> };
  head: { rules: Map<string, number>; runbooks: Map<string, number> };
}

/** Hosts using a rule or runbook on one side, summed over the sites' own counts (each counted once per SitePlan object). */
function hostUsage(sites: readonly SitePlan[]): { count(useBase: boolean, kind: 'rules' | 'runbooks', id: string): number } {
  const perSite = sites.map((site) => siteUsages.get(site, [], () => usageOfSite(site)));
  return {
    count(useBase, kind, id) {
      let n = 0;
      for (const u of perSite) n += (useBase ? u.base : u.head)[kind].get(id) ?? 0;
      return n;
    },
  };
}

const siteUsages = new ObjectMemo<SitePlan, HostUsage>();

function emptyUsage(): HostUsage {
  const side = () => ({ rules: new Map<string, number>(), runbooks: new Map<string, number>() });
  return { base: side(), head: side() };
}

function usageOfSite(site: SitePlan): HostUsage {
  const usage = emptyUsage();
  const bump = (m: Map<string, number>, ids: ReadonlySet<string>) => { for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1); };
  for (const host of site.hosts) {
    for (const useBase of [true, false]) {
      const rules = new Set<string>();
      const runbooks = new Set<string>();
      for (const r of host.rules) {
        const s = useBase ? r.before : r.after;
        if (s === undefined) continue;
        rules.add(r.ruleId);
        runbooks.add(s.checkRunbook);
        if (s.fixRunbook !== undefined) runbooks.add(s.fixRunbook);
      }
      const target = useBase ? usage.base : usage.head;
      bump(target.rules, rules);
      bump(target.runbooks, runbooks);
    }
  }
  return usage;
}

// ---------------------------------------------------------------------------------------------
// Summary

function summarize(sites: readonly SitePlan[], flags: readonly LocatedFlag[]): PlanSummary {
  const counts = (): Counts => ({ added: 0, removed: 0, changed: 0, unchanged: 0 });
  const summary: PlanSummary = {
    sites: counts(), hosts: counts(),
    entries: { created: 0, changed: 0, removed: 0, unchanged: 0, skipped: 0 },
    sitesAffected: 0, hostsAffected: 0, rulesAffected: 0, controlsTouched: [], controlsByFramework: {},
    disruptive: flags.filter((f) => f.kind === 'disruptive').length,
    widensAccess: flags.filter((f) => f.kind === 'widens-access').length,
  };
  const rules = new Set<string>();
  const controls = new Set<string>();
  for (const site of sites) {
    summary.sites[site.status]++;
    for (const host of site.hosts) {
      summary.hosts[host.status]++;
      for (const r of host.rules) {
        summary.entries[r.action]++;
        if (!isAffected(r)) continue;
        rules.add(r.ruleId);
        r.controls.forEach((c) => controls.add(c));
      }
    }
  }
  summary.sitesAffected = sites.length - summary.sites.unchanged;
  summary.hostsAffected = summary.hosts.added + summary.hosts.removed + summary.hosts.changed;
  summary.rulesAffected = rules.size;
  summary.controlsTouched = [...controls].sort(cmp);
  for (const c of summary.controlsTouched) {
    const fw = c.slice(0, c.indexOf(':'));
    summary.controlsByFramework[fw] = (summary.controlsByFramework[fw] ?? 0) + 1;
  }
  return summary;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function widens(reason: string): PlanFlag {
  return { kind: 'widens-access', reason };
}

/** The change with `from`/`to` set only where a side has a value (absent = not set), keys in documented order. */
function withEnds(change: Change, from: unknown, to: unknown): Change {
  const out: Change = { kind: change.kind };
  if (change.subject !== undefined) out.subject = change.subject;
  if (from !== undefined) out.from = asPlanValue(from);
  if (to !== undefined) out.to = asPlanValue(to);
  if (change.note !== undefined) out.note = change.note;
  return out;
}

function asPlanValue(v: unknown): PlanValue {
  return v === undefined ? null : (JSON.parse(JSON.stringify(v)) as PlanValue);
}

/** JSON with object keys sorted: equal values give equal text whatever their key order. */
function stable(v: unknown): string {
  if (v === undefined) return 'undefined';
  return JSON.stringify(v, (_k, val: unknown) => {
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      return Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => cmp(a, b)));
    }
    return val;
  });
}

function unionSorted(...lists: Iterable<string>[]): string[] {
  const s = new Set<string>();
  for (const l of lists) for (const x of l) s.add(x);
  return [...s].sort(cmp);
}

/** The keys of `order` that occur, in that order, then any others sorted. */
function unionOrdered(order: readonly string[], ...lists: Iterable<string>[]): string[] {
  const all = new Set(unionSorted(...lists));
  return [...order.filter((k) => all.has(k)), ...[...all].filter((k) => !order.includes(k))];
}

function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(t) ? date : new Date(t + days * 86_400_000).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
