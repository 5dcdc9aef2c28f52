import { execFileSync } from 'node:child_process';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runGit } from './git-http-server.js';

export interface GitHubCall {
  method: string;
  /** Path with query string, e.g. `/repos/acme/policy/git/trees/abc?recursive=1`. */
  path: string;
  body: unknown;
  authorization: string;
}

export interface StandInCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion?: string;
  output?: { title?: string; summary?: string };
  /** Every annotation sent, in order, across all requests. */
  annotations: Record<string, unknown>[];
}

export interface StandInComment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
}

export interface StandInIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  state_reason?: string | null;
  user: { login: string; type: 'Bot' | 'User' };
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  comments: StandInComment[];
}

export interface GitHubStandInOptions {
  /** Branch the contents API reads when no ref is given (GitHub: the repository's default branch); default `main`. */
  defaultBranch?: string;
  /** A local git work dir whose commits are the repository's commits. */
  gitDir: string;
  owner: string;
  repo: string;
  appId: number;
  /** The App's public key; installation tokens are minted only for a valid RS256 JWT from it. */
  appPublicKeyPem: string;
  /** Pull requests: number → base and head commits (their files come from `git diff`). */
  pulls: Map<number, { base: string; head: string }>;
}

export interface GitHubStandIn {
  /** The API root to give Probot (GHE_HOST is its host:port, GHE_PROTOCOL http). */
  host: string;
  calls: GitHubCall[];
  checkRuns: StandInCheckRun[];
  /** Issues (escalations), created through the API or seeded by a test; comments included. */
  issues: StandInIssue[];
  stop(): Promise<void>;
  /** Commit statuses created (`POST /repos/{o}/{r}/statuses/{sha}`), in order. */
  statuses: StandInStatus[];
}

export interface StandInStatus { id: number; sha: string; state: string; context: string; description: string | null }

const TOKEN = 'ghs_standInInstallationToken0000000000';

/**
 * A GitHub REST API stand-in on 127.0.0.1 for the App's tests. Serves the routes the App uses from
 * a local git repository (`git/trees` recursive, `git/blobs`, `pulls/{n}/files`), mints
 * installation tokens for a valid App JWT, keeps check runs and commit statuses, answers
 * `git/ref/heads/{branch}` from the local repository's branches, and records every call. Unknown routes
 * answer 404 and are recorded too, so a test sees unexpected calls. Under `/api/v3` like GHES.
 *
 * @example
 * const gh = await startGitHubStandIn({ gitDir, owner: 'acme', repo: 'policy', appId: 1, appPublicKeyPem, pulls });
 */
export async function startGitHubStandIn(options: GitHubStandInOptions): Promise<GitHubStandIn> {
  const calls: GitHubCall[] = [];
  const checkRuns: StandInCheckRun[] = [];
  const statuses: StandInStatus[] = [];
  const issues: StandInIssue[] = [];
  const publicKey = createPublicKey(options.appPublicKeyPem);
  const repoPrefix = `/api/v3/repos/${options.owner}/${options.repo}`;

  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      let body: unknown = undefined;
      if (raw.length > 0) body = JSON.parse(raw.toString('utf8'));
      const authorization = String(req.headers['authorization'] ?? '');
      calls.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`.replace(/^\/api\/v3/, ''), body, authorization });
      const send = (status: number, data: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
      const p = url.pathname;
      let m: RegExpExecArray | null;

      if (req.method === 'POST' && (m = /^\/api\/v3\/app\/installations\/(\d+)\/access_tokens$/.exec(p))) {
        if (!validJwt(authorization, publicKey, options.appId)) return send(401, { message: 'A JSON web token could not be decoded' });
        return send(201, { token: TOKEN, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: { checks: 'write', contents: 'read', pull_requests: 'read' }, repository_selection: 'selected' });
      }
      if (!p.startsWith(`${repoPrefix}/`)) return send(404, { message: 'Not Found' });
      if (!/^(token|bearer) /i.test(authorization) || authorization.split(" ")[1] !== TOKEN) return send(401, { message: 'Bad credentials' });
      const rest = p.slice(repoPrefix.length);
      if (req.method === 'GET' && (m = /^\/git\/trees\/([0-9a-f]{40})$/.exec(rest))) {
        const lines = runGit(options.gitDir, ['ls-tree', '-r', '-l', '--full-tree', m[1]!]).split('\n').filter(Boolean);
        const tree = lines.map((line) => {
          const [meta, path] = line.split('\t') as [string, string];
          const [mode, type, sha, size] = meta.split(/\s+/) as [string, string, string, string];
          return { path, mode, type, sha, ...(type === 'blob' ? { size: Number(size) } : {}), url: '' };
        });
        return send(200, { sha: m[1], tree, truncated: false });
      }
      if (req.method === 'GET' && (m = /^\/git\/blobs\/([0-9a-f]{40})$/.exec(rest))) {
        const bytes = gitBytes(options.gitDir, ['cat-file', 'blob', m[1]!]);
        return send(200, { sha: m[1], size: bytes.length, encoding: 'base64', content: bytes.toString('base64') });
      }
      // Escalation issues: the site file from the default branch (contents API, no ref), and issues
      // (list with label, state and since filters and pages; create; comments; update).
      if (req.method === 'GET' && (m = /^\/contents\/(.+)$/.exec(rest))) {
        const path = decodeURIComponent(m[1]!);
        const ref = url.searchParams.get('ref') ?? options.defaultBranch ?? 'main';
        let bytes: Buffer;
        try {
          bytes = execFileSync('git', ['show', `${ref}:${path}`], { cwd: options.gitDir, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
        } catch {
          return send(404, { message: 'Not Found' });
        }
        return send(200, { type: 'file', path, name: path.split('/').at(-1), size: bytes.length, encoding: 'base64', content: bytes.toString('base64').replace(/.{60}/g, '$&\n') });
      }
      if (req.method === 'GET' && rest === '/issues') {
        const labels = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
        const state = url.searchParams.get('state') ?? 'open';
        const since = url.searchParams.get('since');
        const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? '30'));
        const page = Number(url.searchParams.get('page') ?? '1');
        const all = issues.filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)) && (since === null || i.updated_at >= since));
        const slice = all.slice((page - 1) * perPage, page * perPage);
        if (page * perPage < all.length) res.setHeader('link', `<http://${req.headers.host}${url.pathname}?page=${page + 1}>; rel="next"`);
        return send(200, slice.map(({ comments, labels: names, ...i }) => ({ ...i, comments: comments.length, labels: names.map((name) => ({ name })) })));
      }
      if (req.method === 'POST' && rest === '/issues') {
        const b = body as { title?: unknown; body?: unknown; labels?: unknown };
        if (typeof b.title !== 'string' || b.title === '') return send(422, { message: 'title is required' });
        const now = new Date().toISOString();
        const issue: StandInIssue = { number: 100 + issues.length, title: b.title, body: typeof b.body === 'string' ? b.body : '', labels: Array.isArray(b.labels) ? b.labels.map(String) : [], state: 'open', user: { login: 'writ-app[bot]', type: 'Bot' }, created_at: now, updated_at: now, closed_at: null, comments: [] };
        issues.push(issue);
        const { comments: _c, labels: names, ...out } = issue;
        return send(201, { ...out, labels: names.map((name) => ({ name })) });
      }
      if ((m = /^\/issues\/(\d+)(\/comments)?$/.exec(rest))) {
        const issue = issues.find((i) => i.number === Number(m![1]));
        if (!issue) return send(404, { message: 'Not Found' });
        if (req.method === 'GET' && m[2]) {
          const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? '30'));
          const page = Number(url.searchParams.get('page') ?? '1');
          return send(200, issue.comments.slice((page - 1) * perPage, page * perPage));
        }
        if (req.method === 'POST' && m[2]) {
          const b = body as { body?: unknown };
          if (typeof b.body !== 'string' || b.body === '') return send(422, { message: 'body is required' });
          const comment: StandInComment = { id: 5000 + issues.reduce((n, i) => n + i.comments.length, 0), body: b.body, user: { login: 'writ-app[bot]', type: 'Bot' } };
          issue.comments.push(comment);
          issue.updated_at = new Date().toISOString();
          return send(201, comment);
        }
        if (req.method === 'PATCH' && !m[2]) {
          const b = body as { state?: 'open' | 'closed'; state_reason?: string; body?: string; title?: string };
          if (b.state && b.state !== issue.state) {
            issue.state = b.state;
            issue.closed_at = b.state === 'closed' ? new Date().toISOString() : null;
          }
          if (b.state_reason !== undefined) issue.state_reason = b.state_reason;
          if (typeof b.body === 'string') issue.body = b.body;
          if (typeof b.title === 'string') issue.title = b.title;
          issue.updated_at = new Date().toISOString();
          const { comments, labels: names, ...out } = issue;
          return send(200, { ...out, comments: comments.length, labels: names.map((name) => ({ name })) });
        }
      }
      if (req.method === 'GET' && (m = /^\/pulls\/(\d+)\/files$/.exec(rest))) {
        const pr = options.pulls.get(Number(m[1]));
        if (!pr) return send(404, { message: 'Not Found' });
        if (Number(url.searchParams.get('page') ?? '1') > 1) return send(200, []);
        const files = runGit(options.gitDir, ['diff', '--name-status', '--no-renames', pr.base, pr.head]).split('\n').filter(Boolean).map((line) => {
          const [status, filename] = line.split('\t') as [string, string];
          return { filename, status: status === 'A' ? 'added' : status === 'D' ? 'removed' : 'modified' };
        });
        return send(200, files);
      }
      if (req.method === 'GET' && (m = /^\/commits\/([0-9a-f]{40})\/check-runs$/.exec(rest))) {
        const name = url.searchParams.get('check_name');
        const runs = checkRuns.filter((r) => r.head_sha === m![1] && (name === null || r.name === name));
        return send(200, { total_count: runs.length, check_runs: runs.map(({ annotations: _a, ...r }) => r) });
      }
      if (req.method === 'POST' && rest === '/check-runs') {
        const b = body as { name: string; head_sha: string; status?: string; conclusion?: string; output?: { title?: string; summary?: string; annotations?: Record<string, unknown>[] } };
        // Like GitHub, a run may be created already completed, with its output and first annotations.
        if ((b.output?.annotations?.length ?? 0) > 50) return send(422, { message: 'Only 50 annotations are allowed per request' });
        const run: StandInCheckRun = { id: 1000 + checkRuns.length, name: b.name, head_sha: b.head_sha, status: b.status ?? 'queued', annotations: [...(b.output?.annotations ?? [])] };
        if (b.conclusion) run.conclusion = b.conclusion;
        if (b.output) run.output = { title: b.output.title, summary: b.output.summary };
        checkRuns.push(run);
        return send(201, run);
      }
      if (req.method === 'PATCH' && (m = /^\/check-runs\/(\d+)$/.exec(rest))) {
        const run = checkRuns.find((r) => r.id === Number(m![1]));
        if (!run) return send(404, { message: 'Not Found' });
        const b = body as { status?: string; conclusion?: string; output?: { title?: string; summary?: string; annotations?: Record<string, unknown>[] } };
        if ((b.output?.annotations?.length ?? 0) > 50) return send(422, { message: 'Only 50 annotations are allowed per request' });
        if (b.status) run.status = b.status;
        if (b.conclusion) run.conclusion = b.conclusion;
        if (b.output) {
          run.output = { title: b.output.title, summary: b.output.summary };
          run.annotations.push(...(b.output.annotations ?? []));
        }
        return send(200, run);
      }
      if (req.method === 'POST' && (m = /^\/statuses\/([0-9a-f]{40})$/.exec(rest))) {
        const b = body as { state?: string; context?: string; description?: string; target_url?: string };
        if (!['error', 'failure', 'pending', 'success'].includes(b.state ?? '')) return send(422, { message: 'Validation Failed' });
        if ((b.description ?? '').length > 140) return send(422, { message: 'description is too long (maximum is 140 characters)' });
        const status: StandInStatus = { id: 5000 + statuses.length, sha: m[1]!, state: b.state!, context: b.context ?? 'default', description: b.description ?? null };
        statuses.push(status);
        return send(201, status);
      }
      // Octokit sends `{ref}` URL-encoded (heads%2Fmain), as GitHub accepts it.
      if (req.method === 'GET' && (m = /^\/git\/ref\/heads\/([A-Za-z0-9._/-]+)$/.exec(decodeURIComponent(rest)))) {
        let sha: string;
        try {
          sha = runGit(options.gitDir, ['rev-parse', '--verify', '--quiet', `refs/heads/${m[1]}^{commit}`]);
        } catch {
          return send(404, { message: 'Not Found' });
        }
        return send(200, { ref: `refs/heads/${m[1]}`, object: { type: 'commit', sha } });
      }
      return send(404, { message: 'Not Found' });
    }).catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    calls,
    checkRuns,
    statuses,
    issues,
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** runGit returns trimmed text; blobs need their exact bytes. */
function gitBytes(cwd: string, args: string[]): Buffer {
  return execFileSync('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
}

/** Checks an App JWT: RS256 over header.payload with the App's key, iss = the App id, not expired. */
function validJwt(authorization: string, key: KeyObject, appId: number): boolean {
  const m = /^bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/i.exec(authorization);
  if (!m) return false;
  const header = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as { alg?: string };
  if (header.alg !== 'RS256') return false;
  if (!verify('sha256', Buffer.from(`${m[1]}.${m[2]}`), key, Buffer.from(m[3]!, 'base64url'))) return false;
  const claims = JSON.parse(Buffer.from(m[2]!, 'base64url').toString('utf8')) as { iss?: string | number; exp?: number };
  return String(claims.iss) === String(appId) && typeof claims.exp === 'number' && claims.exp * 1000 > Date.now();
}
