import type { CheckAnnotation, ReviewOutput } from '../core/review/review-output.js';
import type { GitHubRequest } from './github-request.js';

/** The check run's name; one run of this name is kept per head commit. */
export const CHECK_NAME = 'writ';

/** GitHub accepts at most this many annotations per create or update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

export interface CheckTarget { owner: string; repo: string; headSha: string }

/**
 * Finds this head commit's `writ` check run and marks it in progress, or creates it: one check run
 * per head SHA however often the pull request is synchronized, reopened or rerequested.
 *
 * @example
 * const id = await startCheckRun(request, { owner: 'acme', repo: 'policy', headSha });
 */
export async function startCheckRun(request: GitHubRequest, target: CheckTarget, now: Date): Promise<number> {
  return markInProgress(request, target, await findCheckRun(request, target), now);
}

/**
 * The id of this head commit's `writ` check run, if there is one (a read).
 *
 * @example
 * const existing = await findCheckRun(request, { owner: 'acme', repo: 'policy', headSha });
 */
export async function findCheckRun(request: GitHubRequest, target: CheckTarget): Promise<number | undefined> {
  const { owner, repo, headSha } = target;
  const { data } = await request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner, repo, ref: headSha, check_name: CHECK_NAME, filter: 'all' });
  return (data as { check_runs?: { id: number; name: string; head_sha: string }[] }).check_runs?.find((r) => r.name === CHECK_NAME && r.head_sha === headSha)?.id;
}

/**
 * Marks the run in progress (one write): updates `existing`, or creates the run. Returns its id.
 *
 * @example
 * const id = await markInProgress(request, target, await findCheckRun(request, target), new Date());
 */
export async function markInProgress(request: GitHubRequest, target: CheckTarget, existing: number | undefined, now: Date): Promise<number> {
  const { owner, repo, headSha } = target;
  if (existing !== undefined) {
    await request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { owner, repo, check_run_id: existing, status: 'in_progress', started_at: now.toISOString() });
    return existing;
  }
  const { data: created } = await request('POST /repos/{owner}/{repo}/check-runs', { owner, repo, name: CHECK_NAME, head_sha: headSha, status: 'in_progress', started_at: now.toISOString() });
  return (created as { id: number }).id;
}

/**
 * Completes the check run with the review: the annotations go in batches of 50 per update (GitHub's
 * cap; each update appends), every one of them sent, and the last update carries the conclusion.
 * Without a run id the first request creates the run (already completed when one batch suffices),
 * so a quick review costs a single write: Octokit spaces writes at least 1 s apart (GitHub's
 * secondary rate limits), and an in-progress write before it would add that second to every review.
 *
 * @example
 * await finishCheckRun(request, target, id, reviewOutput({ ... }), clock.now());
 */
export async function finishCheckRun(request: GitHubRequest, target: CheckTarget, checkRunId: number | undefined, output: ReviewOutput, now: Date): Promise<void> {
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < output.annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(output.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  if (batches.length === 0) batches.push([]);
  let id = checkRunId;
  for (const [i, annotations] of batches.entries()) {
    const last = i === batches.length - 1;
    const body = {
      owner: target.owner, repo: target.repo,
      output: { title: output.title, summary: output.summary, ...(annotations.length > 0 ? { annotations } : {}) },
      ...(last ? { status: 'completed', conclusion: output.conclusion, completed_at: now.toISOString() } : {}),
    };
    if (id === undefined) {
      const { data } = await request('POST /repos/{owner}/{repo}/check-runs', { ...body, name: CHECK_NAME, head_sha: target.headSha, started_at: now.toISOString(), ...(last ? {} : { status: 'in_progress' }) });
      id = (data as { id: number }).id;
    } else {
      await request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { ...body, check_run_id: id });
    }
  }
}
