import { escapeControl } from '../report/escape-control.js';
import { isAffected, type Change, type Counts, type LocatedFlag, type Plan, type PlanValue, type RulePlan } from './plan-change.js';

export interface RenderPlanOptions {
  /** Emit ANSI colour (text only). The CLI decides; the renderer never looks. */
  color?: boolean;
  /** Errors found while loading head; when above 0 the output says head does not validate. */
  headErrors?: number;
  /** The writ release, for the JSON `tool` block. */
  toolVersion?: string;
}

/**
 * How user-controlled text and id-like text reach an output format. Plain text escapes control
 * characters; markdown also neutralises markup.
 */
export interface PlanFormatter {
  /** Text from YAML that may hold anything (names, owners, parameter values). */
  text(s: string): string;
  /** Ids, parameter names, control references, digests: shown as code where the format can. */
  code(s: string): string;
}

const SGR = { reset: '\u001b[0m', bold: '\u001b[1m', dim: '\u001b[2m', red: '\u001b[31m', yellow: '\u001b[33m', green: '\u001b[32m' } as const;

const PLAIN: PlanFormatter = { text: (s) => escapeControl(s), code: (s) => escapeControl(s) };

/**
 * Renders a plan for a person at a terminal: headline, flags, then each affected site with its
 * changed hosts and rules, then rule and runbook changes repository-wide. Unchanged sites, hosts
 * and rules are counted, not listed. Text from YAML has its control characters escaped.
 *
 * @example
 * renderPlanText(plan, { color: false });
 * // writ plan 1a2b3c4 → 5d6e7f8 at 2026-11-28T09:00:00.000Z
 * // 1 clinic, 2 hosts, 1 HIPAA control change
 */
export function renderPlanText(plan: Plan, options: RenderPlanOptions = {}): string {
  const paint = (style: string, s: string) => (options.color ? `${style}${s}${SGR.reset}` : s);
  const f = PLAIN;
  const out: string[] = [];
  out.push(paint(SGR.bold, `writ plan ${shortRev(plan.baseRev)} → ${shortRev(plan.headRev)} at ${plan.now}`));
  out.push(`${headline(plan)}${flagCounts(plan)}`);
  if ((options.headErrors ?? 0) > 0) {
    out.push(paint(SGR.red, `head does not validate: ${options.headErrors} error${plural(options.headErrors!)}; only what loads is planned (run writ validate)`));
  }
  for (const [kind, title] of [['disruptive', 'Disruptive'], ['widens-access', 'Widens access']] as const) {
    const flags = plan.flags.filter((x) => x.kind === kind);
    if (flags.length === 0) continue;
    out.push('', paint(kind === 'disruptive' ? SGR.red : SGR.yellow, `${title}:`));
    for (const flag of flags) out.push(`  ! ${flagPlace(flag, f)}: ${f.text(flag.reason)}`);
  }

  for (const site of plan.sites) {
    if (site.status === 'unchanged') continue;
    out.push('', paint(SGR.bold, `site ${f.code(site.siteId)} (${f.text(site.name)}): ${site.status}`));
    for (const c of site.changes) out.push(`  ${marker(c)} ${describeChange(c, f)}`);
    for (const host of site.hosts) {
      if (host.status === 'unchanged') continue;
      out.push(`  host ${f.code(host.hostId)} (${host.platform}): ${host.status}`);
      for (const c of host.changes) out.push(`    ${marker(c)} ${describeChange(c, f)}`);
      for (const r of host.rules) {
        if (!isAffected(r)) continue;
        out.push(`    ${ACTION_MARK[r.action]} ${f.code(r.ruleId)} ${f.text(r.name)}: ${entryWords(r, f)}`);
        for (const c of r.changes) if (!(r.action !== 'changed' && (c.kind === 'enabled' || c.kind === 'disabled' || c.kind === 'skipped'))) out.push(`        ${describeChange(c, f)}`);
        for (const flag of r.flags) out.push(paint(flag.kind === 'disruptive' ? SGR.red : SGR.yellow, `        ! ${f.text(flag.reason)}`));
      }
      const quiet = host.rules.filter((r) => !isAffected(r)).length;
      if (quiet > 0 && host.status !== 'removed') out.push(paint(SGR.dim, `    (${quiet} rule${plural(quiet)} unchanged)`));
    }
    const quietHosts = site.hosts.filter((h) => h.status === 'unchanged').length;
    if (quietHosts > 0) out.push(paint(SGR.dim, `  (${quietHosts} host${plural(quietHosts)} unchanged)`));
  }

  const repo = [...plan.repository.rules.map((r) => ['rule', r] as const), ...plan.repository.runbooks.map((r) => ['runbook', r] as const)];
  if (repo.length > 0) {
    out.push('', paint(SGR.bold, 'repository:'));
    for (const [kind, item] of repo) {
      out.push(`  ${kind} ${f.code(item.id)} (${f.text(item.name)}): ${item.status}, used on ${item.hostsUsing} host${plural(item.hostsUsing)}`);
      for (const c of item.changes) out.push(`    ${describeChange(c, f)}`);
    }
  }

  const s = plan.summary;
  out.push('', `clinics: ${countWords(s.sites)}; hosts: ${countWords(s.hosts)}; host rules: ${s.entries.created} created, ${s.entries.changed} changed, ${s.entries.removed} removed, ${s.entries.skipped} skipped, ${s.entries.unchanged} unchanged`);
  if (s.controlsTouched.length > 0) out.push(`controls touched: ${s.controlsTouched.map((c) => f.code(c)).join(', ')}`);
  return `${out.join('\n')}\n`;
}

/**
 * The one-sentence summary: "3 clinics, 41 hosts, 7 HIPAA controls change". Framework ids are
 * upper-cased (hipaa → HIPAA); with no framework control touched it says "0 controls".
 *
 * @example
 * headline(plan); // '1 clinic, 2 hosts, 1 HIPAA control change'
 */
export function headline(plan: Plan): string {
  const s = plan.summary;
  if (s.sitesAffected === 0 && s.hostsAffected === 0) {
    const repo = plan.repository.rules.length + plan.repository.runbooks.length;
    return repo === 0 ? 'No clinic, host or control changes' : `No clinic or host changes; ${repo} rule${repo === 1 ? ' or runbook changes' : 's and runbooks change'} in the repository`;
  }
  const parts = [`${s.sitesAffected} clinic${plural(s.sitesAffected)}`, `${s.hostsAffected} host${plural(s.hostsAffected)}`];
  const frameworks = Object.keys(s.controlsByFramework).sort();
  if (frameworks.length === 0) parts.push('0 controls');
  for (const fw of frameworks) {
    const n = s.controlsByFramework[fw]!;
    parts.push(`${n} ${fw.toUpperCase()} control${plural(n)}`);
  }
  return `${parts.join(', ')} change`;
}

/** Words for one change, with user text passed through the formatter. */
export function describeChange(c: Change, f: PlanFormatter): string {
  const v = (x: PlanValue | undefined) => (x === undefined ? '(unset)' : typeof x === 'string' ? f.text(x) : f.text(JSON.stringify(x)));
  const pv = (x: PlanValue | undefined) => (x === undefined ? '(unset)' : f.text(JSON.stringify(x)));
  const arrow = (label: string) => `${label}: ${v(c.from)} → ${v(c.to)}`;
  const subject = c.subject === undefined ? '' : c.subject;
  const note = c.note === undefined ? '' : ` (${f.text(c.note)})`;
  const waiver = (x: PlanValue | undefined) => {
    const w = (x ?? {}) as Record<string, PlanValue>;
    return `until ${f.text(String(w['expires'] ?? '?'))}, owner ${f.text(String(w['owner'] ?? '?'))}`;
  };
  const digest = (x: PlanValue | undefined) => (typeof x === 'string' ? f.code(x.slice(0, 12)) : '(none)');
  switch (c.kind) {
    case 'site-name': return arrow('name');
    case 'site-mode': return arrow('site mode');
    case 'timezone': return arrow('time zone');
    case 'window-added': return `maintenance window ${f.code(subject)} added: ${v(c.to)}`;
    case 'window-removed': return `maintenance window ${f.code(subject)} removed (was ${v(c.from)})`;
    case 'window-changed': return `maintenance window ${f.code(subject)}: ${v(c.from)} → ${v(c.to)}`;
    case 'appliance-added': return `appliance ${f.code(subject)} added`;
    case 'appliance-removed': return `appliance ${f.code(subject)} removed`;
    case 'appliance-key-changed': return `appliance ${f.code(subject)} changed: ${digest(c.from)}… → ${digest(c.to)}…`;
    case 'appliance-retired': return `appliance ${f.code(subject)} retired`;
    case 'appliance-reinstated': return `appliance ${f.code(subject)} reinstated`;
    case 'waiver-added': return `waiver added: ${f.text(subject)} ${waiver(c.to)}`;
    case 'waiver-removed': return `waiver removed: ${f.text(subject)} (was ${waiver(c.from)})`;
    case 'waiver-changed': return `waiver changed: ${f.text(subject)} ${waiver(c.from)} → ${waiver(c.to)}${note}`;
    case 'waiver-expiring': return `waiver ${f.text(subject)} expires ${v(c.to)}${note}`;
    case 'address': return arrow('address');
    case 'port': return arrow('port');
    case 'platform': return arrow('platform');
    case 'transport': return arrow('transport');
    case 'host-key': return `host key${note}: ${v(c.from)} → ${v(c.to)}`;
    case 'tls-cert': return `WinRM certificate${note}: ${digest(c.from)} → ${digest(c.to)}`;
    case 'credential': return arrow('credential');
    case 'ring': return arrow('ring');
    case 'host-mode': return arrow('host mode');
    case 'tags': return `tags: ${pv(c.from)} → ${pv(c.to)}`;
    case 'enabled': return `runs in ${v(c.to)} mode${note}`;
    case 'disabled': return `no longer runs${note}`;
    case 'mode': return `mode: ${v(c.from)} → ${v(c.to)}${note}`;
    case 'param': return `param ${f.code(subject)}: ${pv(c.from)} → ${pv(c.to)}`;
    case 'script': return `${f.code(subject)} script changed: sha256 ${digest(c.from)} → ${digest(c.to)}${note}`;
    case 'runbook-version': return `runbook ${f.code(subject)} version: ${v(c.from)} → ${v(c.to)}`;
    case 'check-runbook': return `check runbook: ${v(c.from)} → ${v(c.to)}`;
    case 'fix-runbook': return `remediation runbook: ${v(c.from)} → ${v(c.to)}`;
    case 'action-type': return `action: ${v(c.from)} → ${v(c.to)}`;
    case 'disruptive': return c.to === true ? 'runbook is now disruptive' : 'runbook is no longer disruptive';
    case 'waiver-added': return `waived until ${v(c.to)}${note}`;
    case 'waiver-removed': return `waiver ended${note}`;
    case 'waiver-expiry': return `waiver expiry: ${v(c.from)} → ${v(c.to)}`;
    case 'controls': return `controls: ${list(c.from, f)} → ${list(c.to, f)}`;
    case 'rule-setting': return `rule ${f.code(subject)}: ${pv(c.from)} → ${pv(c.to)}`;
    case 'skipped': return `skipped${note}`;
    case 'field': return `${f.code(subject)} changed`;
    case 'parameter': return c.from === undefined ? `parameter ${f.code(subject)} declared` : c.to === undefined ? `parameter ${f.code(subject)} removed` : `parameter ${f.code(subject)} declaration changed`;
  }
}

/** First 7 characters of a commit id; other revisions (WORKTREE) as they are. */
export function shortRev(rev: string): string {
  return /^[0-9a-f]{40}$/.test(rev) ? rev.slice(0, 7) : rev;
}

/** "site / host / rule" for a flag. */
export function flagPlace(flag: LocatedFlag, f: PlanFormatter): string {
  return [flag.site, flag.host, flag.rule].filter((x): x is string => x !== undefined).map((x) => f.code(x)).join(' / ');
}

/** Short words for a host entry: its action, mode and waiver. */
export function entryWords(r: RulePlan, f: PlanFormatter): string {
  if (r.action === 'skipped') return `skipped (${f.text(r.skipped?.message ?? '')})`;
  if (r.action === 'removed') {
    const why = r.changes.find((c) => c.kind === 'disabled')?.note;
    return `removed${why ? ` (${f.text(why)})` : ''}`;
  }
  const state = r.after!;
  const why = r.action === 'created' ? r.changes.find((c) => c.kind === 'enabled')?.note : undefined;
  return `${r.action} (${state.mode}${state.waivedUntil ? `, waived until ${f.text(state.waivedUntil)}` : ''}${why ? `, ${f.text(why)}` : ''})`;
}

function flagCounts(plan: Plan): string {
  const parts: string[] = [];
  if (plan.summary.disruptive > 0) parts.push(`${plan.summary.disruptive} disruptive`);
  if (plan.summary.widensAccess > 0) parts.push(`${plan.summary.widensAccess} widen${plan.summary.widensAccess === 1 ? 's' : ''} access`);
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}

const ACTION_MARK: Record<RulePlan['action'], string> = { created: '+', changed: '~', removed: '-', unchanged: '=', skipped: '?' };

function marker(c: Change): string {
  return c.kind.endsWith('-added') ? '+' : c.kind.endsWith('-removed') ? '-' : c.kind === 'waiver-expiring' ? '!' : '~';
}

function list(x: PlanValue | undefined, f: PlanFormatter): string {
  return Array.isArray(x) && x.length > 0 ? x.map((c) => f.code(String(c))).join(', ') : '(none)';
}

function countWords(c: Counts): string {
  return `${c.added} added, ${c.changed} changed, ${c.removed} removed, ${c.unchanged} unchanged`;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
