import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../../app/config-from-env.js';
import { startAppServer, type AppServer } from '../../../app/server.js';
import { commitFiles, runGit } from '../../../testkit/git-http-server.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../../testkit/github-stand-in.js';
import { miniRepo } from '../../helpers/mini-repo.js';

const SECRET = 'writ-test-webhook-secret-0123456789abcdef';
const APP_ID = 4242;
const INSTALLATION = 77;
const OWNER = 'clinic-msp';
const REPO = 'policy';

type Payload = Record<string, any>;
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Payload[] }[];
const example = (name: string, action: string): Payload => {
  const found = examples.find((e) => e.name === name)!.examples.find((p) => p.action === action && p.installation);
  return structuredClone(found!);
};

let dir: string;
let work: string;
let baseSha: string;
const heads: Record<string, string> = {};
const pulls = new Map<number, { base: string; head: string }>();
let gh: GitHubStandIn;
let app: AppServer;

/** A real example payload adjusted to the test repository, installation and pull request. */
function pullRequestPayload(action: string, number: number, installation = INSTALLATION): Payload {
  const p = example('pull_request', action);
  const { base, head } = pulls.get(number)!;
  p.number = number;
  p.installation.id = installation;
  p.repository.name = REPO;
  p.repository.full_name = `${OWNER}/${REPO}`;
  p.repository.owner.login = OWNER;
  p.pull_request.number = number;
  p.pull_request.head.sha = head;
  p.pull_request.base.sha = base;
  return p;
}

async function deliver(name: string, payload: Payload, options: { secret?: string | null; id?: string } = {}): Promise<{ status: number; body: any }> {
  const raw = Buffer.from(JSON.stringify(payload));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': name, 'x-github-delivery': options.id ?? randomUUID() };
  const secret = options.secret === undefined ? SECRET : options.secret;
  if (secret !== null) headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  const res = await fetch(app.url, { method: 'POST', headers, body: raw });
  const answer = { status: res.status, body: await res.json() };
  await app.idle();
  return answer;
}

const patchesOf = (id: number) => gh.calls.filter((c) => c.method === 'PATCH' && c.path.endsWith(`/check-runs/${id}`));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'writ-app-'));
  work = join(dir, 'work');
  baseSha = commitFiles(work, miniRepo(), 'base');
  const branch = (name: string, files: Record<string, string | null>) => {
    runGit(work, ['checkout', '--quiet', '-B', name, baseSha]);
    heads[name] = commitFiles(work, files, name);
  };
  const rule = miniRepo()['policies/L1-TEST-001.yaml'] as string;
  branch('clean', { 'policies/L1-TEST-001.yaml': rule.replace('max_tries: 4', 'max_tries: 5') });
  branch('findings', { 'policies/L1-TEST-001.yaml': rule.replace('severity: high', 'severity: hgih') });
  const many: Record<string, string> = {};
  for (let i = 0; i < 60; i++) {
    const id = `L1-BAD-${String(i).padStart(3, '0')}`;
    many[`policies/${id}.yaml`] = rule.replace('L1-TEST-001', id).replace('severity: high', 'severity: hgih');
  }
  branch('many', many);
  branch('dirty-base', { 'policies/L1-OLD-001.yaml': rule.replace('L1-TEST-001', 'L1-OLD-001').replace('severity: high', 'severity: hgih') });
  const dirtyBase = heads['dirty-base']!;
  runGit(work, ['checkout', '--quiet', '-B', 'dirty-head', dirtyBase]);
  heads['dirty-head'] = commitFiles(work, { 'policies/L1-TEST-001.yaml': rule.replace('max_tries: 4', 'max_tries: 6') }, 'dirty-head');
  pulls.set(4, { base: dirtyBase, head: heads['dirty-head'] });
  pulls.set(1, { base: baseSha, head: heads['clean']! });
  pulls.set(2, { base: baseSha, head: heads['findings']! });
  pulls.set(3, { base: baseSha, head: heads['many']! });

  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPath = join(dir, 'app.pem');
  writeFileSync(keyPath, privateKey.export({ type: 'pkcs1', format: 'pem' }));
  gh = await startGitHubStandIn({ gitDir: work, owner: OWNER, repo: REPO, appId: APP_ID, appPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, pulls });
  const config = configFromEnv({
    APP_ID: String(APP_ID), PRIVATE_KEY_PATH: keyPath, WEBHOOK_SECRET: SECRET, GHE_HOST: gh.host, GHE_PROTOCOL: 'http',
    WRIT_APP_INSTALLATIONS: String(INSTALLATION), WRIT_APP_REPOSITORIES: `${OWNER}/${REPO}`, WRIT_NOW: '2026-11-28T09:00:00Z', LOG_LEVEL: process.env['WRIT_TEST_LOG'] ?? 'fatal',
  });
  app = await startAppServer(config, { host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await gh?.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  gh.calls.length = 0;
});

describe('writ GitHub App on loopback', () => {
  it('reviews a clean pull request: one check run, success, counts and the plan in the summary', async () => {
    const r = await deliver('pull_request', pullRequestPayload('opened', 1));
    expect(r.status).toBe(202);
    const runs = gh.checkRuns.filter((c) => c.head_sha === heads['clean']);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run).toMatchObject({ name: 'writ', status: 'completed', conclusion: 'success' });
    expect(run.output?.summary).toContain('## writ review');
    expect(run.output?.summary).toContain('| 0 | 0 | 0 | 0 | 0 |');
    expect(run.output?.summary).toMatch(/## writ plan/);
    expect(run.annotations).toEqual([]);
    // The App authenticated as itself (JWT) once, then used the installation token for reads and writes.
    expect(gh.calls[0]).toMatchObject({ method: 'POST', path: `/app/installations/${INSTALLATION}/access_tokens` });
    expect(gh.calls.filter((c) => c.path.includes('/git/trees/')).map((c) => c.path).sort()).toEqual(
      [`/repos/${OWNER}/${REPO}/git/trees/${baseSha}?recursive=1`, `/repos/${OWNER}/${REPO}/git/trees/${heads['clean']}?recursive=1`].sort());
    expect(gh.calls.every((c) => c.path.startsWith('/app/') || c.path.startsWith(`/repos/${OWNER}/${REPO}/`))).toBe(true);
  }, 60_000);

  it('keeps one check run per head SHA when the pull request is synchronized and the suite rerequested', async () => {
    await deliver('pull_request', pullRequestPayload('synchronize', 1));
    const suite = example('check_suite', 'rerequested');
    suite.installation.id = INSTALLATION;
    Object.assign(suite.repository, { name: REPO, full_name: `${OWNER}/${REPO}` });
    suite.repository.owner.login = OWNER;
    suite.check_suite.head_sha = heads['clean'];
    suite.check_suite.pull_requests = [{ ...suite.check_suite.pull_requests[0], number: 1, head: { ...suite.check_suite.pull_requests[0].head, sha: heads['clean'] }, base: { ...suite.check_suite.pull_requests[0].base, sha: baseSha } }];
    expect((await deliver('check_suite', suite)).status).toBe(202);
    expect(gh.checkRuns.filter((c) => c.head_sha === heads['clean'])).toHaveLength(1);
    expect(gh.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/check-runs'))).toEqual([]);
  }, 60_000);

  it('annotates findings on the exact changed line and fails the check', async () => {
    expect((await deliver('pull_request', pullRequestPayload('opened', 2))).status).toBe(202);
    const run = gh.checkRuns.find((c) => c.head_sha === heads['findings'])!;
    expect(run.conclusion).toBe('failure');
    const enumAnnotation = run.annotations.find((a) => a['title'] === 'SCHEMA_ENUM');
    expect(enumAnnotation).toMatchObject({ path: 'policies/L1-TEST-001.yaml', start_line: 5, end_line: 5, annotation_level: 'failure' });
    expect(run.annotations.every((a) => a['path'] === 'policies/L1-TEST-001.yaml')).toBe(true);
  }, 60_000);

  it('sends every one of more than 50 annotations, at most 50 per request', async () => {
    expect((await deliver('pull_request', pullRequestPayload('opened', 3))).status).toBe(202);
    const run = gh.checkRuns.find((c) => c.head_sha === heads['many'])!;
    expect(run.conclusion).toBe('failure');
    const sizes = patchesOf(run.id).map((c) => ((c.body as any).output?.annotations ?? []).length as number);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(run.annotations.length).toBeGreaterThanOrEqual(60);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(run.annotations.length);
    expect(sizes.filter((n) => n > 0)).toHaveLength(Math.ceil(run.annotations.length / 50));
    const inTable = /\| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|/.exec(run.output!.summary!)!;
    expect(Number(inTable[4])).toBe(run.annotations.length);
    // The last request completes the run.
    expect((patchesOf(run.id).at(-1)!.body as any).status).toBe('completed');
  }, 60_000);

  it('summarises findings outside the pull request\'s files instead of annotating them', async () => {
    expect((await deliver('pull_request', pullRequestPayload('opened', 4))).status).toBe(202);
    const run = gh.checkRuns.find((c) => c.head_sha === heads['dirty-head'])!;
    expect(run.conclusion).toBe('failure');
    expect(run.annotations).toEqual([]);
    expect(run.output?.summary).toContain("### Findings outside this pull request's files");
    expect(run.output?.summary).toMatch(/- policies\/L1-OLD-001\.yaml: \d+/);
  }, 60_000);

  it('completes the check run as failed when the review cannot read the pull request, and handles a redelivery again', async () => {
    const p = pullRequestPayload('opened', 4);
    p.number = 9;
    p.pull_request.number = 9;
    p.pull_request.head.sha = heads['dirty-base'];
    p.pull_request.base.sha = baseSha;
    const id = randomUUID();
    expect((await deliver('pull_request', p, { id })).status).toBe(202);
    const run = gh.checkRuns.find((c) => c.head_sha === heads['dirty-base'])!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.output?.summary).toContain('WH_REVIEW_FAILED');
    const before = gh.calls.length;
    expect((await deliver('pull_request', p, { id })).status).toBe(202);
    expect(gh.calls.length).toBeGreaterThan(before);
    expect(gh.checkRuns.filter((c) => c.head_sha === heads['dirty-base'])).toHaveLength(1);
  }, 60_000);

  it('refuses forged and missing signatures before parsing: 401 and zero API calls', async () => {
    const forged = await deliver('pull_request', pullRequestPayload('opened', 1), { secret: 'another-secret-that-is-long-enough-0000' });
    expect(forged).toEqual({ status: 401, body: { reason_code: 'WH_SIGNATURE_INVALID' } });
    const missing = await deliver('pull_request', pullRequestPayload('opened', 1), { secret: null });
    expect(missing).toEqual({ status: 401, body: { reason_code: 'WH_SIGNATURE_MISSING' } });
    // A body that is not even JSON is refused for its signature, not its syntax.
    const res = await fetch(app.url, { method: 'POST', headers: { 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, body: '{not json' });
    expect(res.status).toBe(401);
    expect(gh.calls).toEqual([]);
  });

  it('answers a replayed delivery id without repeating side effects', async () => {
    const id = randomUUID();
    const payload = pullRequestPayload('reopened', 2);
    expect((await deliver('pull_request', payload, { id })).status).toBe(202);
    const after = gh.calls.length;
    expect(after).toBeGreaterThan(0);
    const again = await deliver('pull_request', payload, { id });
    expect(again).toEqual({ status: 200, body: { reason_code: 'WH_DELIVERY_REPLAYED' } });
    expect(gh.calls.length).toBe(after);
  }, 60_000);

  it('does nothing for an installation or repository off the allow-list', async () => {
    const r = await deliver('pull_request', pullRequestPayload('opened', 1, 999));
    expect(r).toEqual({ status: 202, body: { reason_code: 'WH_INSTALLATION_NOT_ALLOWED' } });
    const other = pullRequestPayload('opened', 1);
    other.repository.full_name = `${OWNER}/other`;
    expect((await deliver('pull_request', other)).body).toEqual({ reason_code: 'WH_INSTALLATION_NOT_ALLOWED' });
    expect(gh.calls).toEqual([]);
  });
});
