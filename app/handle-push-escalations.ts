import type { Probot } from 'probot';
import { type EscalationSignal, keyString, type Signal } from '../core/escalation/escalation-signal.js';
import { type IssueRef, planEscalationIssues, sortSignals } from '../core/escalation/plan-escalation-issues.js';
import { bodyWithHeal, escalationIssue, healComment, incidentComment } from '../core/escalation/render-escalation-issue.js';
import { signalsFromEvidence } from '../core/escalation/signals-from-evidence.js';
import { trustedKeyMap } from '../core/evidence/dsse.js';
import { keyFields, loadEscalationIssues } from './escalation-issues.js';
import type { GitHubRequest } from './github-request.js';
import { DEFAULT_EVIDENCE_READ_LIMITS, type EvidenceReadLimits, readEvidencePush, readSiteKeys } from './read-evidence-push.js';

/** Branches appliances push evidence to. */
export const EVIDENCE_REF_PREFIX = 'refs/heads/writ/evidence/';
/** A site id (site.schema.json). */
const SITE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Issue writes (open, comment, close) per push at most. */
const MAX_ACTIONS = 100;
/** Pages of 100 issues or comments read per list at most. */
const MAX_PAGES = 50;
/** Closed issues updated since the oldest escalation in the push, less this, are read for replays. */
const CLOSED_MARGIN_MS = 7 * 24 * 3600_000;
/** Skipped lines logged one by one; the rest are counted. */
const MAX_LINE_LOGS = 50;

type Log = Probot['log'];

export interface EvidencePush {
  owner: string;
  repo: string;
  ref: string;
  before: string;
  after: string;
  deleted: boolean;
  /** A force push: the files at `before` need not be prefixes of those at `after`, so files are read whole. */
  forced?: boolean;
  delivery?: string;
}

/**
 * Turns escalation records on an evidence branch into GitHub issues: on a push to
 * `refs/heads/writ/evidence/<site>`, reads the new evidence lines at `after`, verifies each against
 * the site's appliance keys from the default branch (signature before parse), and plans against the
 * App's existing escalation issues: a new (site, host, rule) escalation opens an issue labelled
 * `writ-escalation`, `site:<id>`, `severity:<urgency>`; another incident of an open one adds one
 * comment; a later passing check or healed remediation closes it with a comment naming the record.
 * All state is read back from GitHub (issue markers), so replays and re-pushes change nothing.
 * Pushes of one site are handled one at a time. Unverified or malformed lines are logged with a
 * reason code and never act.
 *
 * @example
 * await escalateFromPush(context.octokit.request, app.log, { owner, repo, ref, before, after, deleted: false });
 */
export async function escalateFromPush(request: GitHubRequest, log: Log, push: EvidencePush, limits: EvidenceReadLimits = DEFAULT_EVIDENCE_READ_LIMITS): Promise<void> {
  const base = { event: 'push', repo: `${push.owner}/${push.repo}`, delivery: push.delivery };
  if (!push.ref.startsWith(EVIDENCE_REF_PREFIX)) return;
  const site = push.ref.slice(EVIDENCE_REF_PREFIX.length);
  if (!SITE_ID.test(site) || site.length > 63) {
    log.warn({ ...base, reason_code: 'WH_EVIDENCE_REF_INVALID', ref: push.ref.slice(0, 200) }, 'evidence branch name does not hold a site id');
    return;
  }
  if (push.deleted || /^0{40}$/.test(push.after)) {
    log.info({ ...base, reason_code: 'WH_EVENT_IGNORED', site }, 'evidence branch deleted');
    return;
  }
  const keys = await readSiteKeys(request, push.owner, push.repo, site);
  if (!keys.ok) {
    log.warn({ ...base, reason_code: 'WH_EVIDENCE_KEYS_MISSING', site, message: keys.message }, 'no appliance keys for this site on the default branch; evidence not read');
    return;
  }
  const read = await readEvidencePush(request, push.owner, push.repo, site, push.forced ? '0'.repeat(40) : push.before, push.after, limits);
  for (const s of read.skipped) log.warn({ ...base, reason_code: s.code, site, file: s.file, message: s.message }, 'evidence file not read');
  const { signals, skipped, verified } = signalsFromEvidence(read.chunks, site, trustedKeyMap(keys.keys));
  for (const s of skipped.slice(0, MAX_LINE_LOGS)) {
    log.warn({ ...base, reason_code: s.code, evidence_code: s.evidence_code, site, file: s.file, line: s.line, message: s.message }, 'evidence line ignored');
  }
  for (const code of ['WH_EVIDENCE_UNVERIFIED', 'WH_EVIDENCE_MALFORMED'] as const) {
    const more = skipped.slice(MAX_LINE_LOGS).filter((s) => s.code === code).length;
    if (more > 0) log.warn({ ...base, reason_code: code, site, lines: more }, 'more evidence lines ignored');
  }
  log.info({ ...base, site, files: read.chunks.length, verified, ignored: skipped.length, signals: signals.length }, 'evidence read');
  if (signals.length === 0) return;

  const escalations = signals.filter((s): s is EscalationSignal => s.kind === 'escalation');
  const oldest = escalations.reduce((m, s) => Math.min(m, Date.parse(s.source.time)), Number.POSITIVE_INFINITY);
  const { issues, complete } = await loadEscalationIssues(request, push.owner, push.repo, site, {
    keysWithSignals: new Set(signals.map((s) => keyString(s.key))),
    ...(escalations.length > 0 ? { closedSince: new Date(Math.max(0, oldest - CLOSED_MARGIN_MS)).toISOString() } : {}),
    maxPages: MAX_PAGES,
  });
  if (!complete) log.warn({ ...base, reason_code: 'WH_ESCALATION_CAPPED', site, issues: issues.length }, 'issue list cut at the page cap; duplicates are possible');
  // Heals matter only for keys with an open issue or an escalation in this push.
  const relevant = new Set([...issues.filter((i) => i.open).map((i) => keyString(i.marker.key)), ...escalations.map((s) => keyString(s.key))]);
  const plan = planEscalationIssues(sortSignals(signals.filter((s) => s.kind === 'escalation' || relevant.has(keyString(s.key)))), issues, { maxActions: MAX_ACTIONS });

  const where = (s: Signal) => ({ ...keyFields(s.key), appliance: s.source.appliance, index: s.source.index, time: s.source.time });
  for (const s of plan.skipped) {
    const fields = { ...base, reason_code: s.code, ...where(s.signal), issue: s.issue };
    if (s.code === 'WH_ESCALATION_KNOWN') log.debug(fields, 'escalation already reported');
    else if (s.code === 'WH_ESCALATION_STALE') log.info(fields, 'escalation older than the heal that closed its issue');
    else if (s.code === 'WH_HEAL_OLDER') log.info(fields, 'heal record not later than the open issue\'s escalation; issue left open');
    else log.warn(fields, 'issue write cap reached; redeliver this push to continue');
  }

  const numbers = new Map<IssueRef, number>();
  const bodies = new Map<number, string>(issues.map((i) => [i.number, i.body]));
  const numberOf = (ref: IssueRef) => (typeof ref === 'number' ? ref : numbers.get(ref)!);
  const { owner, repo } = push;
  for (const a of plan.actions) {
    if (a.type === 'open') {
      const draft = escalationIssue(a.signal, push.after);
      const { data } = await request('POST /repos/{owner}/{repo}/issues', { owner, repo, title: draft.title, body: draft.body, labels: draft.labels });
      const number = (data as { number: number }).number;
      numbers.set(a.ref, number);
      bodies.set(number, draft.body);
      log.info({ ...base, ...where(a.signal), severity: a.signal.severity, issue: number }, 'escalation issue opened');
    } else if (a.type === 'comment') {
      const issue = numberOf(a.issue);
      await request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: issue, body: incidentComment(a.signal, push.after) });
      log.info({ ...base, ...where(a.signal), issue }, 'escalation issue commented: another incident');
    } else {
      const issue = numberOf(a.issue);
      if (a.comment) await request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: issue, body: healComment(a.signal, push.after) });
      await request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', { owner, repo, issue_number: issue, state: 'closed', state_reason: 'completed', body: bodyWithHeal(bodies.get(issue) ?? '', a.signal) });
      log.info({ ...base, ...where(a.signal), how: a.signal.how, issue }, 'escalation issue closed: healed');
    }
  }
}

/**
 * Registers the push handler for evidence branches on a Probot app. Pushes of one repository's
 * site are handled one after another, so two quick pushes cannot both open an issue.
 *
 * @example
 * handlePushEscalations(app);
 */
export function handlePushEscalations(app: Probot): void {
  const queues = new Map<string, Promise<void>>();
  app.on('push', async (context) => {
    const p = context.payload;
    if (!p.ref.startsWith(EVIDENCE_REF_PREFIX)) return;
    const { owner, repo } = context.repo();
    const push: EvidencePush = { owner, repo, ref: p.ref, before: p.before, after: p.after, deleted: p.deleted, forced: p.forced, delivery: context.id };
    const queue = `${owner}/${repo}\u0000${p.ref}`;
    const run = (queues.get(queue) ?? Promise.resolve()).catch(() => undefined).then(() => escalateFromPush(context.octokit.request as unknown as GitHubRequest, app.log, push));
    queues.set(queue, run);
    try {
      await run;
    } catch (e) {
      app.log.error({ event: 'push', reason_code: 'WH_ESCALATION_FAILED', repo: `${owner}/${repo}`, ref: p.ref.slice(0, 200), delivery: context.id, err: e }, 'escalation issues not updated');
      throw e;
    } finally {
      if (queues.get(queue) === run) queues.delete(queue);
    }
  });
}
