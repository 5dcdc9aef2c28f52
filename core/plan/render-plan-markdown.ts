import { escapeControl } from '../report/escape-control.js';
import { isAffected, type HostPlan, type LocatedFlag, type Plan, type RepoItemChange, type SitePlan } from './plan-change.js';
import { describeChange, entryWords, flagPlace, headline, shortRev, type PlanFormatter, type RenderPlanOptions } from './render-plan-text.js';

/** GitHub refuses a check run summary longer than this many characters. */
export const MARKDOWN_SUMMARY_LIMIT = 65_535;

/** At most this many flags of each kind are listed at the top; the rest are counted. */
const MAX_LISTED_FLAGS = 25;
/** At most this many controls are named in the summary. */
const MAX_LISTED_CONTROLS = 40;
/** At most this many repository-wide rule and runbook changes are listed. */
const MAX_LISTED_REPO_ITEMS = 50;

export interface RenderPlanMarkdownOptions extends RenderPlanOptions {
  /** Character limit of the whole document (GitHub's check summary limit by default). */
  limit?: number;
}

const ENTITY: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '|': '&#124;', '`': '&#96;', '*': '&#42;', '_': '&#95;', '[': '&#91;', ']': '&#93;',
  '\\': '&#92;', '~': '&#126;', '#': '&#35;', '!': '&#33;', '@': '&#64;', '$': '&#36;',
};

/**
 * Makes text from YAML inert in GitHub markdown: no HTML (`<`, `>`, `&`), no table cell breaks
 * (`|`), no code spans, emphasis, links, images, headings, mentions or math, and no block syntax at
 * the start (list markers, quotes, ordered-list numbers, setext underlines). Line breaks become
 * spaces; control characters become visible escapes. Characters are replaced by HTML entities,
 * which GitHub shows as the characters themselves.
 *
 * @example
 * escapeMarkdown('<img src=x onerror=alert(1)>'); // '&lt;img src=x onerror=alert(1)&gt;'
 */
export function escapeMarkdown(text: string): string {
  const flat = escapeControl(text.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' '));
  return flat
    .replace(/[&<>|`*_[\]\\~#!@$]/g, (ch) => ENTITY[ch]!)
    .replace(/^(\s*)([-+=])/, (_m, sp: string, ch: string) => `${sp}&#${ch.charCodeAt(0)};`)
    .replace(/^(\s*\d{1,9})([.)])(?=\s|$)/, (_m, digits: string, ch: string) => `${digits}&#${ch.charCodeAt(0)};`);
}

/** Ids and digests as code spans when they hold only plain characters; anything else is escaped text. */
const MD: PlanFormatter = {
  text: escapeMarkdown,
  code: (s) => (/^[A-Za-z0-9][A-Za-z0-9._:()/+-]*$/.test(s) ? `\`${s}\`` : escapeMarkdown(s)),
};

/**
 * Renders a plan as GitHub-flavoured markdown for a check run summary: a headline ("3 clinics,
 * 41 hosts, 7 HIPAA controls change"), disruptive and access-widening changes first, a count table,
 * repository-wide rule and runbook changes, then one section per affected site with a table of its
 * affected hosts and the per-host details collapsed in `<details>`. No text from YAML reaches the
 * output unescaped (escapeMarkdown). The result never exceeds `limit` characters: past it, whole
 * sections (a site, a host row, a host's details) are left out and a last line says how many
 * sites and hosts are not shown.
 *
 * @example
 * renderPlanMarkdown(plan).split('\n')[0]; // '## writ plan: 3 clinics, 41 hosts, 7 HIPAA controls change'
 */
export function renderPlanMarkdown(plan: Plan, options: RenderPlanMarkdownOptions = {}): string {
  const limit = options.limit ?? MARKDOWN_SUMMARY_LIMIT;
  const f = MD;
  const sites = plan.sites.filter((s) => s.status !== 'unchanged');
  const affectedHosts = (s: SitePlan) => s.hosts.filter((h) => h.status !== 'unchanged');

  const preamble = renderPreamble(plan, options, f);
  const repo = renderRepository(plan, f);
  // Room for the "not shown" line, whatever the numbers in it.
  const reserve = footer(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).length + 2;

  let out = preamble.length <= limit ? preamble : preamble.slice(0, Math.max(0, limit - reserve));
  if (repo !== '' && out.length + repo.length + reserve <= limit) out += repo;

  let sitesLeft = 0;
  let hostsLeft = 0;
  for (let i = 0; i < sites.length; i++) {
    const site = sites[i]!;
    const section = renderSite(site, f);
    const isLast = i === sites.length - 1;
    if (out.length + section.full.length + (isLast ? 0 : reserve) <= limit) {
      out += section.full;
      continue;
    }
    // Partial site: its heading and table rows while they fit, then host details while they fit.
    const budget = limit - reserve;
    let shownRows = 0;
    if (out.length + section.head.length + (section.rows[0]?.length ?? 0) + section.tableEnd.length <= budget) {
      out += section.head;
      for (const row of section.rows) {
        if (out.length + row.length + section.tableEnd.length > budget) break;
        out += row;
        shownRows++;
      }
      out += section.tableEnd;
      if (out.length + section.detailsOpen.length + (section.details[0]?.length ?? 0) + section.detailsClose.length <= budget) {
        out += section.detailsOpen;
        for (const d of section.details.slice(0, shownRows)) {
          if (out.length + d.length + section.detailsClose.length > budget) break;
          out += d;
        }
        out += section.detailsClose;
      }
    }
    hostsLeft += affectedHosts(site).length - shownRows;
    sitesLeft += shownRows === 0 ? 1 : 0;
    for (const rest of sites.slice(i + 1)) {
      sitesLeft++;
      hostsLeft += affectedHosts(rest).length;
    }
    out += `\n${footer(sitesLeft, hostsLeft)}`;
    break;
  }
  return out.length <= limit ? out : out.slice(0, limit);
}

function footer(sites: number, hosts: number): string {
  return `… ${sites} more site${sites === 1 ? '' : 's'} and ${hosts} more host${hosts === 1 ? '' : 's'} not shown (see \`writ plan --format json\`)\n`;
}

function renderPreamble(plan: Plan, options: RenderPlanOptions, f: PlanFormatter): string {
  const s = plan.summary;
  const lines: string[] = [];
  lines.push(`## writ plan: ${f.text(headline(plan))}`, '');
  lines.push(`Base ${f.code(shortRev(plan.baseRev))} → head ${f.code(shortRev(plan.headRev))}, reference time ${f.text(plan.now)}.`, '');
  if ((options.headErrors ?? 0) > 0) {
    lines.push(`> **Head does not validate** (${options.headErrors} error${options.headErrors === 1 ? '' : 's'}): only what loads is planned. Run \`writ validate\` for the findings.`, '');
  }
  const flagList = (kind: LocatedFlag['kind'], title: string) => {
    const flags = plan.flags.filter((x) => x.kind === kind);
    if (flags.length === 0) return;
    lines.push(title, '');
    for (const flag of flags.slice(0, MAX_LISTED_FLAGS)) lines.push(`- ${flagPlace(flag, f)}: ${f.text(flag.reason)}`);
    if (flags.length > MAX_LISTED_FLAGS) lines.push(`- … and ${flags.length - MAX_LISTED_FLAGS} more (see \`writ plan --format json\`)`);
    lines.push('');
  };
  flagList('disruptive', `**⚠️ ${s.disruptive} disruptive change${s.disruptive === 1 ? '' : 's'}**: a disruptive runbook will heal in enforce mode (inside maintenance windows).`);
  flagList('widens-access', `**🔓 ${s.widensAccess} change${s.widensAccess === 1 ? ' widens' : 's widen'} access**: fewer rules enforced, or the appliance trusts or reaches more.`);

  lines.push('| | clinics | hosts | host rules |', '|---|---:|---:|---:|');
  lines.push(`| added / created | ${s.sites.added} | ${s.hosts.added} | ${s.entries.created} |`);
  lines.push(`| changed | ${s.sites.changed} | ${s.hosts.changed} | ${s.entries.changed} |`);
  lines.push(`| removed | ${s.sites.removed} | ${s.hosts.removed} | ${s.entries.removed} |`);
  lines.push(`| skipped | | | ${s.entries.skipped} |`);
  lines.push(`| unchanged | ${s.sites.unchanged} | ${s.hosts.unchanged} | ${s.entries.unchanged} |`, '');
  if (s.controlsTouched.length > 0) {
    const shown = s.controlsTouched.slice(0, MAX_LISTED_CONTROLS).map((c) => f.code(c)).join(', ');
    const more = s.controlsTouched.length > MAX_LISTED_CONTROLS ? ` and ${s.controlsTouched.length - MAX_LISTED_CONTROLS} more` : '';
    lines.push(`Controls touched: ${shown}${more}.`, '');
  }
  return `${lines.join('\n')}\n`;
}

function renderRepository(plan: Plan, f: PlanFormatter): string {
  const items: [string, RepoItemChange][] = [
    ...plan.repository.rules.map((r) => ['rule', r] as [string, RepoItemChange]),
    ...plan.repository.runbooks.map((r) => ['runbook', r] as [string, RepoItemChange]),
  ];
  if (items.length === 0) return '';
  const count = (kind: string) => items.filter(([k]) => k === kind).length;
  const lines = [`<details><summary>Repository: ${count('rule')} rule${count('rule') === 1 ? '' : 's'} and ${count('runbook')} runbook${count('runbook') === 1 ? '' : 's'} added, removed or changed</summary>`, ''];
  for (const [kind, item] of items.slice(0, MAX_LISTED_REPO_ITEMS)) {
    lines.push(`- ${kind} ${f.code(item.id)} ${f.text(item.name)}: **${item.status}**, used on ${item.hostsUsing} host${item.hostsUsing === 1 ? '' : 's'}`);
    for (const c of item.changes) lines.push(`  - ${describeChange(c, f)}`);
  }
  if (items.length > MAX_LISTED_REPO_ITEMS) lines.push(`- … and ${items.length - MAX_LISTED_REPO_ITEMS} more (see \`writ plan --format json\`)`);
  lines.push('', '</details>', '');
  return `${lines.join('\n')}\n`;
}

interface SiteSection {
  full: string;
  head: string;
  rows: string[];
  tableEnd: string;
  detailsOpen: string;
  details: string[];
  detailsClose: string;
}

function renderSite(site: SitePlan, f: PlanFormatter): SiteSection {
  const hosts = site.hosts.filter((h) => h.status !== 'unchanged');
  const quiet = site.hosts.length - hosts.length;
  const headLines = [`### ${f.code(site.siteId)} ${f.text(site.name)}: ${site.status}`, ''];
  for (const c of site.changes) headLines.push(`- ${describeChange(c, f)}`);
  for (const flag of site.flags) headLines.push(`- ${flag.kind === 'disruptive' ? '⚠️' : '🔓'} ${f.text(flag.reason)}`);
  if (site.changes.length > 0 || site.flags.length > 0) headLines.push('');
  if (hosts.length > 0) headLines.push('| host | platform | status | created | changed | removed | skipped | flags |', '|---|---|---|---:|---:|---:|---:|---|');
  const head = `${headLines.join('\n')}\n`;
  const rows = hosts.map((h) => `${hostRow(h, f)}\n`);
  const tableEnd = `${hosts.length > 0 ? '\n' : ''}${quiet > 0 ? `${quiet} host${quiet === 1 ? '' : 's'} unchanged.\n\n` : ''}`;
  const detailsOpen = hosts.length > 0 ? `<details><summary>Details of ${hosts.length} host${hosts.length === 1 ? '' : 's'}</summary>\n\n` : '';
  const details = hosts.map((h) => hostDetails(h, f));
  const detailsClose = hosts.length > 0 ? '</details>\n\n' : '';
  return { full: head + rows.join('') + tableEnd + detailsOpen + details.join('') + detailsClose, head, rows, tableEnd, detailsOpen, details, detailsClose };
}

function hostRow(h: HostPlan, f: PlanFormatter): string {
  const n = (a: string) => h.rules.filter((r) => r.action === a && isAffected(r)).length;
  const disruptive = h.rules.reduce((acc, r) => acc + r.flags.filter((x) => x.kind === 'disruptive').length, 0);
  const widening = h.flags.length + h.rules.reduce((acc, r) => acc + r.flags.filter((x) => x.kind === 'widens-access').length, 0);
  const flags = [disruptive > 0 ? `⚠️ ${disruptive} disruptive` : '', widening > 0 ? `🔓 ${widening} widen${widening === 1 ? 's' : ''} access` : ''].filter(Boolean).join(', ');
  return `| ${f.code(h.hostId)} | ${h.platform} | ${h.status} | ${n('created')} | ${n('changed')} | ${n('removed')} | ${n('skipped')} | ${flags} |`;
}

function hostDetails(h: HostPlan, f: PlanFormatter): string {
  const lines = [`**${f.code(h.hostId)}** (${h.platform}): ${h.status}`, ''];
  for (const c of h.changes) lines.push(`- ${describeChange(c, f)}`);
  for (const flag of h.flags) lines.push(`- 🔓 ${f.text(flag.reason)}`);
  for (const r of h.rules) {
    if (!isAffected(r)) continue;
    lines.push(`- ${f.code(r.ruleId)} ${f.text(r.name)}: ${entryWords(r, f)}`);
    if (r.action === 'changed') for (const c of r.changes) lines.push(`  - ${describeChange(c, f)}`);
    for (const flag of r.flags) lines.push(`  - ${flag.kind === 'disruptive' ? '⚠️' : '🔓'} ${f.text(flag.reason)}`);
  }
  return `${lines.join('\n')}\n\n`;
}
