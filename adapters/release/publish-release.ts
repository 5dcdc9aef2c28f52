import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import git from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { GitBranchNotFoundError } from '../../core/errors/git-branch-not-found-error.js';
import { ReleasePushError } from '../../core/errors/release-push-error.js';
import { isWritError, type Recovery } from '../../core/errors/writ-error.js';
import { DEFAULT_EXPIRY, type ExpiryConfig } from '../../core/release/build-release.js';
import type { LoadedRepo } from '../../core/validate/loaded-repo.js';
import { fetchBranch } from '../git/fetch-branch.js';
import { scrubError, scrubUrl, secretsOf, TOKEN_USER } from '../git/mask-secrets.js';
import { commitRelease, releasedPolicyCommit, type CommittedRelease, type ReleaseSigners } from './release-commit.js';

export interface PublishReleaseOptions {
  /** HTTPS (in tests, loopback HTTP) clone URL of the policy repository holding the release branch. */
  url: string;
  /** The release identity's token, sent as Basic auth (`x-access-token:<token>`); never reported. */
  token: string;
  /** Bare git directory kept between releases (one per repository); created on first use. */
  gitdir: string;
  branch: string;
  /** Full id of the policy commit to release. */
  policyCommit: string;
  keysDir: string;
  signers: ReleaseSigners;
  /**
   * Validates the policy commit, called at most once and only when it was not released yet: the
   * loaded repository to release, or null to refuse (nothing is pushed).
   */
  prepare: () => Promise<LoadedRepo | null>;
  now: Date;
  expiry?: ExpiryConfig;
  /** Further attempts after the first when the branch moved under us; default 4. */
  retries?: number;
  /** Wait before the first retry, doubled each time (with jitter); default 250. */
  backoffMs?: number;
  /** Time limit of each fetch and each push; default 120000. */
  timeoutMs?: number;
}

export type PublishReleaseResult =
  | { status: 'released'; release: CommittedRelease; attempts: number }
  /** The newest release on the branch is already of this policy commit (a redelivery, a restart, another instance). */
  | { status: 'already-released'; version: number; digest: string; branchCommit: string; attempts: number }
  /** prepare() refused the commit; nothing was built or pushed. */
  | { status: 'refused'; attempts: number };

const ZERO_OID = '0000000000000000000000000000000000000000';
/** Local ref holding the release commit being pushed; refs/heads/<branch> stays the remote's tip until the push succeeds. */
const OUTGOING_REF = 'refs/writ-outgoing/release';

class PushTimeout extends Error {}

/**
 * Publishes the release of one policy commit to the release branch of a remote, fast-forward only,
 * with isomorphic-git and a bare cache (nothing is checked out): fetch the branch tip (depth 1) with
 * the release token; if the newest release on it is already of this policy commit, report that
 * release and build nothing (idempotent across redeliveries, restarts and instances); otherwise validate (prepare), build
 * and sign the next release on top of the tip, and push it only if the remote tip is still the one
 * built on. When another release moved the branch first, start over from a fresh fetch after a
 * backoff, at most `retries` more times. Calls for one gitdir must not overlap (the caller queues).
 *
 * Throws ReleasePushError REL_PUSH_FAILED (fetch or push failed: token, URL, network) or
 * REL_PUSH_REJECTED (the branch kept moving), ReleaseError REL_KEYS_INVALID (keys do not match
 * the published root). The token never appears in a message, hint, data, stack or cause.
 *
 * @example
 * const r = await publishRelease({ url, token, gitdir: '/var/lib/writ-app/release/acme/policy.git', branch: 'writ/releases',
 *   policyCommit: sha, keysDir, signers, prepare: async () => repoOrNull, now: new Date() });
 */
export async function publishRelease(options: PublishReleaseOptions): Promise<PublishReleaseResult> {
  const secrets = secretsOf(options.url, options.token);
  const safeUrl = scrubUrl(options.url, secrets);
  try {
    return await publish(options, safeUrl, secrets);
  } catch (e) {
    throw scrubError(e, secrets);
  }
}

async function publish(options: PublishReleaseOptions, safeUrl: string, secrets: string[]): Promise<PublishReleaseResult> {
  const { gitdir, branch, token } = options;
  const retries = options.retries ?? 4;
  const backoffMs = options.backoffMs ?? 250;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const data = { url: safeUrl, branch };
  let prepared: LoadedRepo | null | undefined;
  let lastRejection: unknown;

  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 2) * (0.5 + Math.random() / 2)));

    // 1. The remote tip, with the release identity (null: no release branch yet).
    let base: string | null;
    try {
      base = (await fetchBranch({ url: options.url, cacheDir: gitdir, branch, token, timeoutMs, depth: 1 })).commit;
    } catch (e) {
      if (!(e instanceof GitBranchNotFoundError)) {
        const recovery: Recovery = isWritError(e) ? e.recovery : 'backoff';
        const status = isWritError(e) ? e.data['status'] : undefined;
        throw new ReleasePushError('REL_PUSH_FAILED', `the release identity cannot fetch ${branch} from ${safeUrl}${typeof status === 'number' ? ` (HTTP ${status})` : ''}`, {
          hint: recovery === 'human'
            ? 'Check the release identity: its token file (WRIT_RELEASE_TOKEN_PATH) must hold a token with read and write access to the release branch, and the release URL must name the repository.'
            : 'The git server is unreachable or failing; redeliver the push event (or release with writ release) once it is back.',
          recovery, data: { ...data, reason: 'fetch' }, cause: scrubError(e, secrets),
        });
      }
      base = null;
      await git.deleteRef({ fs, gitdir, ref: `refs/heads/${branch}` }).catch(() => undefined);
    }

    // 2. Already the newest release? Then report it and build nothing.
    const earlier = base === null ? undefined : await findRelease(gitdir, base, options.policyCommit);
    if (earlier) return { status: 'already-released', ...earlier, attempts: attempt };

    // 3. Validate once; build and sign on top of the tip.
    if (prepared === undefined) prepared = await options.prepare();
    if (prepared === null) return { status: 'refused', attempts: attempt };
    const release = await commitRelease({
      at: { gitdir }, branch, ref: OUTGOING_REF, keysDir: options.keysDir, signers: options.signers, repo: prepared,
      policyCommit: options.policyCommit, now: options.now, expiry: options.expiry ?? DEFAULT_EXPIRY,
    });
    if (release.parent !== base) throw new Error(`publishRelease: built on ${release.parent ?? 'nothing'}, fetched ${base ?? 'nothing'}`);

    // 4. Push, fast-forward only, from exactly the tip we built on.
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        git.push({
          fs, http: nodeHttp, gitdir, url: options.url, ref: OUTGOING_REF, remoteRef: `refs/heads/${branch}`,
          // Called only after a 401. No onAuthFailure: a refused token ends in HttpError 401, not a loop.
          onAuth: () => ({ username: TOKEN_USER, password: token }),
          // The branch moved since the fetch: cancel before sending a pack, fetch again, rebuild.
          onPrePush: ({ remoteRef }) => remoteRef.oid === (base ?? ZERO_OID),
        }),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new PushTimeout(`push timed out after ${timeoutMs} ms`)), timeoutMs); }),
      ]);
    } catch (e) {
      const code = (e as { code?: unknown } | undefined)?.code;
      if (code === 'UserCanceledError' || code === 'PushRejectedError' || (code === 'GitPushError' && /non-fast-forward|fetch first|stale info/i.test(String((e as Error).message)))) {
        lastRejection = e;
        continue;
      }
      const status = code === 'HttpError' ? Number((e as { data?: { statusCode?: unknown } }).data?.statusCode) : undefined;
      const refused = status === 401 || status === 403 || status === 404 || code === 'GitPushError';
      throw new ReleasePushError('REL_PUSH_FAILED', `the release identity cannot push ${branch} to ${safeUrl}${status ? ` (HTTP ${status})` : ''}`, {
        hint: refused
          ? 'The remote refused the release identity (token file WRIT_RELEASE_TOKEN_PATH): give it write access to the release branch (and check branch protection allows it), then redeliver the push event.'
          : 'The git server is unreachable or failing; redeliver the push event once it is back.',
        recovery: refused ? 'human' : 'backoff',
        data: { ...data, reason: 'push', ...(status ? { status } : {}) },
        cause: scrubError(e, secrets),
      });
    } finally {
      clearTimeout(timer);
    }
    // The cache's branch ref follows the remote, so the next fetch negotiates from this commit.
    await git.writeRef({ fs, gitdir, ref: `refs/heads/${branch}`, value: release.branchCommit, force: true });
    return { status: 'released', release, attempts: attempt };
  }
  throw new ReleasePushError('REL_PUSH_REJECTED', `the release branch ${branch} on ${safeUrl} moved under every one of ${retries + 1} attempts`, {
    hint: 'Other releases kept landing first; redeliver the push event to try again.',
    recovery: 'backoff', data: { ...data, attempts: retries + 1 }, cause: lastRejection,
  });
}

/**
 * The release at the branch tip when it is a release of `policyCommit`: its version, the digest of
 * its signed targets metadata and its commit. Only the tip counts: when the newest release is of
 * another commit, releasing `policyCommit` again is what brings the branch back to it.
 */
async function findRelease(gitdir: string, tip: string, policyCommit: string): Promise<{ version: number; digest: string; branchCommit: string } | undefined> {
  const { commit } = await git.readCommit({ fs, gitdir, oid: tip });
  const named = releasedPolicyCommit(commit.message);
  if (named?.policyCommit !== policyCommit) return undefined;
  const { blob } = await git.readBlob({ fs, gitdir, oid: tip, filepath: `metadata/${named.version}.targets.json` });
  return { version: named.version, digest: createHash('sha256').update(blob).digest('hex'), branchCommit: tip };
}
