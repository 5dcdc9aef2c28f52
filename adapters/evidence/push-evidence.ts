import * as fs from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import git, { type GitHttpResponse, type HttpClient, type TreeEntry } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { EvidencePushError, type EvidencePushCode } from '../../core/errors/evidence-push-error.js';
import { GitBranchNotFoundError } from '../../core/errors/git-branch-not-found-error.js';
import { isWritError, type Recovery } from '../../core/errors/writ-error.js';
import { fetchBranch } from '../git/fetch-branch.js';
import { scrubError, scrubUrl, secretsOf, TOKEN_USER } from '../git/mask-secrets.js';
import { untilAborted } from '../git/until-aborted.js';

export interface PushEvidenceOptions {
  /** Root of the local evidence: files of this appliance are in `<evidenceDir>/<site>/<appliance>/`. */
  evidenceDir: string;
  site: string;
  appliance: string;
  /** HTTPS (in tests, loopback HTTP) clone URL of the evidence repository. Credentials in it are never reported. */
  url: string;
  /** Token with write access, sent as Basic auth (`x-access-token:<token>`) when the server asks. */
  token?: string;
  /** Default `writ/evidence/<site>`. */
  branch?: string;
  /** Bare git directory kept between pushes (e.g. `<state_dir>/evidence-git`); created on first use. One push per gitdir at a time. */
  gitdir: string;
  author: { name: string; email: string };
  /** Commit time (from the Clock port). */
  now: Date;
  /** Further attempts after the first when the push is rejected or the remote fails; default 4. */
  retries?: number;
  /** Wait before the first retry, doubled each time (with jitter); default 1000. */
  backoffMs?: number;
  /** Time limit of each fetch and of each push request sequence; default 60000. */
  timeoutMs?: number;
  /** HTTP client for the push (isomorphic-git's HttpClient); default isomorphic-git/http/node. */
  http?: HttpClient;
}

export type PushEvidenceResult =
  /** A commit with the changed files is now the branch tip. */
  | { status: 'pushed'; commit: string; changed: string[]; attempts: number }
  /** The branch already holds every local byte; `commit` is its tip (null: no branch and no files). */
  | { status: 'up-to-date'; commit: string | null; attempts: number }
  /** Nothing was pushed; the local files are untouched and the next push sends everything pending. */
  | { status: 'not-pushed'; error: EvidencePushError; attempts: number };

const ZERO_OID = '0000000000000000000000000000000000000000';
/** Local ref holding the commit being pushed; the cache's refs/heads/<branch> stays the fetched tip until the push succeeds. */
const OUTGOING_REF = 'refs/writ-outgoing/evidence';
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_BACKOFF_MS = 5 * 60_000;

type Attempt =
  | { kind: 'done'; result: PushEvidenceResult }
  /** `rejected`: the branch moved or the server refused the update; `failed`: the remote could not be reached. */
  | { kind: 'retry'; rejected: boolean; error: EvidencePushError }
  | { kind: 'stop'; error: EvidencePushError };

/**
 * Pushes one appliance's evidence files to its site's evidence branch with isomorphic-git, without
 * a checkout. Each attempt fetches the branch tip (depth 1) into `gitdir`, then commits on top of it
 * a tree that is the tip's tree with this appliance's folder `<site>/<appliance>/` updated from the
 * local files (daily `*.jsonl` up to their last complete line, `quarantine/*.partial`); other
 * appliances' folders, and remote files this appliance no longer has, are kept as they are. That is
 * the "rebase" of append-only files: a local file must extend the remote version of the same path
 * byte for byte, otherwise nothing is pushed (EVD_PUSH_DIVERGED: history is never rewritten).
 *
 * The push only fast-forwards: when the branch moved since the fetch (another appliance pushed),
 * the push is cancelled before any pack is sent, or refused by the server, and the attempt starts
 * over from a fresh fetch after an exponential backoff with jitter, at most `retries` more times.
 * When the remote is down or keeps refusing, the result is `not-pushed` with the reason
 * (EVD_PUSH_FAILED, EVD_PUSH_REJECTED); nothing local changes, so the next call pushes everything
 * pending. A push whose answer was lost is harmless: the next fetch sees it and finds nothing to do.
 *
 * @example
 * const r = await pushEvidence({
 *   evidenceDir: '/var/lib/writ/evidence', site: 'clinic-a', appliance: 'ap-1',
 *   url: 'https://git.example.net/msp/evidence.git', token, gitdir: '/var/lib/writ/evidence-git',
 *   author: { name: 'writ agent ap-1', email: 'ap-1@clinic-a.invalid' }, now: clock.now(),
 * });
 * if (r.status === 'not-pushed') log.warn(r.error.code, r.error.hint);
 */
export async function pushEvidence(options: PushEvidenceOptions): Promise<PushEvidenceResult> {
  const { site, appliance } = options;
  if (!SEGMENT.test(site)) throw new RangeError(`pushEvidence: site "${site}" is not a folder name`);
  if (!SEGMENT.test(appliance)) throw new RangeError(`pushEvidence: appliance "${appliance}" is not a folder name`);
  const retries = options.retries ?? 4;
  const backoffMs = options.backoffMs ?? 1000;
  const branch = options.branch ?? `writ/evidence/${site}`;
  const secrets = secretsOf(options.url, options.token);
  const ctx: Context = { ...options, branch, secrets, safeUrl: scrubUrl(options.url, secrets), timeoutMs: options.timeoutMs ?? 60_000 };

  let last: EvidencePushError | undefined;
  let rejectedLast = false;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    if (attempt > 1) {
      const delay = Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (attempt - 2));
      await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random() / 2)));
    }
    const out = await attemptPush(ctx);
    if (out.kind === 'done') return { ...out.result, attempts: attempt };
    if (out.kind === 'stop') return { status: 'not-pushed', error: out.error, attempts: attempt };
    last = out.error;
    rejectedLast = out.rejected;
  }
  const attempts = retries + 1;
  if (rejectedLast) {
    return {
      status: 'not-pushed',
      attempts,
      error: new EvidencePushError('EVD_PUSH_REJECTED', `pushing evidence to ${branch} on ${ctx.safeUrl} was rejected ${attempts} times`, {
        hint: 'The branch kept moving (other appliances pushing) or a server hook refused the update. The files stay here and the next cycle pushes them; if this persists, read the server message in data.lastError.',
        recovery: 'backoff',
        data: { url: ctx.safeUrl, branch, attempts, lastError: last?.message },
        cause: last,
      }),
    };
  }
  return { status: 'not-pushed', error: last!, attempts };
}

interface Context extends Omit<PushEvidenceOptions, 'branch' | 'timeoutMs'> {
  branch: string;
  timeoutMs: number;
  secrets: string[];
  safeUrl: string;
}

async function attemptPush(ctx: Context): Promise<Attempt> {
  const { gitdir, branch, site, appliance } = ctx;
  const data = { url: ctx.safeUrl, branch };

  // 1. The remote tip (null: the branch does not exist yet).
  let base: string | null;
  try {
    base = (await fetchBranch({ url: ctx.url, cacheDir: gitdir, branch, timeoutMs: ctx.timeoutMs, depth: 1, ...(ctx.token ? { token: ctx.token } : {}) })).commit;
  } catch (e) {
    if (e instanceof GitBranchNotFoundError) base = null;
    else {
      const recovery: Recovery = isWritError(e) ? e.recovery : 'backoff';
      const error = failed(`fetching ${branch} from ${ctx.safeUrl} failed: ${e instanceof Error ? e.message : String(e)}`, recovery, data, e);
      return recovery === 'human' ? { kind: 'stop', error } : { kind: 'retry', rejected: false, error };
    }
  }
  if (!(await fs.promises.stat(join(gitdir, 'HEAD')).catch(() => undefined))) await git.init({ fs, gitdir, bare: true });

  // 2. The tree: the tip's, with this appliance's folder updated from the local files.
  const rootEntries = base ? (await git.readTree({ fs, gitdir, oid: base })).tree : [];
  const siteEntries = await subtree(gitdir, rootEntries, site);
  const applianceEntries = await subtree(gitdir, siteEntries ?? [], appliance);
  if (siteEntries === undefined || applianceEntries === undefined) {
    return { kind: 'stop', error: diverged([siteEntries === undefined ? site : `${site}/${appliance}`], ctx, base) };
  }
  const remoteFiles = await listBlobs(gitdir, applianceEntries, '');
  const files = new Map(remoteFiles);
  const changed: string[] = [];
  const divergedPaths: string[] = [];
  for (const [rel, bytes] of await readLocalFiles(join(ctx.evidenceDir, site, appliance))) {
    const { oid } = await git.hashBlob({ object: bytes });
    const remote = remoteFiles.get(rel);
    if (remote?.oid === oid) continue;
    if (remote) {
      const { blob } = await git.readBlob({ fs, gitdir, oid: remote.oid });
      if (blob.length > bytes.length || !Buffer.from(bytes.buffer, bytes.byteOffset, blob.length).equals(blob)) {
        divergedPaths.push(`${site}/${appliance}/${rel}`);
        continue;
      }
    }
    await git.writeBlob({ fs, gitdir, blob: bytes });
    files.set(rel, { oid, mode: '100644' });
    changed.push(`${site}/${appliance}/${rel}`);
  }
  if (divergedPaths.length > 0) return { kind: 'stop', error: diverged(divergedPaths, ctx, base) };
  if (changed.length === 0) return { kind: 'done', result: { status: 'up-to-date', commit: base, attempts: 0 } };

  const applianceTree = await writeNestedTree(gitdir, files);
  const siteTree = await replaceEntry(gitdir, siteEntries, appliance, applianceTree);
  const rootTree = await replaceEntry(gitdir, rootEntries, site, siteTree);
  const person = { ...ctx.author, timestamp: Math.floor(ctx.now.getTime() / 1000), timezoneOffset: 0 };
  const commit = await git.writeCommit({
    fs,
    gitdir,
    commit: {
      message: `evidence: ${site}/${appliance}, ${changed.length} file${changed.length === 1 ? '' : 's'}\n\n${changed.join('\n')}\n`,
      tree: rootTree,
      parent: base ? [base] : [],
      author: person,
      committer: person,
    },
  });
  await git.writeRef({ fs, gitdir, ref: OUTGOING_REF, value: commit, force: true });

  // 3. Push, fast-forward only, from exactly the tip we built on.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new PushTimeout()), ctx.timeoutMs);
  try {
    await git.push({
      fs,
      http: abortableHttp(ctx.http ?? nodeHttp, controller.signal),
      gitdir,
      url: ctx.url,
      ref: OUTGOING_REF,
      remoteRef: `refs/heads/${branch}`,
      signal: controller.signal,
      // Called only after a 401. No onAuthFailure: a refused token ends in HttpError 401, not a loop.
      ...(ctx.token ? { onAuth: () => ({ username: TOKEN_USER, password: ctx.token! }) } : {}),
      // The branch moved since the fetch: cancel before sending a pack, fetch again, rebuild.
      onPrePush: ({ remoteRef }) => remoteRef.oid === (base ?? ZERO_OID),
    });
  } catch (e) {
    return classifyPushError(controller.signal.reason instanceof PushTimeout ? controller.signal.reason : scrubError(e, ctx.secrets), ctx);
  } finally {
    clearTimeout(timer);
  }
  // The cache's branch ref follows the remote, so the next fetch negotiates from this commit.
  await git.writeRef({ fs, gitdir, ref: `refs/heads/${branch}`, value: commit, force: true });
  return { kind: 'done', result: { status: 'pushed', commit, changed, attempts: 0 } };
}

class PushTimeout extends Error {}

function classifyPushError(e: unknown, ctx: Context): Attempt {
  const data = { url: ctx.safeUrl, branch: ctx.branch };
  const code = (e as { code?: unknown } | undefined)?.code;
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'UserCanceledError' || code === 'PushRejectedError' || code === 'GitPushError') {
    const what = code === 'GitPushError' ? `the server refused the update (${message.replace(/\s+/g, ' ').trim()})` : 'the branch moved since it was fetched';
    return {
      kind: 'retry',
      rejected: true,
      error: new EvidencePushError('EVD_PUSH_REJECTED', `pushing evidence to ${ctx.branch} on ${ctx.safeUrl}: ${what}`, {
        hint: 'Another appliance pushed first; the push is rebuilt on the new tip and retried.',
        recovery: 'backoff',
        data: { ...data, reason: code === 'GitPushError' ? 'refused' : 'moved' },
        cause: e,
      }),
    };
  }
  if (e instanceof PushTimeout) {
    return { kind: 'retry', rejected: false, error: failed(`pushing evidence to ${ctx.branch} on ${ctx.safeUrl} timed out after ${ctx.timeoutMs} ms`, 'backoff', { ...data, reason: 'timeout' }, e) };
  }
  if (code === 'HttpError') {
    const status = Number((e as { data?: { statusCode?: unknown } }).data?.statusCode);
    const msg = `pushing evidence to ${ctx.branch} on ${ctx.safeUrl} failed: HTTP ${status}`;
    if (status === 401 || status === 403 || status === 404) {
      const hint = status === 404
        ? `No repository at ${ctx.safeUrl}, or the token cannot see it. Check the evidence URL and the token's access.`
        : `The server refused the credentials (HTTP ${status}). Give the appliance a token with write access to ${ctx.safeUrl}; the files stay here until then.`;
      return { kind: 'stop', error: failed(msg, 'human', { ...data, status }, e, hint) };
    }
    return { kind: 'retry', rejected: false, error: failed(msg, 'backoff', { ...data, status }, e) };
  }
  return { kind: 'retry', rejected: false, error: failed(`pushing evidence to ${ctx.branch} on ${ctx.safeUrl} failed: ${message}`, 'backoff', { ...data, reason: 'network' }, e) };
}

function failed(message: string, recovery: Recovery, data: Record<string, unknown>, cause: unknown, hint?: string): EvidencePushError {
  return new EvidencePushError('EVD_PUSH_FAILED' satisfies EvidencePushCode, message, {
    hint:
      hint ??
      (recovery === 'human'
        ? 'Fix the evidence remote settings (URL, token, branch) named in the message; the files stay here until a push succeeds.'
        : 'The evidence remote is unreachable or failing; the files stay here and the next cycle pushes everything pending.'),
    recovery,
    data,
    cause,
  });
}

function diverged(paths: string[], ctx: Context, base: string | null): EvidencePushError {
  return new EvidencePushError('EVD_PUSH_DIVERGED', `${paths.length} evidence file(s) on ${ctx.branch} are not a prefix of the local version: ${paths.join(', ')}`, {
    hint: `Nothing was pushed: evidence history is never rewritten. Compare the versions (git show ${base ?? ctx.branch}:${paths[0]} against the local file) to find which one was altered; the appliance's local chain is the one to verify first (writ verify).`,
    recovery: 'human',
    data: { url: ctx.safeUrl, branch: ctx.branch, remoteCommit: base, paths },
  });
}

/** Entries of the tree named `name` in `entries`: [] when absent, undefined when it is not a tree. */
async function subtree(gitdir: string, entries: TreeEntry[], name: string): Promise<TreeEntry[] | undefined> {
  const entry = entries.find((e) => e.path === name);
  if (!entry) return [];
  if (entry.type !== 'tree') return undefined;
  return (await git.readTree({ fs, gitdir, oid: entry.oid })).tree;
}

async function listBlobs(gitdir: string, entries: TreeEntry[], prefix: string): Promise<Map<string, { oid: string; mode: string }>> {
  const out = new Map<string, { oid: string; mode: string }>();
  for (const e of entries) {
    if (e.type === 'tree') {
      const { tree } = await git.readTree({ fs, gitdir, oid: e.oid });
      for (const [k, v] of await listBlobs(gitdir, tree, `${prefix}${e.path}/`)) out.set(k, v);
    } else if (e.type === 'blob') out.set(`${prefix}${e.path}`, { oid: e.oid, mode: e.mode });
  }
  return out;
}

/**
 * The files to push from one appliance folder, by path relative to it: `*.jsonl` up to the last
 * newline (a torn tail is the log's to quarantine, never pushed), and `quarantine/*.partial` whole.
 * Dot files, `.pending` quarantine and temp files are left out.
 */
async function readLocalFiles(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = await readdir(abs, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      throw e;
    });
    for (const ent of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (ent.name.startsWith('.')) continue;
      const path = join(abs, ent.name);
      if (ent.isDirectory()) await walk(path, `${rel}${ent.name}/`);
      else if (ent.isFile() && ent.name.endsWith('.jsonl')) {
        const bytes = await readFile(path);
        const end = bytes.lastIndexOf(0x0a) + 1;
        if (end > 0) out.set(`${rel}${ent.name}`, bytes.subarray(0, end));
      } else if (ent.isFile() && ent.name.endsWith('.partial') && (await stat(path)).size > 0) {
        out.set(`${rel}${ent.name}`, await readFile(path));
      }
    }
  };
  await walk(dir, '');
  return out;
}

async function writeNestedTree(gitdir: string, files: ReadonlyMap<string, { oid: string; mode: string }>): Promise<string> {
  const blobs: TreeEntry[] = [];
  const dirs = new Map<string, Map<string, { oid: string; mode: string }>>();
  for (const [path, f] of files) {
    const slash = path.indexOf('/');
    if (slash < 0) blobs.push({ mode: f.mode, path, oid: f.oid, type: 'blob' });
    else {
      const name = path.slice(0, slash);
      if (!dirs.has(name)) dirs.set(name, new Map());
      dirs.get(name)!.set(path.slice(slash + 1), f);
    }
  }
  const tree: TreeEntry[] = [...blobs];
  for (const [name, sub] of dirs) tree.push({ mode: '040000', path: name, oid: await writeNestedTree(gitdir, sub), type: 'tree' });
  return git.writeTree({ fs, gitdir, tree });
}

async function replaceEntry(gitdir: string, entries: TreeEntry[], name: string, treeOid: string): Promise<string> {
  const tree = entries.filter((e) => e.path !== name);
  tree.push({ mode: '040000', path: name, oid: treeOid, type: 'tree' });
  return git.writeTree({ fs, gitdir, tree });
}

/** isomorphic-git's HTTP client with every request and body read ending when `signal` fires. */
function abortableHttp(http: HttpClient, signal: AbortSignal): HttpClient {
  const abortable = <T>(p: Promise<T>): Promise<T> => untilAborted(p, signal);
  return {
    async request(req) {
      const res: GitHttpResponse = await abortable(http.request({ ...req, signal }));
      if (!res.body) return res;
      const inner = res.body[Symbol.asyncIterator]();
      const body: AsyncIterableIterator<Uint8Array> = {
        next: () => abortable(inner.next()),
        async return() {
          await inner.return?.();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return body;
        },
      };
      return { ...res, body };
    },
  };
}
