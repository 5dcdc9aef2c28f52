import * as fs from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import git, { type GitHttpResponse, type HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { GitBadRefNameError } from '../../core/errors/git-bad-ref-name-error.js';
import { GitBranchNotFoundError } from '../../core/errors/git-branch-not-found-error.js';
import { GitFetchFailedError } from '../../core/errors/git-fetch-failed-error.js';
import { GitPackTooLargeError } from '../../core/errors/git-pack-too-large-error.js';
import type { Recovery } from '../../core/errors/writ-error.js';
import { scrubError, scrubUrl, secretsOf, TOKEN_USER } from './mask-secrets.js';
import { untilAborted } from './until-aborted.js';

interface FetchBranchCommon {
  /** Branch name without `refs/heads/`, e.g. `release/clinic-a`. */
  branch: string;
  /** Time limit for the whole fetch (all HTTP requests, pack download and indexing). */
  timeoutMs: number;
}

export interface FetchBranchFromUrl extends FetchBranchCommon {
  /**
   * HTTPS (or, in tests, loopback HTTP) clone URL. Credentials in it are used but never reported.
   * A `file://` URL is treated like `dir`.
   */
  url: string;
  /** Bare git directory used as the fetch cache; created on first use. One fetch per cacheDir at a time. */
  cacheDir: string;
  /** Token sent as Basic auth (`x-access-token:<token>`) when the server asks for credentials. */
  token?: string;
  /** Commits of history to fetch; default 1 (only the tip). */
  depth?: number;
  /** Cap on bytes downloaded by one fetch (ref advertisement + pack); default 256 MiB. */
  maxPackBytes?: number;
  dir?: undefined;
}

export interface FetchBranchFromDir extends FetchBranchCommon {
  /** A local repository (working tree with `.git`, or a bare repository). Read in place, never copied. */
  dir: string;
  url?: undefined;
  /** Ignored: a local repository is read in place. */
  cacheDir?: string;
  token?: undefined;
  depth?: number;
  maxPackBytes?: number;
}

export type FetchBranchOptions = FetchBranchFromUrl | FetchBranchFromDir;

export interface FetchedBranch {
  /** The commit the branch pointed to, fully present in `gitdir`. */
  commit: string;
  /** Git directory to read the commit's objects from (see readBlobAt). */
  gitdir: string;
}

const DEFAULT_MAX_PACK_BYTES = 256 * 1024 * 1024;
/** Scratch remote name: isomorphic-git writes its remote-tracking refs (before the pack arrives) under it. */
const SCRATCH_REMOTE = 'writ-fetch';
/** Node/system error codes that mean "the network or the server is having a bad moment". */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);
/** isomorphic-git error codes caused by a truncated or garbled response. */
const TRUNCATION_CODES = new Set(['ParseError', 'EmptyServerResponseError', 'InternalError']);

/** Why the fetch's AbortController fired. */
class FetchTimeout extends Error {}
class PackCapExceeded extends Error {}

/** One fetch per cache directory at a time inside this process (isomorphic-git does not lock). */
const cacheLocks = new Map<string, Promise<unknown>>();

/**
 * Fetches one branch into a bare cache git directory and returns its tip commit: shallow (depth 1
 * by default), single-branch, no tags, over HTTP(S) with isomorphic-git. With `dir` instead of
 * `url`, nothing is copied: the branch is resolved in that repository and its own gitdir returned.
 *
 * The cache stays usable after any failure. isomorphic-git updates its remote-tracking ref and the
 * `shallow` file *before* the pack has arrived, so neither is trusted: the result is recorded in
 * `refs/heads/<branch>` of the cache (written atomically: temp file + rename) only after the commit
 * and its root tree are readable, the `shallow` file is put back when a fetch fails, and a pack left
 * without its index is removed. The next attempt negotiates from the last good commit.
 *
 * Errors (recovery in brackets; the token never appears in a message, hint, data or cause):
 * GitFetchFailedError GIT_FETCH_FAILED [backoff: refused, reset, timeout, 5xx, truncated pack;
 * human: 401/403 token, 404 URL or access, not a git server], GitBranchNotFoundError
 * GIT_BRANCH_NOT_FOUND [human], GitPackTooLargeError GIT_PACK_TOO_LARGE [human],
 * GitBadRefNameError GIT_BAD_REF_NAME [human].
 *
 * @example
 * const { commit, gitdir } = await fetchBranch({
 *   url: 'https://git.example.net/msp/writ-release.git', branch: 'release/clinic-a',
 *   cacheDir: '/var/lib/writ/release.git', token, timeoutMs: 60_000,
 * });
 * const targets = await readBlobAt({ gitdir, commit, path: 'targets.json', maxBytes: 1 << 20 });
 */
export async function fetchBranch(options: FetchBranchOptions): Promise<FetchedBranch> {
  assertBranchName(options.branch);
  if (options.dir !== undefined) return resolveLocalBranch(options.dir, options.branch);
  // isomorphic-git speaks HTTP(S) only; a file:// URL is read in place like `dir`.
  if (/^file:\/\//i.test(options.url)) return resolveLocalBranch(fileURLToPath(options.url), options.branch);

  const cacheDir = resolve(options.cacheDir);
  const previous = cacheLocks.get(cacheDir) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => fetchIntoCache({ ...options, cacheDir }));
  cacheLocks.set(cacheDir, run);
  try {
    return await run;
  } finally {
    if (cacheLocks.get(cacheDir) === run) cacheLocks.delete(cacheDir);
  }
}

async function fetchIntoCache(options: FetchBranchFromUrl): Promise<FetchedBranch> {
  const { branch, cacheDir: gitdir, token } = options;
  const depth = options.depth ?? 1;
  const maxPackBytes = options.maxPackBytes ?? DEFAULT_MAX_PACK_BYTES;
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`fetchBranch: depth must be a positive integer, got ${depth}`);
  const secrets = secretsOf(options.url, token);
  const safeUrl = scrubUrl(options.url, secrets);
  const fullRef = `refs/heads/${branch}`;
  const data = { url: safeUrl, branch };

  const cacheFailed = (e: unknown) =>
    new GitFetchFailedError(`cannot write the git cache ${gitdir}`, {
      hint: `Check that ${gitdir} is writable by the agent and the disk is not full; delete the directory if it is damaged (it is only a cache).`,
      recovery: 'human',
      data: { ...data, cacheDir: gitdir, reason: 'cache-unwritable' },
      cause: e,
    });
  await ensureBareRepo(gitdir).catch((e: unknown) => {
    throw cacheFailed(e);
  });
  const shallowBefore = await readOptional(join(gitdir, 'shallow'));

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new FetchTimeout()), options.timeoutMs);
  let result: Awaited<ReturnType<typeof git.fetch>>;
  try {
    result = await git.fetch({
      fs,
      http: guardedHttp(controller, maxPackBytes, fullRef),
      gitdir,
      url: options.url,
      remote: SCRATCH_REMOTE,
      ref: fullRef,
      remoteRef: fullRef,
      singleBranch: true,
      tags: false,
      depth,
      // Called only after a 401. No onAuthFailure: a rejected token ends in HttpError 401, not a loop.
      ...(token === undefined ? {} : { onAuth: () => ({ username: TOKEN_USER, password: token }) }),
    });
  } catch (e) {
    clearTimeout(timer);
    await restoreAfterFailure(gitdir, shallowBefore);
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
    if (reason instanceof PackCapExceeded) {
      throw new GitPackTooLargeError(`fetching ${branch} from ${safeUrl} sent more than ${maxPackBytes} bytes`, {
        hint: `The remote sent more than maxPackBytes (${maxPackBytes}). Check that ${safeUrl} is the release repository; raise maxPackBytes only if the branch really is that large.`,
        recovery: 'human',
        data: { ...data, maxPackBytes },
      });
    }
    if (reason instanceof FetchTimeout) {
      throw new GitFetchFailedError(`fetching ${branch} from ${safeUrl} timed out after ${options.timeoutMs} ms`, {
        hint: 'The git server is slow or unreachable; the agent retries with backoff and keeps enforcing the last verified release meanwhile.',
        recovery: 'backoff',
        data: { ...data, reason: 'timeout', timeoutMs: options.timeoutMs },
        cause: scrubError(e, secrets),
      });
    }
    throw classifyFetchError(scrubError(e, secrets), { ...data, fullRef, hasToken: token !== undefined });
  }
  clearTimeout(timer);

  const commit = result.fetchHead;
  if (!commit) {
    // An empty repository advertises no refs at all.
    throw branchNotFound(branch, safeUrl, data);
  }
  try {
    const { commit: parsed } = await git.readCommit({ fs, gitdir, oid: commit });
    await git.readTree({ fs, gitdir, oid: parsed.tree });
  } catch (e) {
    await restoreAfterFailure(gitdir, shallowBefore);
    throw new GitFetchFailedError(`fetching ${branch} from ${safeUrl} ended without commit ${commit} and its tree`, {
      hint: 'The pack was incomplete; fetch again (the cache still holds the last good commit).',
      recovery: 'backoff',
      data: { ...data, commit, reason: 'incomplete-pack' },
      cause: scrubError(e, secrets),
    });
  }
  await writeRefAtomically(gitdir, fullRef, commit).catch((e: unknown) => {
    throw cacheFailed(e);
  });
  return { commit, gitdir };
}

/** Resolves `branch` in a local repository; its gitdir is returned as is (nothing is fetched). */
async function resolveLocalBranch(dir: string, branch: string): Promise<FetchedBranch> {
  const gitdir = await findGitdir(resolve(dir));
  if (gitdir === undefined) {
    throw new GitFetchFailedError(`${dir} is not a git repository`, {
      hint: `Point the release source at a clone (a directory with .git) or a bare repository, or use a URL.`,
      recovery: 'human',
      data: { dir, branch, reason: 'not-a-repository' },
    });
  }
  try {
    const commit = await git.resolveRef({ fs, gitdir, ref: `refs/heads/${branch}` });
    return { commit, gitdir };
  } catch (e) {
    if (isGitError(e, 'NotFoundError')) {
      throw new GitBranchNotFoundError(`branch ${branch} does not exist in ${dir}`, {
        hint: `Create or fetch the branch there (git -C ${dir} branch --list), or fix the configured branch name.`,
        recovery: 'human',
        data: { dir, branch },
        cause: e,
      });
    }
    throw new GitFetchFailedError(`cannot read branch ${branch} in ${dir}`, {
      hint: `Check that ${gitdir} is readable and not damaged (git -C ${dir} fsck).`,
      recovery: 'human',
      data: { dir, branch, reason: 'unreadable' },
      cause: e,
    });
  }
}

/** `dir/.git` (a directory, or a `gitdir:` file of a linked worktree), else `dir` when it is bare. */
async function findGitdir(dir: string): Promise<string | undefined> {
  const dotGit = join(dir, '.git');
  const info = await stat(dotGit).catch(() => undefined);
  if (info?.isDirectory()) return dotGit;
  if (info?.isFile()) {
    const m = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(dotGit, 'utf8'));
    if (m) return isAbsolute(m[1]!) ? m[1]! : resolve(dir, m[1]!);
  }
  const [head, objects] = await Promise.all([stat(join(dir, 'HEAD')).catch(() => undefined), stat(join(dir, 'objects')).catch(() => undefined)]);
  return head?.isFile() && objects?.isDirectory() ? dir : undefined;
}

function classifyFetchError(e: unknown, d: { url: string; branch: string; fullRef: string; hasToken: boolean }): Error {
  const data = { url: d.url, branch: d.branch };
  if (isGitError(e, 'NotFoundError') && (e as { data?: { what?: unknown } }).data?.what === d.fullRef) {
    return branchNotFound(d.branch, d.url, data, e);
  }
  if (isGitError(e, 'HttpError')) {
    const status = Number((e as { data?: { statusCode?: unknown } }).data?.statusCode);
    const fail = (recovery: Recovery, hint: string) =>
      new GitFetchFailedError(`fetching ${d.branch} from ${d.url} failed: HTTP ${status}`, {
        hint,
        recovery,
        data: { ...data, status },
        cause: e,
      });
    if (status === 401 || status === 403) {
      return fail(
        'human',
        d.hasToken
          ? `The server refused the token (HTTP ${status}). Issue a new read-only token for this repository and update the appliance's credential; retrying with the same token will not help.`
          : `The server needs credentials (HTTP ${status}). Configure a read-only token for ${d.url}.`,
      );
    }
    if (status === 404) {
      return fail(
        'human',
        `No repository at ${d.url}, or the token cannot see it (hosts answer 404 for private repositories). Check the URL and that the token has read access to the repository.`,
      );
    }
    if (status === 408 || status === 429 || status >= 500) {
      return fail('backoff', `The git server had a problem (HTTP ${status}); retry with backoff.`);
    }
    return fail('human', `The git server answered HTTP ${status}; check the URL and the server's logs.`);
  }
  if (isGitError(e, 'SmartHttpError')) {
    return new GitFetchFailedError(`${d.url} did not answer like a git smart-HTTP server`, {
      hint: 'Check the URL (it must be the clone URL, often ending in .git) and that no proxy or captive portal intercepts it.',
      recovery: 'human',
      data: { ...data, reason: 'not-a-git-server' },
      cause: e,
    });
  }
  if (isGitError(e, 'UrlParseError') || isGitError(e, 'UnknownTransportError')) {
    return new GitFetchFailedError(`${d.url} is not a URL writ can fetch from`, {
      hint: 'Use an https:// clone URL for the release repository.',
      recovery: 'human',
      data: { ...data, reason: 'bad-url' },
      cause: e,
    });
  }
  const code = errorCode(e);
  const network = code !== undefined && (TRANSIENT_CODES.has(code) || TRUNCATION_CODES.has(code));
  const aborted = e instanceof Error && /aborted|socket hang up|premature close/i.test(e.message);
  return new GitFetchFailedError(`fetching ${d.branch} from ${d.url} failed${code ? ` (${code})` : ''}`, {
    hint: 'The connection failed or the server stopped mid-transfer; the agent retries with backoff and keeps enforcing the last verified release meanwhile.',
    // Unknown failures also back off: an appliance must keep trying, and the cause is kept for the log.
    recovery: 'backoff',
    data: { ...data, reason: network || aborted ? 'network' : 'unknown', ...(code ? { errorCode: code } : {}) },
    cause: e,
  });
}

function branchNotFound(branch: string, url: string, data: Record<string, unknown>, cause?: unknown): GitBranchNotFoundError {
  return new GitBranchNotFoundError(`branch ${branch} does not exist on ${url}`, {
    hint: `Check the configured branch name, and that the release for this site was pushed (git ls-remote ${url} refs/heads/${branch}).`,
    recovery: 'human',
    data,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * isomorphic-git's Node client, plus: every request and every body read honour one AbortSignal
 * (the fetch's time limit), response bytes are counted against maxPackBytes, and a ref
 * advertisement without HEAD gets one (see advertiseHeadIfMissing).
 */
function guardedHttp(controller: AbortController, maxBytes: number, fullRef: string): HttpClient {
  const signal = controller.signal;
  let received = 0;
  const abortable = <T>(p: Promise<T>): Promise<T> => untilAborted(p, signal);
  return {
    async request(req) {
      const res: GitHttpResponse = await abortable(nodeHttp.request({ ...req, signal }));
      const body = res.body;
      if (!body) return res;
      const inner = body[Symbol.asyncIterator]();
      const wrapped: AsyncIterableIterator<Uint8Array> = {
        async next() {
          const step = await abortable(inner.next());
          if (!step.done && step.value) {
            received += step.value.byteLength;
            if (received > maxBytes) {
              controller.abort(new PackCapExceeded());
              throw signal.reason;
            }
          }
          return step;
        },
        async return() {
          await inner.return?.();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return wrapped;
        },
      };
      const isAdvertisement = res.statusCode === 200 && /\/info\/refs\?service=git-upload-pack$/.test(req.url);
      if (!isAdvertisement) return { ...res, body: wrapped };
      const chunks: Uint8Array[] = [];
      for await (const chunk of wrapped) chunks.push(chunk);
      return { ...res, body: oneChunk(advertiseHeadIfMissing(Buffer.concat(chunks), fullRef)) };
    },
  };
}

function oneChunk(bytes: Uint8Array): AsyncIterableIterator<Uint8Array> {
  let sent = false;
  const it: AsyncIterableIterator<Uint8Array> = {
    async next() {
      if (sent) return { done: true, value: undefined };
      sent = true;
      return { done: false, value: bytes };
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}

/**
 * isomorphic-git 1.44 fails a fetch of an explicit branch with "Could not find HEAD" when the
 * server advertises no HEAD (its HEAD names a branch that does not exist, or a Gogs-like server
 * omits it: isomorphic-git issue #1654). The fetch never uses HEAD for an explicit branch, so when
 * neither a HEAD ref nor a `symref=HEAD:` capability is advertised, the capability is added,
 * pointing at the requested branch. Advertisements that have HEAD pass through byte for byte.
 * Format: gitprotocol-http(5), "Smart Server Response"; pkt-lines per gitprotocol-common(5).
 */
function advertiseHeadIfMissing(body: Buffer, fullRef: string): Buffer {
  const lines: (Buffer | null)[] = [];
  for (let pos = 0; pos < body.length; ) {
    const length = Number.parseInt(body.subarray(pos, pos + 4).toString('latin1'), 16);
    if (!Number.isInteger(length) || (length > 0 && length < 4) || pos + Math.max(length, 4) > body.length) return body;
    lines.push(length === 0 ? null : body.subarray(pos + 4, pos + length));
    pos += Math.max(length, 4);
  }
  const texts = lines.map((l) => (l === null ? null : l.toString('latin1')));
  const first = texts.findIndex((t) => t !== null && t.includes('\0'));
  if (first < 0) return body; // no refs at all (empty repository)
  const refName = (t: string) => t.slice(41).split(/[\0\n]/)[0];
  if (texts.some((t) => t !== null && refName(t) === 'HEAD') || /(^|\s|\0)symref=HEAD:/.test(texts[first]!)) return body;
  texts[first] = texts[first]!.replace(/\n?$/, ` symref=HEAD:${fullRef}\n`);
  const out = texts.map((t) => {
    if (t === null) return Buffer.from('0000', 'latin1');
    const payload = Buffer.from(t, 'latin1');
    return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, '0'), 'latin1'), payload]);
  });
  return Buffer.concat(out);
}

/** Creates the bare cache on first use; isomorphic-git needs a fetch refspec for the scratch remote. */
async function ensureBareRepo(gitdir: string): Promise<void> {
  if (!(await stat(join(gitdir, 'HEAD')).catch(() => undefined))) {
    await mkdir(gitdir, { recursive: true });
    await git.init({ fs, gitdir, bare: true });
  }
  const key = `remote.${SCRATCH_REMOTE}.fetch`;
  const refspec = `+refs/heads/*:refs/remotes/${SCRATCH_REMOTE}/*`;
  if ((await git.getConfig({ fs, gitdir, path: key })) !== refspec) await git.setConfig({ fs, gitdir, path: key, value: refspec });
}

/** Puts the `shallow` file back and removes packs whose index was never written. */
async function restoreAfterFailure(gitdir: string, shallowBefore: Buffer | undefined): Promise<void> {
  const shallow = join(gitdir, 'shallow');
  if (shallowBefore === undefined) await rm(shallow, { force: true });
  else await writeFileAtomically(shallow, shallowBefore);
  const packDir = join(gitdir, 'objects', 'pack');
  const names = await readdir(packDir).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((n) => n.endsWith('.pack') && !names.includes(n.replace(/\.pack$/, '.idx')))
      .map((n) => rm(join(packDir, n), { force: true })),
  );
}

async function writeRefAtomically(gitdir: string, ref: string, oid: string): Promise<void> {
  const path = join(gitdir, ref);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomically(path, `${oid}\n`);
}

async function writeFileAtomically(path: string, content: string | Buffer): Promise<void> {
  const tmp = `${path}.writ-tmp-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  return readFile(path).catch(() => undefined);
}

/** git-check-ref-format(1) rules for `refs/heads/<branch>`; also keeps the ref path inside the gitdir. */
function assertBranchName(branch: string): void {
  const bad =
    branch === '' ||
    branch === '@' ||
    branch.startsWith('-') ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.includes('..') ||
    branch.includes('//') ||
    branch.includes('@{') ||
    /[\x00-\x20\x7f~^:?*[\\]/.test(branch) ||
    branch.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'));
  if (bad) {
    throw new GitBadRefNameError(`"${branch}" is not a valid branch name`, {
      hint: 'Use a branch name git accepts (see git check-ref-format --branch), such as release/clinic-a.',
      recovery: 'human',
      data: { branch },
    });
  }
}

function isGitError(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, i = 0; cur && i < 5; cur = (cur as { cause?: unknown }).cause, i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
