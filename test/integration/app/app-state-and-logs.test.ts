import { createHmac, randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDeliveryMemory } from '../../../app/delivery-memory.js';
import { commitFiles, runGit } from '../../../testkit/git-http-server.js';
import type { GitHubStandIn } from '../../../testkit/github-stand-in.js';
import { appKey, capturingLogger, deliver, pullRequestPayload, SECRET, standIn, startApp, testConfig } from '../../helpers/app-harness.js';
import { miniRepo } from '../../helpers/mini-repo.js';

let dir: string;
let work: string;
let base: string;
let key: ReturnType<typeof appKey>;
const pulls = new Map<number, { base: string; head: string }>();
let gh: GitHubStandIn;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'writ-app-state-'));
  work = join(dir, 'work');
  base = commitFiles(work, miniRepo(), 'base');
  const rule = miniRepo()['policies/L1-TEST-001.yaml'] as string;
  runGit(work, ['checkout', '--quiet', '-B', 'findings', base]);
  pulls.set(1, { base, head: commitFiles(work, { 'policies/L1-TEST-001.yaml': rule.replace('severity: high', 'severity: hgih') }, 'findings') });
  runGit(work, ['checkout', '--quiet', '-B', 'clean', base]);
  pulls.set(2, { base, head: commitFiles(work, { 'policies/L1-TEST-001.yaml': rule.replace('max_tries: 4', 'max_tries: 5') }, 'clean') });
  key = appKey(dir);
  gh = await standIn(work, key.publicKeyPem, pulls);
}, 60_000);

afterAll(async () => {
  await gh?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('App log lines', () => {
  it('carry event, reason_code, delivery, repo, pull_request, head_sha, duration_ms and installation, and never a secret or token', async () => {
    const { log, lines, raw } = capturingLogger('trace');
    const app = await startApp(testConfig(key.keyPath, gh), log);
    try {
      const id = randomUUID();
      const { head } = pulls.get(1)!;
      expect((await deliver(app, 'pull_request', pullRequestPayload('synchronize', 1, pulls.get(1)!), { id })).status).toBe(202);
      const mine = lines.filter((l) => l['delivery'] === id);
      const expected = { delivery: id, installation: 77, repo: 'clinic-msp/policy', pull_request: 1, head_sha: head };
      expect(mine.find((l) => l['event'] === 'delivery_accepted')).toMatchObject({ ...expected, github_event: 'pull_request.synchronize' });
      const reviewed = mine.find((l) => l['event'] === 'review_completed');
      expect(reviewed).toMatchObject({ ...expected, github_event: 'pull_request.synchronize', conclusion: 'failure' });
      expect(reviewed!['duration_ms']).toEqual(expect.any(Number));
      expect(mine.find((l) => l['event'] === 'delivery_handled')).toMatchObject({ ...expected, duration_ms: expect.any(Number) });

      // A replay, a forged signature and a failing review: each names its reason code.
      await deliver(app, 'pull_request', pullRequestPayload('synchronize', 1, pulls.get(1)!), { id });
      expect(lines.find((l) => l['event'] === 'delivery_replayed')).toMatchObject({ reason_code: 'WH_DELIVERY_REPLAYED', delivery: id });
      const forgedId = randomUUID();
      await deliver(app, 'pull_request', pullRequestPayload('opened', 2, pulls.get(2)!), { id: forgedId, secret: 'another-secret-that-is-long-enough-0000' });
      expect(lines.find((l) => l['event'] === 'delivery_refused')).toMatchObject({ reason_code: 'WH_SIGNATURE_INVALID', delivery: forgedId });
      const failing = pullRequestPayload('opened', 9, { base, head: pulls.get(2)!.head }); // the stand-in knows no PR 9: files → 404
      const failingId = randomUUID();
      await deliver(app, 'pull_request', failing, { id: failingId });
      expect(lines.find((l) => l['event'] === 'review_failed' && l['delivery'] === failingId)).toMatchObject({ reason_code: 'WH_REVIEW_FAILED', pull_request: 9, installation: 77 });
      expect(lines.find((l) => l['event'] === 'delivery_failed' && l['delivery'] === failingId)).toMatchObject({ reason_code: 'WH_REVIEW_FAILED' });

      // Every line of the App's own, at trace level, error lines included: no secret material.
      const token = /gh[pousr]_[A-Za-z0-9]{20,}/;
      const jwt = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/;
      const keyBody = key.privateKeyPem.split('\n')[1]!;
      expect(raw.length).toBeGreaterThan(5);
      for (const line of raw) {
        expect(line).not.toContain(SECRET);
        expect(line).not.toContain(keyBody);
        expect(line).not.toMatch(token);
        expect(line).not.toMatch(jwt);
      }
      // Every App line names what happened.
      const appLines = lines.filter((l) => typeof l['event'] === 'string' && /^(delivery|review|event)_/.test(l['event'] as string));
      expect(appLines.length).toBeGreaterThanOrEqual(7);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('refuses delivery ids that are not ids before remembering or logging them', async () => {
    const { log, raw } = capturingLogger('trace');
    const app = await startApp(testConfig(key.keyPath, gh), log);
    try {
      // Correctly signed, so only the id is wrong (the header is not covered by the signature).
      const body = JSON.stringify(pullRequestPayload('opened', 2, pulls.get(2)!));
      const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
      const before = gh.calls.length;
      for (const bad of ['', 'a%0Ab', 'x'.repeat(65), '../../etc/passwd', 'id with space', 'id"}{"event":"forged', '%F0%9F%92%A5']) {
        const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': bad, 'x-hub-signature-256': signature }, body });
        expect(res.status).toBe(400);
      }
      expect(gh.calls.length).toBe(before);
      for (const line of raw) expect(line).not.toMatch(/etc\/passwd|forged|id with space/);
    } finally {
      await app.close();
    }
  }, 60_000);
});

describe('replay memory across restarts (WRIT_APP_STATE_DIR)', () => {
  it('answers a replay to a new server instance without side effects, but reviews a delivery that had failed', async () => {
    const state = join(dir, 'state');
    const config = testConfig(key.keyPath, gh, { WRIT_APP_STATE_DIR: state });
    const handled = randomUUID();
    const failed = randomUUID();
    const failing = pullRequestPayload('opened', 9, { base, head: pulls.get(2)!.head });
    const first = await startApp(config);
    try {
      expect((await deliver(first, 'pull_request', pullRequestPayload('synchronize', 2, pulls.get(2)!), { id: handled })).status).toBe(202);
      expect((await deliver(first, 'pull_request', failing, { id: failed })).status).toBe(202);
    } finally {
      await first.close();
    }
    expect(readFileSync(join(state, 'deliveries', 'seen'), 'utf8')).toBe(`${handled}\n`);

    const second = await startApp(config);
    try {
      const before = gh.calls.length;
      expect(await deliver(second, 'pull_request', pullRequestPayload('synchronize', 2, pulls.get(2)!), { id: handled })).toEqual({ status: 200, body: { reason_code: 'WH_DELIVERY_REPLAYED' } });
      expect(gh.calls.length).toBe(before);
      // The failed one was never recorded: GitHub's redelivery of it is reviewed again.
      expect((await deliver(second, 'pull_request', failing, { id: failed })).status).toBe(202);
      expect(gh.calls.length).toBeGreaterThan(before);
    } finally {
      await second.close();
    }
    // Without the state folder, a new instance does not know the id (the memory is what persisted it).
    const forgetful = await startApp(testConfig(key.keyPath, gh));
    try {
      expect((await deliver(forgetful, 'pull_request', pullRequestPayload('synchronize', 2, pulls.get(2)!), { id: handled })).status).toBe(202);
    } finally {
      await forgetful.close();
    }
  }, 90_000);

  it('survives a line torn by a crash and stays bounded, keeping the newest ids', () => {
    const state = mkdtempSync(join(dir, 'memory-'));
    const ids = Array.from({ length: 10 }, () => randomUUID());
    const a = openDeliveryMemory(state, 3);
    for (const id of ids) { a.add(id); a.persist(id); }
    const file = join(state, 'deliveries', 'seen');
    const lineCount = () => readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
    expect(lineCount()).toBeLessThanOrEqual(6);
    appendFileSync(file, ids[0]!.slice(0, 20)); // a torn append: no newline
    const b = openDeliveryMemory(state, 3);
    expect(ids.slice(-3).every((id) => b.has(id))).toBe(true);
    expect(ids.slice(0, 7).some((id) => b.has(id))).toBe(false);
    expect(b.has(ids[0]!.slice(0, 20))).toBe(false);
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
  });
});
