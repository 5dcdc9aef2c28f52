import type { ApplicationFunction } from 'probot';
import { appLogFields } from './app-log.js';
import type { GitHubRequest } from './github-request.js';
import { handlePushRelease } from './handle-push-release.js';
import type { AppReleaseConfig } from './release-config.js';
import { handlePushEscalations } from './handle-push-escalations.js';
import { reviewPullRequest, type PullRequestRef } from './review-pull-request.js';
import type { ReviewCache } from './review-cache.js';

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
export function writApp(options: { now: () => Date; cache?: ReviewCache; release?: AppReleaseConfig | undefined }): ApplicationFunction {
  return (app) => {
    handlePushRelease(app, options);
    handlePushEscalations(app);
    const review = async (request: GitHubRequest, pr: PullRequestRef, event: string, from: { id: string; payload: { installation?: { id: number } } }) => {
      const started = Date.now();
      const fields = { delivery: from.id, github_event: event, installation: from.payload.installation?.id, repo: `${pr.owner}/${pr.repo}`, pull_request: pr.number, head_sha: pr.headSha };
      try {
        const out = await reviewPullRequest(request, pr, options.now(), options.cache ? { cache: options.cache } : {});
        app.log.info(appLogFields({ event: 'review_completed', ...fields, duration_ms: Date.now() - started }, { conclusion: out.conclusion, annotations: out.annotations.length }), 'reviewed');
      } catch (e) {
        app.log.error(appLogFields({ event: 'review_failed', reason_code: 'WH_REVIEW_FAILED', ...fields, duration_ms: Date.now() - started }, { err: e }), 'review failed');
        throw e;
      }
    };
    app.on([...REVIEWED_ACTIONS], async (context) => {
      const { owner, repo } = context.repo();
      const p = context.payload.pull_request;
      await review(context.octokit.request as unknown as GitHubRequest, { owner, repo, number: p.number, headSha: p.head.sha, baseSha: p.base.sha }, `pull_request.${context.payload.action}`, context);
    });
    app.on('check_suite.rerequested', async (context) => {
      const { owner, repo } = context.repo();
      const suite = context.payload.check_suite;
      const p = (suite.pull_requests as PrLike[])[0];
      if (!p) {
        app.log.info(appLogFields({ event: 'event_ignored', reason_code: 'WH_EVENT_IGNORED', delivery: context.id, github_event: 'check_suite.rerequested', installation: context.payload.installation?.id, head_sha: suite.head_sha }), 'no pull request for this check suite');
        return;
      }
      await review(context.octokit.request as unknown as GitHubRequest, { owner, repo, number: p.number, headSha: suite.head_sha, baseSha: p.base.sha }, 'check_suite.rerequested', context);
    });
    app.on('check_run.rerequested', async (context) => {
      const { owner, repo } = context.repo();
      const run = context.payload.check_run;
      const p = (run.pull_requests as PrLike[])[0];
      if (!p) {
        app.log.info(appLogFields({ event: 'event_ignored', reason_code: 'WH_EVENT_IGNORED', delivery: context.id, github_event: 'check_run.rerequested', installation: context.payload.installation?.id, head_sha: run.head_sha }), 'no pull request for this check run');
        return;
      }
      await review(context.octokit.request as unknown as GitHubRequest, { owner, repo, number: p.number, headSha: run.head_sha, baseSha: p.base.sha }, 'check_run.rerequested', context);
    });
  };
}
