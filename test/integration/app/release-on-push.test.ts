import { execFileSync } from 'node:child_process';
import { createHash, createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../../app/config-from-env.js';
import { startAppServer, type AppServer } from '../../../app/server.js';
import { fetchBranch } from '../../../adapters/git/fetch-branch.js';
import { listFilesUnder } from '../../../adapters/git/list-files-under.js';
import { readBlobAt } from '../../../adapters/git/read-blob-at.js';
import { initApplianceKeys, readApplianceKeys } from '../../../adapters/keys/appliance-keys.js';
import { initKeyDir } from '../../../adapters/keys/key-dir.js';
import { publishRelease } from '../../../adapters/release/publish-release.js';
import { loadReleaseSigners, validateReleaseSource } from '../../../adapters/release/release-commit.js';
import { readTreeFiles } from '../../../adapters/git/read-tree-files.js';
import { verifyRelease } from '../../../adapters/tuf/verify-release.js';
import { DEFAULT_LOAD_LIMITS } from '../../../core/load/source-file.js';
import { commitFiles, runGit, startGitHttpServer, type GitHttpServer } from '../../../testkit/git-http-server.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../../testkit/github-stand-in.js';
import { miniRepo } from '../../helpers/mini-repo.js';

const ROOT = join(import.meta.dirname, '../../..');
const SECRET = 'writ-test-webhook-secret-0123456789abcdef';
const APP_ID = 4343;
const INSTALLATION = 78;
const OWNER = 'clinic-msp';
const REPO = 'policy';
const NOW = '2026-11-28T09:00:00Z';
/** The release identity's token: the only credential the git server accepts. */
const RELEASE_TOKEN = 'ghp_releaseIdentityToken0123456789abcdefXYZ';
const BRANCH = 'writ/releases';

type Payload = Record<string, any>;
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Payload[] }[];

let dir: string;
let work: string;
let keys: string;
let applianceKeyPath: string;
let tokenPath: string;
let rule: string;
let gh: GitHubStandIn;
let git: GitHttpServer;
let app: AppServer;
const logLines: string[] = [];

/** The real `push` example (a branch push with an installation) adjusted to the test repository. */
function pushPayload(after: string, overrides: Partial<{ ref: string; deleted: boolean; before: string }> = {}): Payload {
  const p = structuredClone(examples.find((e) => e.name === 'push')!.examples.find((e) => e['installation'] && String(e['ref']).startsWith('refs/heads/'))!);
  p.installation.id = INSTALLATION;
  Object.assign(p.repository, { name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: 'main', master_branch: 'main' });
  p.repository.owner.login = OWNER;
  p.ref = 'refs/heads/main';
  p.before = '0'.repeat(40);
  p.after = after;
  p.created = false;
  p.deleted = false;
  p.head_commit = { ...p.head_commit, id: after };
  return Object.assign(p, overrides);
}

async function deliver(name: string, payload: Payload, id = randomUUID()): Promise<{ status: number; body: any }> {
  const raw = Buffer.from(JSON.stringify(payload));
  const res = await fetch(app.url, {
    method: 'POST', body: raw,
    headers: { 'content-type': 'application/json', 'x-github-event': name, 'x-github-delivery': id, 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}` },
  });
  const answer = { status: res.status, body: await res.json() };
  await app.idle();
  return answer;
}

const releaseTip = () => {
  try {
    return runGit(work, ['rev-parse', '--verify', '--quiet', `refs/heads/${BRANCH}`]);
  } catch {
    return null;
  }
};
const statusesOf = (sha: string) => gh.statuses.filter((s) => s.sha === sha && s.context === 'writ/release');
const pushRequests = () => git.requests.filter((r) => r.path.includes('git-receive-pack'));

/** Verifies the newest release on the served repository as an appliance would (TUF + decryption). */
async function verifyPublished() {
  const fetched = await fetchBranch({ dir: work, branch: BRANCH, timeoutMs: 30_000 });
  const cache = {};
  return verifyRelease({
    read: (path, maxBytes) => readBlobAt({ gitdir: fetched.gitdir, commit: fetched.commit, path, maxBytes, cache }),
    listTargetFiles: () => listFilesUnder({ gitdir: fetched.gitdir, commit: fetched.commit, dir: 'targets', cache }),
    trustedRoot: new Uint8Array(readFileSync(join(keys, 'root.json'))),
    site: 'clinic-test', applianceKey: readApplianceKeys(applianceKeyPath).encryption, now: new Date(NOW),
  });
}

function baseEnv(): Record<string, string> {
  return {
    APP_ID: String(APP_ID), PRIVATE_KEY_PATH: join(dir, 'app.pem'), WEBHOOK_SECRET: SECRET, GHE_HOST: gh.host, GHE_PROTOCOL: 'http',
    WRIT_APP_INSTALLATIONS: String(INSTALLATION), WRIT_APP_REPOSITORIES: `${OWNER}/${REPO}`, WRIT_NOW: NOW, LOG_LEVEL: 'info',
    WRIT_RELEASE_KEYS_DIR: keys, WRIT_RELEASE_TOKEN_PATH: tokenPath, WRIT_APP_STATE_DIR: join(dir, 'state'),
    WRIT_RELEASE_GIT_URL: git.url('{repo}/.git'),
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'writ-app-release-'));
  work = join(dir, REPO);
  keys = join(dir, 'keys');
  initKeyDir(keys, { counts: { root: { keys: 1, threshold: 1 }, targets: { keys: 1, threshold: 1 }, snapshot: { keys: 1, threshold: 1 }, timestamp: { keys: 1, threshold: 1 } }, now: new Date(NOW), rootExpirySeconds: 365 * 86400 });
  const appliance = initApplianceKeys(join(dir, 'appliance'), 'clinic-test', 'test-appl-1');
  applianceKeyPath = appliance.path;
  const files = miniRepo() as Record<string, string>;
  files['sites/clinic-test.yaml'] = files['sites/clinic-test.yaml']!.replace(/encryption_key: \S+/, `encryption_key: ${appliance.encryptionKey}`);
  files['runbooks/linux/lib/writ-result.sh'] = readFileSync(join(ROOT, 'runbooks/linux/lib/writ-result.sh'), 'utf8');
  rule = files['policies/L1-TEST-001.yaml']!;
  commitFiles(work, files, 'policy');
  tokenPath = join(dir, 'release-token');
  writeFileSync(tokenPath, `${RELEASE_TOKEN}\n`, { mode: 0o600 });

  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'app.pem'), privateKey.export({ type: 'pkcs1', format: 'pem' }));
  gh = await startGitHubStandIn({ gitDir: work, owner: OWNER, repo: REPO, appId: APP_ID, appPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, pulls: new Map() });
  git = await startGitHttpServer({ projectRoot: dir, auth: { user: 'x-access-token', token: RELEASE_TOKEN } });
  const sink = new Writable({ write(chunk, _enc, done) { logLines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
  app = await startAppServer(configFromEnv(baseEnv()), { host: '127.0.0.1', port: 0, log: pino({ level: 'info' }, sink) });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await gh?.stop();
  await git?.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  gh.calls.length = 0;
  git.requests.length = 0;
  logLines.length = 0;
});

describe('the App releases a push to the default branch', () => {
  let released: string;

  it('releases the merged commit with the release identity; an appliance verifies it; the status names the version and digest', async () => {
    released = commitFiles(work, { 'policies/L1-TEST-001.yaml': rule.replace('max_tries: 4', 'max_tries: 5') }, 'merge #1');
    const r = await deliver('push', pushPayload(released));
    expect(r.status).toBe(202);
    expect(statusesOf(released).map((s) => s.state)).toEqual(['pending', 'success']);

    const verified = await verifyPublished();
    expect(verified).toMatchObject({ version: 1, commit: released });
    const digest = createHash('sha256').update(execFileSync('git', ['cat-file', 'blob', `${BRANCH}:metadata/1.targets.json`], { cwd: work })).digest('hex');
    const success = statusesOf(released)[1]!;
    expect(success.description).toContain('version 1');
    expect(success.description).toContain(`sha256:${digest.slice(0, 12)}`);
    // The git server accepts only the release token: the push happened with the release identity.
    expect(pushRequests().some((q) => q.method === 'POST' && q.status === 200)).toBe(true);
    // … and the release token never went to the GitHub API, nor the installation token to git.
    expect(gh.calls.every((c) => !c.authorization.includes(RELEASE_TOKEN))).toBe(true);
    expect(runGit(work, ['log', '-1', '--format=%B', BRANCH])).toContain(`Policy commit: ${released}`);
    const line = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'released');
    expect(line).toMatchObject({ event: 'push', reason_code: 'WH_RELEASED', repo: `${OWNER}/${REPO}`, commit: released, release_version: 1, release_digest: digest });
  }, 120_000);

  it('answers a replayed delivery without releasing or reporting again', async () => {
    const id = randomUUID();
    const tip = releaseTip();
    const before = gh.statuses.length;
    await deliver('push', pushPayload(commitFiles(work, { 'policies/L1-TEST-001.yaml': rule.replace('max_tries: 4', 'max_tries: 6') }, 'merge #2')), id);
    expect(releaseTip()).not.toBe(tip);
    const tip2 = releaseTip();
    const statuses = gh.statuses.length;
    expect(statuses).toBe(before + 2);
    released = runGit(work, ['rev-parse', 'HEAD']);
    const again = await deliver('push', pushPayload(released), id);
    expect(again).toMatchObject({ status: 200, body: { reason_code: 'WH_DELIVERY_REPLAYED' } });
    expect(releaseTip()).toBe(tip2);
    expect(gh.statuses.length).toBe(statuses);
  }, 120_000);

  it('does not release an already released commit again under a new delivery id, and reports its status again', async () => {
    const tip = releaseTip();
    await deliver('push', pushPayload(released));
    expect(releaseTip()).toBe(tip);
    expect(pushRequests().filter((q) => q.method === 'POST')).toEqual([]);
    expect(statusesOf(released).slice(-2).map((s) => s.state)).toEqual(['pending', 'success']);
    expect(statusesOf(released).at(-1)!.description).toContain('version 2');
    expect(logLines.some((l) => l.includes('WH_RELEASE_ALREADY_DONE'))).toBe(true);
    expect((await verifyPublished()).version).toBe(2);
  }, 120_000);

  it('refuses a commit that fails validation: nothing pushed, failure status with the count', async () => {
    const tip = releaseTip();
    const broken = commitFiles(work, { 'policies/L1-TEST-001.yaml': rule.replace('severity: high', 'severity: hgih') }, 'merge a typo');
    await deliver('push', pushPayload(broken));
    expect(releaseTip()).toBe(tip);
    expect(pushRequests().filter((q) => q.method === 'POST')).toEqual([]);
    const states = statusesOf(broken);
    expect(states.map((s) => s.state)).toEqual(['pending', 'failure']);
    expect(states[1]!.description).toMatch(/^WH_RELEASE_REFUSED: 1 validation error\(s\), first SCHEMA_ENUM in policies\/L1-TEST-001\.yaml:5/);
    released = commitFiles(work, { 'policies/L1-TEST-001.yaml': rule }, 'fix the typo');
  }, 120_000);

  it('ignores pushes to another branch, tag pushes and deletions: no API call, no git request', async () => {
    const head = runGit(work, ['rev-parse', 'HEAD']);
    await deliver('push', pushPayload(head, { ref: 'refs/heads/feature' }));
    await deliver('push', pushPayload(head, { ref: 'refs/tags/v1' }));
    await deliver('push', pushPayload('0'.repeat(40), { deleted: true, before: head }));
    await deliver('push', pushPayload(head, { deleted: true }));
    expect(gh.calls).toEqual([]);
    expect(git.requests).toEqual([]);
  }, 60_000);

  it('never rolls back: a late push of an older commit is not released', async () => {
    const tip = releaseTip();
    const older = runGit(work, ['rev-parse', 'HEAD~1']);
    await deliver('push', pushPayload(older));
    expect(releaseTip()).toBe(tip);
    expect(git.requests).toEqual([]);
    expect(gh.statuses.filter((s) => s.sha === older && s.state === 'success')).toEqual([]);
    expect(logLines.some((l) => l.includes('WH_RELEASE_SUPERSEDED'))).toBe(true);
  }, 60_000);

  it('reports failure when the release credential is refused, and never logs a token', async () => {
    const wrong = 'ghp_wrongReleaseToken9876543210zyxwvutsrq';
    writeFileSync(tokenPath, `${wrong}\n`, { mode: 0o600 });
    const id = randomUUID();
    try {
      const tip = releaseTip();
      const head = runGit(work, ['rev-parse', 'HEAD']);
      await deliver('push', pushPayload(head), id);
      expect(releaseTip()).toBe(tip);
      const states = statusesOf(head);
      expect(states.map((s) => s.state)).toEqual(['pending', 'failure']);
      expect(states[1]!.description).toContain('WH_RELEASE_PUSH_FAILED');
      expect(git.requests.some((q) => q.status === 401)).toBe(true);
      const log = logLines.join('\n');
      if (process.env['DBG']) console.log(log);
      expect(log).toContain('WH_RELEASE_PUSH_FAILED');
      expect(log).toContain('the release identity cannot fetch writ/releases from http://127.0.0.1');
      expect(log).toContain('(HTTP 401)');
      for (const secret of [wrong, RELEASE_TOKEN, Buffer.from(`x-access-token:${wrong}`).toString('base64')]) expect(log).not.toContain(secret);
      expect(JSON.stringify(gh.statuses)).not.toContain(wrong);
    } finally {
      writeFileSync(tokenPath, `${RELEASE_TOKEN}\n`, { mode: 0o600 });
    }
    // Fixed: GitHub's redelivery (same delivery id) of the failed push releases it.
    const head = runGit(work, ['rev-parse', 'HEAD']);
    expect((await deliver('push', pushPayload(head), id)).status).toBe(202);
    expect(statusesOf(head).at(-1)).toMatchObject({ state: 'success' });
    expect((await verifyPublished())).toMatchObject({ version: 3, commit: head });
  }, 120_000);
});

describe('concurrent deliveries', () => {
  it('releases a commit once when its push arrives twice at the same time', async () => {
    const head = commitFiles(work, { 'policies/L1-TEST-001.yaml': rule.replace('max_tries: 4', 'max_tries: 9') }, 'merge #3');
    const answers = await Promise.all([deliver('push', pushPayload(head)), deliver('push', pushPayload(head))]);
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    expect(runGit(work, ['log', '--format=%s', '-2', BRANCH]).split('\n')).toEqual(['writ release 4', 'writ release 3']);
    expect(statusesOf(head).filter((s) => s.state === 'success').map((s) => s.description)).toEqual([expect.stringContaining('version 4'), expect.stringContaining('version 4')]);
    expect((await verifyPublished())).toMatchObject({ version: 4, commit: head });
  }, 120_000);
});

describe('publishRelease (fast-forward only)', () => {
  it('rebuilds on the new tip when another release lands between its fetch and its push', async () => {
    const signers = loadReleaseSigners(keys);
    const url = git.url(`${REPO}/.git`);
    const first = runGit(work, ['rev-parse', 'HEAD']);
    const a = commitFiles(work, { 'policies/L1-TEST-001.yaml': rule.replace('max_tries: 4', 'max_tries: 7') }, 'a');
    const b = commitFiles(work, { 'policies/L1-TEST-001.yaml': rule.replace('max_tries: 4', 'max_tries: 8') }, 'b');
    expect(first).not.toBe(a);
    const prepare = (rev: string) => async () => {
      const tree = await readTreeFiles(work, rev, { maxFileBytes: DEFAULT_LOAD_LIMITS.maxFileBytes });
      const checked = await validateReleaseSource(tree, { now: new Date(NOW) });
      expect(checked.errors).toEqual([]);
      return checked.repo;
    };
    const common = { url, token: RELEASE_TOKEN, branch: BRANCH, keysDir: keys, signers, now: new Date(NOW), backoffMs: 10 };
    let inner: Awaited<ReturnType<typeof publishRelease>> | undefined;
    const outer = await publishRelease({
      ...common, gitdir: join(dir, 'instance-a.git'), policyCommit: a,
      // Another App instance releases b after this one fetched and before it builds and pushes.
      prepare: async () => {
        inner = await publishRelease({ ...common, gitdir: join(dir, 'instance-b.git'), policyCommit: b, prepare: prepare(b) });
        return prepare(a)();
      },
    });
    expect(inner).toMatchObject({ status: 'released', attempts: 1, release: { version: 5 } });
    expect(outer).toMatchObject({ status: 'released', attempts: 2, release: { version: 6, parent: inner!.status === 'released' ? inner!.release.branchCommit : '' } });
    expect(runGit(work, ['log', '--format=%s', '-3', BRANCH]).split('\n')).toEqual(['writ release 6', 'writ release 5', 'writ release 4']);
    // Again for a, from a fresh cache (a restart, another instance): a is the newest release, nothing is built or pushed.
    const pushes = pushRequests().length;
    const again = await publishRelease({ ...common, gitdir: join(dir, 'instance-c.git'), policyCommit: a, prepare: async () => { throw new Error('must not validate again'); } });
    expect(again).toMatchObject({ status: 'already-released', version: 6, attempts: 1 });
    expect(pushRequests().length).toBe(pushes);
  }, 120_000);
});

describe('release settings', () => {
  const env = () => baseEnv();
  const refuse = (over: Record<string, string | undefined>) => {
    try {
      configFromEnv({ ...env(), ...over });
    } catch (e) {
      return e as { code: string; message: string; hint: string };
    }
    return undefined;
  };

  it('turns releases off without the keys and the token, and on with both', () => {
    expect(configFromEnv({ ...env(), WRIT_RELEASE_KEYS_DIR: undefined, WRIT_RELEASE_TOKEN_PATH: undefined }).release).toBeUndefined();
    expect(configFromEnv(env()).release).toMatchObject({ keysDir: keys, branch: BRANCH, rootKeysPresent: true });
  });

  it('refuses a token file others can read, a link, a folder, a missing or empty file, with a hint', () => {
    const loose = join(dir, 'loose-token');
    writeFileSync(loose, RELEASE_TOKEN, { mode: 0o600 });
    for (const mode of [0o640, 0o604, 0o644, 0o660]) {
      chmodSync(loose, mode);
      expect(refuse({ WRIT_RELEASE_TOKEN_PATH: loose })).toMatchObject({ code: 'WH_CONFIG_INVALID', message: expect.stringContaining('can be read by group or others'), hint: `chmod 600 ${loose}` });
    }
    const link = join(dir, 'token-link');
    symlinkSync(tokenPath, link);
    expect(refuse({ WRIT_RELEASE_TOKEN_PATH: link })).toMatchObject({ code: 'WH_CONFIG_INVALID', message: expect.stringContaining('symbolic link') });
    mkdirSync(join(dir, 'token-dir'), { mode: 0o700 });
    expect(refuse({ WRIT_RELEASE_TOKEN_PATH: join(dir, 'token-dir') })).toMatchObject({ code: 'WH_CONFIG_INVALID', message: expect.stringContaining('not a regular file') });
    expect(refuse({ WRIT_RELEASE_TOKEN_PATH: join(dir, 'absent') })).toMatchObject({ code: 'WH_CONFIG_INVALID', message: expect.stringContaining('does not exist'), hint: expect.stringContaining('mode 0600') });
    writeFileSync(join(dir, 'empty-token'), '\n', { mode: 0o600 });
    expect(refuse({ WRIT_RELEASE_TOKEN_PATH: join(dir, 'empty-token') })).toMatchObject({ code: 'WH_CONFIG_INVALID', message: expect.stringContaining('is empty') });
    for (const e of [refuse({ WRIT_RELEASE_TOKEN_PATH: loose })]) expect(JSON.stringify(e) + String(e?.message)).not.toContain(RELEASE_TOKEN);
  });

  it('refuses half a setup, a key folder without keys, a state folder others can write, and unsafe URLs', () => {
    expect(refuse({ WRIT_RELEASE_TOKEN_PATH: undefined })?.message).toBe('WRIT_RELEASE_KEYS_DIR is set but WRIT_RELEASE_TOKEN_PATH is not');
    expect(refuse({ WRIT_RELEASE_KEYS_DIR: undefined })?.message).toBe('WRIT_RELEASE_TOKEN_PATH is set but WRIT_RELEASE_KEYS_DIR is not');
    expect(refuse({ WRIT_RELEASE_KEYS_DIR: join(dir, 'appliance') })).toMatchObject({ code: 'WH_CONFIG_INVALID', message: expect.stringContaining('no targets key') });
    expect(refuse({ WRIT_APP_STATE_DIR: undefined })?.message).toBe('WRIT_APP_STATE_DIR is not set');
    const open = join(dir, 'open-state');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(refuse({ WRIT_APP_STATE_DIR: open })?.hint).toBe(`chmod 700 ${open}`);
    expect(refuse({ WRIT_RELEASE_GIT_URL: 'http://git.example.net/{owner}/{repo}.git' })?.message).toMatch(/must be https/);
    expect(refuse({ WRIT_RELEASE_GIT_URL: 'https://me:secret@git.example.net/{owner}/{repo}.git' })?.message).toBe('WRIT_RELEASE_GIT_URL carries credentials');
    expect(refuse({ WRIT_RELEASE_BRANCH: 'writ/../main' })?.code).toBe('WH_CONFIG_INVALID');
    expect(configFromEnv({ ...env(), WRIT_RELEASE_GIT_URL: undefined, GHE_HOST: 'ghe.example.org', GHE_PROTOCOL: undefined }).release?.gitUrlTemplate).toBe('https://ghe.example.org/{owner}/{repo}.git');
  });
});
