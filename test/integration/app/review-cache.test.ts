import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../../app/server.js';
import { commitFiles, runGit } from '../../../testkit/git-http-server.js';
import type { GitHubStandIn } from '../../../testkit/github-stand-in.js';
import { appKey, deliver, pullRequestPayload, standIn, startApp, testConfig } from '../../helpers/app-harness.js';
import { miniRepo } from '../../helpers/mini-repo.js';

// Two Apps, each with its own stand-in on the same git repository: one with the blob cache (the
// default) and one with WRIT_APP_CACHE_MB=0. Every push is delivered to both; their check runs must
// be identical, while the cached App fetches only the blobs that changed.
let dir: string;
let work: string;
let base: string;
const pulls = new Map<number, { base: string; head: string }>();
let cachedGh: GitHubStandIn;
let plainGh: GitHubStandIn;
let cached: AppServer;
let plain: AppServer;

const rule = miniRepo()['policies/L1-TEST-001.yaml'] as string;
const site = miniRepo()['sites/clinic-test.yaml'] as string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'writ-app-cache-'));
  work = join(dir, 'work');
  base = commitFiles(work, miniRepo(), 'base');
  const key = appKey(dir);
  cachedGh = await standIn(work, key.publicKeyPem, pulls);
  plainGh = await standIn(work, key.publicKeyPem, pulls);
  cached = await startApp(testConfig(key.keyPath, cachedGh));
  plain = await startApp(testConfig(key.keyPath, plainGh, { WRIT_APP_CACHE_MB: '0' }));
  expect(cached.cache).toBeDefined();
  expect(plain.cache).toBeUndefined();
}, 60_000);

afterAll(async () => {
  await cached?.close();
  await plain?.close();
  await cachedGh?.stop();
  await plainGh?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Commits `files` on top of the current head of PR 1, delivers the push to both Apps, returns both runs. */
async function pushAndReview(files: Record<string, string | null>, message: string) {
  runGit(work, ['checkout', '--quiet', '-B', 'pr', pulls.get(1)?.head ?? base]);
  const head = commitFiles(work, files, message);
  pulls.set(1, { base, head });
  const blobCalls = cachedGh.calls.length;
  const payload = pullRequestPayload('synchronize', 1, { base, head });
  expect((await deliver(cached, 'pull_request', payload)).status).toBe(202);
  expect((await deliver(plain, 'pull_request', payload)).status).toBe(202);
  const one = (gh: GitHubStandIn) => {
    const runs = gh.checkRuns.filter((r) => r.head_sha === head);
    expect(runs).toHaveLength(1);
    const { id: _id, ...run } = runs[0]!;
    return run;
  };
  const fetched = cachedGh.calls.slice(blobCalls).filter((c) => c.path.includes('/git/blobs/')).length;
  return { head, cached: one(cachedGh), plain: one(plainGh), fetched };
}

describe('the App\'s blob cache', () => {
  it('gives the same check run as an uncached review, push after push, and re-validates every changed blob', async () => {
    // 1: a finding (misspelt severity) and a plan change (the site's parameter).
    const first = await pushAndReview({
      'policies/L1-TEST-001.yaml': rule.replace('severity: high', 'severity: hgih'),
      'sites/clinic-test.yaml': site.replace('max_tries: 3', 'max_tries: 5'),
    }, 'finding');
    expect(first.cached).toEqual(first.plain);
    expect(first.cached).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(first.cached.annotations.some((a) => a['title'] === 'SCHEMA_ENUM' && a['path'] === 'policies/L1-TEST-001.yaml')).toBe(true);
    expect(first.cached.output?.summary).toContain('## writ plan');

    // 2: the finding fixed, another one introduced in a file that was clean: both blobs are new.
    const second = await pushAndReview({
      'policies/L1-TEST-001.yaml': rule.replace('max_tries: 4', 'max_tries: 6'),
      'policies/L1-TEST-002.yaml': (miniRepo()['policies/L1-TEST-002.yaml'] as string).replace('severity: medium', 'severity: mediun'),
    }, 'fix one, break another');
    expect(second.cached).toEqual(second.plain);
    expect(second.cached.conclusion).toBe('failure');
    const paths = new Set(second.cached.annotations.map((a) => a['path']));
    expect(paths.has('policies/L1-TEST-002.yaml')).toBe(true);
    expect(second.cached.annotations.some((a) => a['path'] === 'policies/L1-TEST-001.yaml' && a['title'] === 'SCHEMA_ENUM')).toBe(false);
    // Only the two changed blobs were fetched; everything else came from the cache.
    expect(second.fetched).toBe(2);

    // 3: the same bytes under another path (a copy) are a different file: its id no longer matches.
    const third = await pushAndReview({ 'policies/L1-COPY-001.yaml': rule.replace('max_tries: 4', 'max_tries: 6') }, 'copy');
    expect(third.cached).toEqual(third.plain);
    expect(third.cached.annotations.some((a) => a['path'] === 'policies/L1-COPY-001.yaml' && a['title'] === 'LINT_ID_FILENAME')).toBe(true);
    expect(third.fetched).toBe(0);

    // 4: back to clean: a blob seen before (the base's rule) is reused, and the review is clean again.
    const fourth = await pushAndReview({
      'policies/L1-TEST-001.yaml': rule,
      'policies/L1-TEST-002.yaml': miniRepo()['policies/L1-TEST-002.yaml'] as string,
      'policies/L1-COPY-001.yaml': null,
    }, 'clean');
    expect(fourth.cached).toEqual(fourth.plain);
    expect(fourth.cached.conclusion).toBe('success');
    expect(fourth.fetched).toBe(0);
    expect(cached.cache!.stats.blobHits).toBeGreaterThan(0);
  }, 120_000);
});
