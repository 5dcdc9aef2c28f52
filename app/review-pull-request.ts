import { collectScripts } from '../core/lint/collect-scripts.js';
import { DEFAULT_LOAD_LIMITS } from '../core/load/source-file.js';
import { planChange } from '../core/plan/plan-change.js';
import { reviewOutput, type ReviewOutput } from '../core/review/review-output.js';
import { loadRepo } from '../core/validate/load-repo.js';
import { validateRepo } from '../core/validate/validate-repo.js';
import { WRIT_VERSION } from '../core/version.js';
import { findCheckRun, finishCheckRun, markInProgress } from './check-run.js';
import type { GitHubRequest } from './github-request.js';
import { readPrTree } from './read-pr-tree.js';
import type { ReviewCache } from './review-cache.js';

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  baseSha: string;
}

/** A review still running after this long marks its check run in progress (one extra write, spaced 1 s from the next). */
export const IN_PROGRESS_AFTER_MS = 1500;

/** GitHub lists at most 3,000 files of a pull request (30 pages of 100). */
const MAX_FILE_PAGES = 30;

/**
 * Reviews one pull request head: finds its check run, reads head and base trees through
 * the API, validates head and plans base → head with the same core as `writ validate` and
 * `writ plan`, then completes the check run (creating it if needed) with the counts, the plan and
 * the annotations. A review that takes longer than IN_PROGRESS_AFTER_MS marks the run in progress
 * meanwhile.
 * Validation is static: nothing from the pull request is executed (shellcheck is not run here).
 * With a ReviewCache, unchanged blobs are neither fetched nor parsed again (the result is the same).
 *
 * @example
 * await reviewPullRequest(context.octokit.request, { owner, repo, number: 7, headSha, baseSha }, new Date());
 */
export async function reviewPullRequest(request: GitHubRequest, pr: PullRequestRef, now: Date, options: { cache?: ReviewCache; inProgressAfterMs?: number } = {}): Promise<ReviewOutput> {
  const target = { owner: pr.owner, repo: pr.repo, headSha: pr.headSha };
  let checkRunId = await findCheckRun(request, target);
  // Marked in progress only when the review is not done soon: one write fewer for a quick review.
  let started: Promise<number> | undefined;
  const timer = setTimeout(() => {
    started = markInProgress(request, target, checkRunId, now);
    started.catch(() => undefined);
  }, options.inProgressAfterMs ?? IN_PROGRESS_AFTER_MS);
  try {
    const output = await review(request, pr, now, options.cache);
    clearTimeout(timer);
    if (started) checkRunId = await started;
    await finishCheckRun(request, target, checkRunId, output, now);
    return output;
  } catch (e) {
    clearTimeout(timer);
    if (started) checkRunId = await started.catch(() => checkRunId);
    // Never leave the check run in progress: fail closed, then let the caller log the cause.
    const failed: ReviewOutput = { conclusion: 'failure', title: 'writ could not review this commit', annotations: [],
      summary: `## writ review\n\n\`WH_REVIEW_FAILED\`: reading the pull request or writing this check failed. Rerun the check; if it fails again, run \`writ validate\` and \`writ plan\` locally and see the App's log.\n` };
    await finishCheckRun(request, target, checkRunId, failed, now).catch(() => undefined);
    throw e;
  }
}

async function review(request: GitHubRequest, pr: PullRequestRef, now: Date, cache: ReviewCache | undefined): Promise<ReviewOutput> {
  const limits = DEFAULT_LOAD_LIMITS;
  const read = { maxFileBytes: limits.maxFileBytes, ...(cache ? { cache } : {}) };
  const [head, base, changedFiles] = await Promise.all([
    readPrTree(request, pr.owner, pr.repo, pr.headSha, read),
    readPrTree(request, pr.owner, pr.repo, pr.baseSha, read),
    listChangedFiles(request, pr),
  ]);
  const validated = await validateRepo(head.files, { now, limits });
  const findings = [...head.findings, ...validated.findings];
  const baseRepo = loadRepo(base.files, limits).repo;
  const headErrors = [...head.findings, ...loadRepo(head.files, limits).findings, ...collectScripts(validated.repo).findings].filter((f) => f.severity === 'error').length;
  const plan = planChange(baseRepo, validated.repo, now, { baseRev: pr.baseSha, headRev: pr.headSha });
  return reviewOutput({ findings, changedFiles, plan, planOptions: { headErrors, toolVersion: WRIT_VERSION } });
}

async function listChangedFiles(request: GitHubRequest, pr: PullRequestRef): Promise<Set<string>> {
  const changed = new Set<string>();
  for (let page = 1; page <= MAX_FILE_PAGES; page++) {
    const { data } = await request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { owner: pr.owner, repo: pr.repo, pull_number: pr.number, per_page: 100, page });
    const files = data as { filename: string; status: string }[];
    for (const f of files) if (f.status !== 'removed') changed.add(f.filename);
    if (files.length < 100) break;
  }
  return changed;
}
