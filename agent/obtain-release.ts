import { join } from 'node:path';
import { isWritError } from '../core/errors/writ-error.js';
import { fetchBranch } from '../adapters/git/fetch-branch.js';
import { listFilesUnder } from '../adapters/git/list-files-under.js';
import { readBlobAt } from '../adapters/git/read-blob-at.js';
import { verifyRelease } from '../adapters/tuf/verify-release.js';
import { readStoredRelease, writeStoredRelease, type StoredRelease } from './release-store.js';

export interface ObtainReleaseInput {
  /** Release source: an HTTPS (or loopback HTTP) URL, or a local repository folder. */
  url: string;
  branch: string;
  token?: string;
  timeoutMs: number;
  site: string;
  trustedRoot: Uint8Array;
  applianceKey: { privateRaw: Uint8Array; publicRaw: Uint8Array };
  stateDir: string;
  /** Past this age (since last verified) the stored release still checks but heals nothing. */
  maxAgeMs: number;
  now: Date;
}

/**
 * What the agent runs this cycle.
 * - `new`: a newer release verified and was stored.
 * - `current`: the newest release verified again (same version as stored).
 * - `stale`: nothing newer could be fetched or verified; the stored release is used (reasonCode says why).
 * - `too-old`: as stale, and the stored release is past max age: check only, heal nothing.
 * - `none`: no release has ever verified; nothing runs.
 */
export interface ReleaseStatus {
  state: 'new' | 'current' | 'stale' | 'too-old' | 'none';
  release?: StoredRelease;
  /** AGT_SOURCE_UNREACHABLE or AGT_RELEASE_REFUSED when the source failed this cycle. */
  reasonCode?: string;
  /** The underlying code (GIT_…, REL_…) and message when the source failed. */
  cause?: { code: string; message: string; hint?: string };
  /** Seconds since the used release was last verified as the newest. */
  ageSeconds?: number;
  /** Problems with the stored state (moved aside). */
  storeProblem?: string;
}

/**
 * Fetches the release branch, verifies the newest release with TUF (trusted metadata kept in the
 * state dir, so rollback is refused across restarts), and stores it; when the source is down,
 * corrupt, rolled back or expired, falls back to the last verified release and says how old it is.
 *
 * @example
 * const status = await obtainRelease({ url, branch: 'writ/releases', site, trustedRoot, applianceKey, stateDir, maxAgeMs, now, timeoutMs: 120_000 });
 */
export async function obtainRelease(input: ObtainReleaseInput): Promise<ReleaseStatus> {
  const releaseDir = join(input.stateDir, 'release');
  const stored = readStoredRelease(releaseDir);
  const storeProblem = 'problem' in stored ? stored.problem : undefined;
  const withProblem = <T extends ReleaseStatus>(s: T): T => (storeProblem ? { ...s, storeProblem } : s);
  try {
    const isUrl = /^https?:\/\//i.test(input.url);
    const fetched = isUrl
      ? await fetchBranch({ url: input.url, branch: input.branch, cacheDir: join(input.stateDir, 'git'), timeoutMs: input.timeoutMs, ...(input.token ? { token: input.token } : {}) })
      : await fetchBranch({ dir: input.url, branch: input.branch, timeoutMs: input.timeoutMs });
    const cache = {};
    const verified = await verifyRelease({
      read: (path, maxBytes) => readBlobAt({ gitdir: fetched.gitdir, commit: fetched.commit, path, maxBytes, cache }),
      listTargetFiles: () => listFilesUnder({ gitdir: fetched.gitdir, commit: fetched.commit, dir: 'targets', cache }),
      trustedRoot: input.trustedRoot,
      stateDir: join(input.stateDir, 'tuf'),
      site: input.site,
      applianceKey: input.applianceKey,
      now: input.now,
    });
    const release: StoredRelease = {
      format: 'writ-stored-release/v1',
      version: verified.version,
      bundleSha256: verified.bundleSha256,
      commit: verified.commit,
      branchCommit: fetched.commit,
      expires: verified.expires,
      signers: verified.signers,
      verifiedAt: input.now.toISOString(),
      bundle: verified.bundle,
    };
    const same = stored.release !== undefined && stored.release.version === release.version && stored.release.bundleSha256 === release.bundleSha256;
    writeStoredRelease(releaseDir, release);
    return withProblem({ state: same ? 'current' : 'new', release, ageSeconds: 0 });
  } catch (e) {
    if (!isWritError(e)) throw e;
    const code = e.code;
    const reasonCode = code.startsWith('REL_') ? 'AGT_RELEASE_REFUSED' : 'AGT_SOURCE_UNREACHABLE';
    const cause = { code, message: e.message, hint: e.hint };
    const previous = stored.release;
    if (!previous) return withProblem({ state: 'none', reasonCode, cause });
    const ageMs = Math.max(0, input.now.getTime() - Date.parse(previous.verifiedAt));
    return withProblem({ state: ageMs > input.maxAgeMs ? 'too-old' : 'stale', release: previous, reasonCode, cause, ageSeconds: Math.round(ageMs / 1000) });
  }
}
