import type { ApplicationFunction } from 'probot';
import type { GitHubRequest } from './github-request.js';
import { handlePushRelease } from './handle-push-release.js';
import type { AppReleaseConfig } from './release-config.js';
import { handlePushEscalations } from './handle-push-escalations.js';
import { reviewPullRequest, type PullRequestRef } from './review-pull-request.js';

/** Pull request actions that get a review. */
export const REVIEWED_ACTIONS = ['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'] as const;

interface PrLike { number: number; head: { sha: string }; base: { sha: string } }

/**
 * The Probot application: reviews pull requests on open, push (synchronize) and reopen, and again
 * when someone asks to rerun the check suite or the check run. Each handler filters the event,
 * calls core through reviewPullRequest, and logs why it skipped.
 *
 * @example
 * await probot.load(writApp({ now: () => new Date() }));
 */
export function writApp(options: { now: () => Date; release?: AppReleaseConfig | undefined }): ApplicationFunction {
  return (app) => {
    handlePushRelease(app, options);
    handlePushEscalations(app);
    const review = async (request: GitHubRequest, pr: PullRequestRef, event: string) => {
      const started = Date.now();
      try {
        const out = await reviewPullRequest(request, pr, options.now());
        app.log.info({ event, repo: `${pr.owner}/${pr.repo}`, pull_request: pr.number, head_sha: pr.headSha, conclusion: out.conclusion, annotations: out.annotations.length, ms: Date.now() - started }, 'reviewed');
      } catch (e) {
        app.log.error({ event, reason_code: 'WH_REVIEW_FAILED', repo: `${pr.owner}/${pr.repo}`, pull_request: pr.number, err: e }, 'review failed');
        throw e;
      }
    };
    app.on([...REVIEWED_ACTIONS], async (context) => {
      const { owner, repo } = context.repo();
      const p = context.payload.pull_request;
      await review(context.octokit.request as unknown as GitHubRequest, { owner, repo, number: p.number, headSha: p.head.sha, baseSha: p.base.sha }, `pull_request.${context.payload.action}`);
    });
    app.on('check_suite.rerequested', async (context) => {
      const { owner, repo } = context.repo();
      const suite = context.payload.check_suite;
      const p = (suite.pull_requests as PrLike[])[0];
      if (!p) {
        app.log.info({ event: 'check_suite.rerequested', reason_code: 'WH_EVENT_IGNORED', head_sha: suite.head_sha }, 'no pull request for this check suite');
        return;
      }
      await review(context.octokit.request as unknown as GitHubRequest, { owner, repo, number: p.number, headSha: suite.head_sha, baseSha: p.base.sha }, 'check_suite.rerequested');
    });
    app.on('check_run.rerequested', async (context) => {
      const { owner, repo } = context.repo();
      const run = context.payload.check_run;
      const p = (run.pull_requests as PrLike[])[0];
      if (!p) {
        app.log.info({ event: 'check_run.rerequested', reason_code: 'WH_EVENT_IGNORED', head_sha: run.head_sha }, 'no pull request for this check run');
        return;
      }
      await review(context.octokit.request as unknown as GitHubRequest, { owner, repo, number: p.number, headSha: run.head_sha, baseSha: p.base.sha }, 'check_run.rerequested');
    });
  };
}
