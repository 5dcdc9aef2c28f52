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
  const { owner, repo, headSha } = target;
  const { data } = await request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner, repo, ref: headSha, check_name: CHECK_NAME, filter: 'all' });
  const existing = (data as { check_runs?: { id: number; name: string; head_sha: string }[] }).check_runs?.find((r) => r.name === CHECK_NAME && r.head_sha === headSha);
  if (existing) {
    await request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { owner, repo, check_run_id: existing.id, status: 'in_progress', started_at: now.toISOString() });
    return existing.id;
  }
  const { data: created } = await request('POST /repos/{owner}/{repo}/check-runs', { owner, repo, name: CHECK_NAME, head_sha: headSha, status: 'in_progress', started_at: now.toISOString() });
  return (created as { id: number }).id;
}

/**
 * Completes the check run with the review: the annotations go in batches of 50 per update (GitHub's
 * cap; each update appends), every one of them sent, and the last update carries the conclusion.
 *
 * @example
 * await finishCheckRun(request, target, id, reviewOutput({ ... }), clock.now());
 */
export async function finishCheckRun(request: GitHubRequest, target: CheckTarget, checkRunId: number, output: ReviewOutput, now: Date): Promise<void> {
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < output.annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(output.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  if (batches.length === 0) batches.push([]);
  for (const [i, annotations] of batches.entries()) {
    const last = i === batches.length - 1;
    await request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner: target.owner, repo: target.repo, check_run_id: checkRunId,
      output: { title: output.title, summary: output.summary, ...(annotations.length > 0 ? { annotations } : {}) },
      ...(last ? { status: 'completed', conclusion: output.conclusion, completed_at: now.toISOString() } : {}),
    });
  }
}
