import { type EscalationKey, keyString } from '../core/escalation/escalation-signal.js';
import { parseHealedMarker, parseIncidentMarker, parseIssueMarker } from '../core/escalation/issue-marker.js';
import type { KnownIssue } from '../core/escalation/plan-escalation-issues.js';
import { ESCALATION_LABEL } from '../core/escalation/render-escalation-issue.js';
import type { GitHubRequest } from './github-request.js';

const PER_PAGE = 100;

interface ApiIssue {
  number: number;
  state: string;
  body?: string | null;
  closed_at?: string | null;
  pull_request?: unknown;
  user?: { type?: string } | null;
}

interface ApiComment {
  body?: string | null;
  user?: { type?: string } | null;
}

/**
 * Every item of a paginated list route, page by page (`per_page` 100) until a short page or
 * `maxPages`; `complete` is false when the cap cut the list.
 *
 * @example
 * const { items } = await listPages(request, 'GET /repos/{owner}/{repo}/issues', { owner, repo, state: 'open' }, 20);
 */
export async function listPages<T>(request: GitHubRequest, route: string, params: Record<string, unknown>, maxPages: number): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const { data } = await request(route, { ...params, per_page: PER_PAGE, page });
    const list = data as T[];
    items.push(...list);
    if (list.length < PER_PAGE) return { items, complete: true };
  }
  return { items, complete: false };
}

/** An escalation issue with its body, as the plan and the writer need it. */
export interface LoadedIssue extends KnownIssue {
  body: string;
}

/**
 * The App's escalation issues of one site: issues labelled `writ-escalation`, opened by a bot (the
 * App), whose body starts with a writ-escalation marker for this site. Open ones always; closed ones
 * updated since `closedSince` (the oldest escalation in the push, less a margin), when given. For
 * open issues of `keysWithSignals`, the App's comments are read too (further incidents, heal comments).
 *
 * @example
 * const { issues, complete } = await loadEscalationIssues(request, owner, repo, 'clinic-a', { keysWithSignals, closedSince });
 */
export async function loadEscalationIssues(
  request: GitHubRequest, owner: string, repo: string, site: string,
  options: { keysWithSignals: ReadonlySet<string>; closedSince?: string; maxPages: number },
): Promise<{ issues: LoadedIssue[]; complete: boolean }> {
  const list = (state: 'open' | 'closed', since?: string) =>
    listPages<ApiIssue>(request, 'GET /repos/{owner}/{repo}/issues', { owner, repo, labels: ESCALATION_LABEL, state, sort: 'created', direction: 'asc', ...(since ? { since } : {}) }, options.maxPages);
  const open = await list('open');
  const closed = options.closedSince ? await list('closed', options.closedSince) : { items: [], complete: true };
  const issues: LoadedIssue[] = [];
  for (const i of [...open.items, ...closed.items]) {
    // Only the App's own issues: a person could paste a marker, but an issue they open is not a bot's.
    if (i.pull_request || i.user?.type !== 'Bot' || typeof i.body !== 'string') continue;
    const marker = parseIssueMarker(i.body);
    if (!marker || marker.key.site !== site) continue;
    const isOpen = i.state === 'open';
    const healed = parseHealedMarker(i.body, { anywhere: true });
    const issue: LoadedIssue = {
      number: i.number, open: isOpen, marker, body: i.body, commentIncidents: [], commentEscalations: [], healComments: [],
      ...(healed ? { healed } : {}),
      ...(!isOpen && i.closed_at ? { closedAt: i.closed_at } : {}),
    };
    if (isOpen && options.keysWithSignals.has(keyString(marker.key))) {
      const comments = await listPages<ApiComment>(request, 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: i.number }, options.maxPages);
      for (const c of comments.items) {
        if (c.user?.type !== 'Bot' || typeof c.body !== 'string') continue;
        const inc = parseIncidentMarker(c.body);
        if (inc) {
          issue.commentIncidents.push(inc.incident);
          issue.commentEscalations.push(inc.at);
        }
        const heal = parseHealedMarker(c.body);
        if (heal) issue.healComments.push(heal);
      }
    }
    issues.push(issue);
  }
  return { issues, complete: open.complete && closed.complete };
}

/** The key of an issue, for logs. */
export const keyFields = (key: EscalationKey) => ({ site: key.site, host: key.host, rule: key.rule });
