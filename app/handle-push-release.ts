import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Probot } from 'probot';
import { isWritError } from '../core/errors/writ-error.js';
import { DEFAULT_LOAD_LIMITS } from '../core/load/source-file.js';
import type { Finding } from '../core/model/finding.js';
import type { LoadedRepo } from '../core/validate/loaded-repo.js';
import { scrubError, secretsOf } from '../adapters/git/mask-secrets.js';
import { publishRelease, type PublishReleaseResult } from '../adapters/release/publish-release.js';
import { loadReleaseSigners, validateReleaseSource } from '../adapters/release/release-commit.js';
import type { GitHubRequest } from './github-request.js';
import { readPrTree } from './read-pr-tree.js';
import { readReleaseToken, releaseGitUrl, type AppReleaseConfig } from './release-config.js';

/** The commit status context the App reports releases under. */
export const RELEASE_STATUS_CONTEXT = 'writ/release';

/** GitHub refuses status descriptions longer than this. */
const MAX_DESCRIPTION = 140;
const SHA = /^[0-9a-f]{40}$/;

interface PushPayload {
  ref: string;
  after: string;
  deleted?: boolean;
  repository?: { default_branch?: string };
}

/** One release at a time per repository: the tail of each repository's queue. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Registers the release handler: on a `push` to the repository's default branch (not a tag, not
 * another branch, not a deletion), when the pushed commit is still the branch's head, validate it
 * statically through the API with the installation token (as the review does), then build, sign
 * and push the release to the release branch with the separate release identity (token file), and
 * report a `writ/release` commit status on the policy commit: pending, then success with the
 * release version and digest, or failure with the reason. A commit already released (redelivery,
 * restart) is not released again; its status is reported again. Releases of one repository run one
 * at a time. Without release settings it logs once that releases are off and ignores pushes.
 *
 * @example
 * handlePushRelease(app, { now: () => new Date(), release: config.release });
 */
export function handlePushRelease(app: Probot, options: { now: () => Date; release?: AppReleaseConfig | undefined }): void {
  const config = options.release;
  if (!config) {
    app.log.info({ event: 'startup', reason_code: 'WH_RELEASE_OFF' }, 'releases are off (WRIT_RELEASE_KEYS_DIR and WRIT_RELEASE_TOKEN_PATH are not set); pushes are ignored');
    return;
  }
  if (config.rootKeysPresent) {
    app.log.warn({ event: 'startup', reason_code: 'WH_RELEASE_ROOT_KEYS_ONLINE', keys_dir: config.keysDir }, 'the release key folder holds root keys; keep them offline and give the App the online keys and roots/ only');
  }
  app.log.info({ event: 'startup', branch: config.branch }, 'releases are on: a push to the default branch is released');

  app.on('push', async (context) => {
    const payload = context.payload as unknown as PushPayload;
    const { owner, repo } = context.repo();
    const commit = payload.after;
    const base = { event: 'push', repo: `${owner}/${repo}`, commit };
    const defaultBranch = payload.repository?.default_branch;
    if (typeof defaultBranch !== 'string' || defaultBranch === '' || payload.ref !== `refs/heads/${defaultBranch}` || payload.deleted === true || !SHA.test(commit) || /^0+$/.test(commit)) {
      app.log.debug({ ...base, reason_code: 'WH_EVENT_IGNORED', ref: payload.ref }, 'not a push to the default branch');
      return;
    }
    const request = context.octokit.request as unknown as GitHubRequest;
    const key = `${owner}/${repo}`.toLowerCase();
    const previous = queues.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => releaseCommit(app, config, options.now(), request, { owner, repo, commit, branch: defaultBranch }));
    queues.set(key, run);
    try {
      await run;
    } finally {
      if (queues.get(key) === run) queues.delete(key);
    }
  });
}

interface Target { owner: string; repo: string; commit: string; branch: string }

async function releaseCommit(app: Probot, config: AppReleaseConfig, now: Date, request: GitHubRequest, t: Target): Promise<void> {
  const base = { event: 'push', repo: `${t.owner}/${t.repo}`, commit: t.commit };
  // A redelivered or late push must not roll the release back: only the branch's head is released.
  let head: string | undefined;
  try {
    const { data: ref } = await request('GET /repos/{owner}/{repo}/git/ref/{ref}', { owner: t.owner, repo: t.repo, ref: `heads/${t.branch}` });
    head = (ref as { object?: { sha?: string } }).object?.sha;
  } catch (e) {
    app.log.error({ ...base, reason_code: 'WH_RELEASE_FAILED', err: e }, 'cannot read the default branch head; nothing was released');
    throw e;
  }
  if (head !== t.commit) {
    app.log.info({ ...base, reason_code: 'WH_RELEASE_SUPERSEDED', head }, 'the default branch moved on; its newer head is released instead');
    return;
  }
  const status = (state: 'pending' | 'success' | 'failure', description: string) =>
    request('POST /repos/{owner}/{repo}/statuses/{sha}', {
      owner: t.owner, repo: t.repo, sha: t.commit, state, context: RELEASE_STATUS_CONTEXT,
      description: description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION - 1)}…` : description,
    });

  let url = '';
  let token: string | undefined;
  let errors: Finding[] = [];
  let result: PublishReleaseResult;
  try {
    // Needs statuses: write (app/app.yml); without it this throws and the release stops here.
    await status('pending', `writ is releasing this commit to ${config.branch}`);
    url = releaseGitUrl(config.gitUrlTemplate, t.owner, t.repo);
    const signers = loadReleaseSigners(config.keysDir);
    token = readReleaseToken(config.tokenPath);
    const gitdir = join(config.stateDir, 'release', t.owner.toLowerCase(), `${t.repo.toLowerCase()}.git`);
    mkdirSync(join(config.stateDir, 'release', t.owner.toLowerCase()), { recursive: true, mode: 0o700 });
    result = await publishRelease({
      url, token, gitdir, branch: config.branch, policyCommit: t.commit, keysDir: config.keysDir, signers, now,
      prepare: async (): Promise<LoadedRepo | null> => {
        // Static, like the review: read through the API, validate without running anything.
        const limits = DEFAULT_LOAD_LIMITS;
        const tree = await readPrTree(request, t.owner, t.repo, t.commit, { maxFileBytes: limits.maxFileBytes });
        const checked = await validateReleaseSource({ commit: t.commit, ...tree }, { now, limits });
        errors = checked.errors;
        return errors.length > 0 ? null : checked.repo;
      },
    });
  } catch (e) {
    const err = scrubError(e, secretsOf(url, token));
    const code = isWritError(err) ? err.code : undefined;
    const reason = code === 'REL_KEYS_INVALID' ? 'WH_RELEASE_SIGNING_FAILED' : code?.startsWith('REL_PUSH_') || code?.startsWith('GIT_') ? 'WH_RELEASE_PUSH_FAILED' : 'WH_RELEASE_FAILED';
    const why = reason === 'WH_RELEASE_SIGNING_FAILED' ? 'the signing keys were refused'
      : reason === 'WH_RELEASE_PUSH_FAILED' ? `the release identity could not fetch or push ${config.branch}`
        : code === 'WH_CONFIG_INVALID' ? 'the release token file is unusable' : 'the release could not be built';
    app.log.error({ ...base, reason_code: reason, error_code: code, err }, 'release failed');
    await status('failure', `${reason}: ${why}; nothing was released. See the App's log.`).catch(() => undefined);
    throw err;
  }

  if (result.status === 'refused') {
    const first = errors[0]!;
    app.log.warn({ ...base, reason_code: 'WH_RELEASE_REFUSED', errors: errors.length, first: `${first.file}:${first.line}:${first.column} ${first.code}` }, 'release refused: the commit fails validation');
    await status('failure', `WH_RELEASE_REFUSED: ${errors.length} validation error(s), first ${first.code} in ${first.file}:${first.line}; nothing was released`);
    return;
  }
  const version = result.status === 'released' ? result.release.version : result.version;
  const digest = result.status === 'released' ? result.release.digest : result.digest;
  const fields = { ...base, release_version: version, release_digest: digest };
  if (result.status === 'released') {
    app.log.info({ ...fields, reason_code: 'WH_RELEASED', release_commit: result.release.branchCommit, sites: result.release.sites.length, attempts: result.attempts }, 'released');
  } else {
    app.log.info({ ...fields, reason_code: 'WH_RELEASE_ALREADY_DONE', release_commit: result.branchCommit }, 'this commit was already released; status reported again');
  }
  await status('success', `released as version ${version} (targets sha256:${digest.slice(0, 12)}) on ${config.branch}`);
}
