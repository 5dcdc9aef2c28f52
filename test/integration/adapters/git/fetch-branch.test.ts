import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import git from 'isomorphic-git';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchBranch } from '../../../../adapters/git/fetch-branch.js';
import { listTreeAt, readBlobAt } from '../../../../adapters/git/read-blob-at.js';
import { GitBadRefNameError } from '../../../../core/errors/git-bad-ref-name-error.js';
import { GitBlobTooLargeError } from '../../../../core/errors/git-blob-too-large-error.js';
import { GitBranchNotFoundError } from '../../../../core/errors/git-branch-not-found-error.js';
import { GitFetchFailedError } from '../../../../core/errors/git-fetch-failed-error.js';
import { GitObjectReadError } from '../../../../core/errors/git-object-read-error.js';
import { GitPackTooLargeError } from '../../../../core/errors/git-pack-too-large-error.js';
import type { WritError } from '../../../../core/errors/writ-error.js';
import { commitFiles, gitAsync, makeBareRepo, runGit, startGitHttpServer, type GitHttpServer } from '../../../../testkit/git-http-server.js';

const TOKEN = 'ghs_TestTokenDoNotLeak0123456789';
const BRANCH = 'release/clinic-a';
const TIMEOUT_MS = 20_000;

/** Everything an error could show a person or a log: message, hint, stack, data and causes. */
function everythingPrinted(e: unknown): string {
  const parts: string[] = [];
  for (let cur: unknown = e, i = 0; cur && i < 10; cur = (cur as { cause?: unknown }).cause, i++) {
    const err = cur as { message?: unknown; stack?: unknown; hint?: unknown; data?: unknown };
    parts.push(String(err.message), String(err.stack), String(err.hint), JSON.stringify(err.data ?? null));
  }
  return parts.join('\n');
}

async function caught(p: Promise<unknown>): Promise<WritError> {
  try {
    await p;
  } catch (e) {
    return e as WritError;
  }
  throw new Error('expected a rejection');
}

describe('fetchBranch over HTTP against git http-backend', () => {
  let root: string;
  let bare: string;
  let work: string;
  let cacheDir: string;
  let server: GitHttpServer;
  let first: string;

  /** Commits in the seed clone and pushes to the served bare repository (local path: no server involved). */
  function publish(files: Record<string, string | Uint8Array | null>, message: string): string {
    const oid = commitFiles(work, files, message);
    runGit(work, ['push', '--quiet', '--force', bare, `HEAD:refs/heads/${BRANCH}`]);
    return oid;
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'writ-fetch-'));
    bare = makeBareRepo(join(root, 'served'), 'release.git');
    work = join(root, 'seed');
    cacheDir = join(root, 'cache', 'release.git');
    first = publish(
      {
        'metadata/targets.json': '{"version":1}\n',
        'sites/clinic-a/site.yaml': 'id: clinic-a\n',
        'sites/clinic-a/hosts.yaml': 'hosts: []\n',
        // Incompressible, so the pack is far larger than failAfterBytes below.
        'payload/big.bin': randomBytes(400 * 1024),
        'payload/zeros.bin': Buffer.alloc(2 * 1024 * 1024),
      },
      'release 1',
    );
    server = await startGitHttpServer({ projectRoot: join(root, 'served'), auth: { user: 'x-access-token', token: TOKEN } });
  });

  afterEach(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  const fetchRelease = (extra: Partial<Parameters<typeof fetchBranch>[0]> = {}) =>
    fetchBranch({ url: server.url('release.git'), branch: BRANCH, cacheDir, token: TOKEN, timeoutMs: TIMEOUT_MS, ...extra } as Parameters<typeof fetchBranch>[0]);

  it('fetches the branch tip into a bare cache, answering the 401 with the token', async () => {
    const result = await fetchRelease();
    expect(result).toEqual({ commit: first, gitdir: cacheDir });
    expect(await readFile(join(cacheDir, 'refs/heads', BRANCH), 'utf8')).toBe(`${first}\n`);
    expect(fs.existsSync(join(cacheDir, 'config'))).toBe(true);
    expect(fs.existsSync(join(cacheDir, 'index'))).toBe(false); // bare: nothing checked out
    const statuses = server.requests.map((r) => `${r.method} ${r.path.replace(/\?.*/, '')} ${r.status}`);
    expect(statuses).toEqual(['GET /release.git/info/refs 401', 'GET /release.git/info/refs 200', 'POST /release.git/git-upload-pack 200']);
  });

  it('fetches when the server advertises HEAD as well (main exists), and fetches main itself', async () => {
    runGit(work, ['push', '--quiet', bare, 'HEAD:refs/heads/main']);
    const second = publish({ 'metadata/targets.json': '{"version":2}\n' }, 'release 2');
    expect((await fetchRelease()).commit).toBe(second);
    expect((await fetchRelease({ branch: 'main' })).commit).toBe(first);
  });

  it('fast-forwards to a new commit on the next fetch', async () => {
    await fetchRelease();
    const second = publish({ 'metadata/targets.json': '{"version":2}\n' }, 'release 2');
    const result = await fetchRelease();
    expect(result.commit).toBe(second);
    const bytes = await readBlobAt({ gitdir: result.gitdir, commit: second, path: 'metadata/targets.json', maxBytes: 1024 });
    expect(Buffer.from(bytes!).toString('utf8')).toBe('{"version":2}\n');
    expect(await readFile(join(cacheDir, 'refs/heads', BRANCH), 'utf8')).toBe(`${second}\n`);
  });

  it('fetches shallow: depth 1 by default, deeper on request', async () => {
    const second = publish({ 'metadata/targets.json': '{"version":2}\n' }, 'release 2');
    const third = publish({ 'metadata/targets.json': '{"version":3}\n' }, 'release 3');

    await fetchRelease();
    expect((await readFile(join(cacheDir, 'shallow'), 'utf8')).trim()).toBe(third);
    await expect(git.readCommit({ fs, gitdir: cacheDir, oid: second })).rejects.toMatchObject({ code: 'NotFoundError' });

    const deeper = join(root, 'cache-deeper.git');
    await fetchBranch({ url: server.url('release.git'), branch: BRANCH, cacheDir: deeper, token: TOKEN, depth: 2, timeoutMs: TIMEOUT_MS });
    expect((await readFile(join(deeper, 'shallow'), 'utf8')).trim()).toBe(second);
    expect((await git.readCommit({ fs, gitdir: deeper, oid: second })).commit.message).toBe('release 2\n');
    await expect(git.readCommit({ fs, gitdir: deeper, oid: first })).rejects.toMatchObject({ code: 'NotFoundError' });
  });

  it('refuses a wrong token: GIT_FETCH_FAILED, recovery human, and no token text anywhere', async () => {
    const wrong = 'ghs_WrongTokenAlsoSecret987654321';
    const err = await caught(fetchRelease({ token: wrong }));
    expect(err).toBeInstanceOf(GitFetchFailedError);
    expect(err).toMatchObject({ code: 'GIT_FETCH_FAILED', recovery: 'human', data: { status: 401, branch: BRANCH } });
    expect(err.hint).toMatch(/token/);
    const printed = everythingPrinted(err);
    expect(printed).not.toContain(wrong);
    expect(printed).not.toContain(Buffer.from(`x-access-token:${wrong}`).toString('base64'));
    expect(fs.existsSync(join(cacheDir, 'refs/heads', BRANCH))).toBe(false);
  });

  it('scrubs credentials embedded in the URL from errors', async () => {
    const url = server.url('missing.git', { credentials: true });
    const err = await caught(fetchBranch({ url, branch: BRANCH, cacheDir, timeoutMs: TIMEOUT_MS }));
    expect(err).toMatchObject({ code: 'GIT_FETCH_FAILED', recovery: 'human', data: { status: 404 } });
    expect(err.hint).toMatch(/URL/);
    expect(everythingPrinted(err)).not.toContain(TOKEN);
    expect(err.data['url']).toBe(server.url('missing.git'));
  });

  it('asks for a token when the server wants one and none is configured', async () => {
    const err = await caught(fetchRelease({ token: undefined }));
    expect(err).toMatchObject({ code: 'GIT_FETCH_FAILED', recovery: 'human', data: { status: 401 } });
    expect(err.hint).toMatch(/Configure a read-only token/);
  });

  it('reports a missing branch as GIT_BRANCH_NOT_FOUND', async () => {
    const err = await caught(fetchRelease({ branch: 'release/no-such-clinic' }));
    expect(err).toBeInstanceOf(GitBranchNotFoundError);
    expect(err).toMatchObject({ code: 'GIT_BRANCH_NOT_FOUND', recovery: 'human', data: { branch: 'release/no-such-clinic' } });
    expect(err.hint).toMatch(/git ls-remote/);
  });

  it('refuses an invalid branch name before touching the network', async () => {
    const err = await caught(fetchRelease({ branch: '../../etc' }));
    expect(err).toBeInstanceOf(GitBadRefNameError);
    expect(server.requests).toEqual([]);
  });

  it('survives the server dying mid-fetch: backoff, last good commit kept, next fetch succeeds', async () => {
    await fetchRelease();
    const shallowBefore = await readFile(join(cacheDir, 'shallow'), 'utf8');
    const big = randomBytes(300 * 1024);
    const second = publish({ 'payload/big.bin': big, 'metadata/targets.json': '{"version":2}\n' }, 'release 2');

    server.failAfterBytes = 50_000;
    const started = Date.now();
    const err = await caught(fetchRelease());
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS / 2); // noticed the reset, not the time limit
    expect(err).toBeInstanceOf(GitFetchFailedError);
    expect(err).toMatchObject({ code: 'GIT_FETCH_FAILED', recovery: 'backoff', data: { reason: 'network' } });
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', aborted: true });
    // The cache still names, and can read, the last good commit.
    expect(await readFile(join(cacheDir, 'refs/heads', BRANCH), 'utf8')).toBe(`${first}\n`);
    expect(await readFile(join(cacheDir, 'shallow'), 'utf8')).toBe(shallowBefore);
    const old = await readBlobAt({ gitdir: cacheDir, commit: first, path: 'metadata/targets.json', maxBytes: 1024 });
    expect(Buffer.from(old!).toString('utf8')).toBe('{"version":1}\n');
    expect(fs.readdirSync(join(cacheDir, 'objects/pack')).filter((n) => n.endsWith('.pack')).length).toBe(1);

    server.failAfterBytes = undefined;
    const result = await fetchRelease();
    expect(result.commit).toBe(second);
    const fetched = await readBlobAt({ gitdir: cacheDir, commit: second, path: 'payload/big.bin', maxBytes: 1 << 20 });
    expect(Buffer.from(fetched!).equals(big)).toBe(true); // (toEqual walks 300 KB byte by byte: slow)
  });

  it('survives the server dying during the very first fetch into an empty cache', async () => {
    server.failAfterBytes = 50_000;
    const err = await caught(fetchRelease());
    expect(err).toMatchObject({ code: 'GIT_FETCH_FAILED', recovery: 'backoff' });
    expect(fs.existsSync(join(cacheDir, 'refs/heads', BRANCH))).toBe(false);
    expect(fs.existsSync(join(cacheDir, 'shallow'))).toBe(false);

    server.failAfterBytes = undefined;
    expect((await fetchRelease()).commit).toBe(first);
    const bytes = await readBlobAt({ gitdir: cacheDir, commit: first, path: 'sites/clinic-a/site.yaml', maxBytes: 1024 });
    expect(Buffer.from(bytes!).toString('utf8')).toBe('id: clinic-a\n');
  });

  it('says so when the cache directory cannot be created', async () => {
    fs.writeFileSync(join(root, 'not-a-dir'), 'file');
    const err = await caught(fetchRelease({ cacheDir: join(root, 'not-a-dir', 'cache.git') }));
    expect(err).toMatchObject({ code: 'GIT_FETCH_FAILED', recovery: 'human', data: { reason: 'cache-unwritable' } });
    expect(server.requests).toEqual([]);
  });

  it('backs off when the connection is refused', async () => {
    const url = server.url('release.git');
    await server.stop();
    const err = await caught(fetchBranch({ url, branch: BRANCH, cacheDir, token: TOKEN, timeoutMs: TIMEOUT_MS }));
    expect(err).toMatchObject({ code: 'GIT_FETCH_FAILED', recovery: 'backoff', data: { reason: 'network', errorCode: 'ECONNREFUSED' } });
    server = await startGitHttpServer({ projectRoot: join(root, 'served') }); // for afterEach
  });

  it('backs off when the server accepts but never answers (timeoutMs)', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const err = await caught(fetchBranch({ url: `http://127.0.0.1:${port}/release.git`, branch: BRANCH, cacheDir, timeoutMs: 300 }));
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(err).toMatchObject({ code: 'GIT_FETCH_FAILED', recovery: 'backoff', data: { reason: 'timeout', timeoutMs: 300 } });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('stops a download above maxPackBytes: GIT_PACK_TOO_LARGE', async () => {
    const err = await caught(fetchRelease({ maxPackBytes: 64 * 1024 }));
    expect(err).toBeInstanceOf(GitPackTooLargeError);
    expect(err).toMatchObject({ code: 'GIT_PACK_TOO_LARGE', recovery: 'human', data: { maxPackBytes: 65536 } });
    expect(fs.existsSync(join(cacheDir, 'refs/heads', BRANCH))).toBe(false);
    expect((await fetchRelease()).commit).toBe(first);
  });

  it('fetches an evidence branch pushed with the git CLI through the server (receive-pack)', async () => {
    await gitAsync(root, ['clone', '--quiet', '--branch', BRANCH, server.url('release.git', { credentials: true }), 'appliance']);
    const evidence = commitFiles(join(root, 'appliance'), { 'evidence/appliance-1.jsonl': '{"seq":1}\n' }, 'evidence 1');
    await gitAsync(join(root, 'appliance'), ['push', '--quiet', 'origin', 'HEAD:refs/heads/evidence/appliance-1']);
    expect(server.requests.some((r) => r.path === '/release.git/git-receive-pack' && r.status === 200)).toBe(true);

    const result = await fetchRelease({ branch: 'evidence/appliance-1' });
    expect(result.commit).toBe(evidence);
    const bytes = await readBlobAt({ gitdir: cacheDir, commit: evidence, path: 'evidence/appliance-1.jsonl', maxBytes: 1024 });
    expect(Buffer.from(bytes!).toString('utf8')).toBe('{"seq":1}\n');
  });

  describe('readBlobAt and listTreeAt on the fetched commit', () => {
    let gitdir: string;
    let commit: string;
    const cache = {};
    beforeEach(async () => {
      ({ gitdir, commit } = await fetchRelease());
    });

    it('reads a present file', async () => {
      const bytes = await readBlobAt({ gitdir, commit, path: 'sites/clinic-a/hosts.yaml', maxBytes: 1024, cache });
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(bytes!).toString('utf8')).toBe('hosts: []\n');
    });

    it('returns null for an absent file or directory', async () => {
      expect(await readBlobAt({ gitdir, commit, path: 'sites/clinic-a/missing.yaml', maxBytes: 1024, cache })).toBeNull();
      expect(await readBlobAt({ gitdir, commit, path: 'no/such/dir/file.json', maxBytes: 1024, cache })).toBeNull();
      expect(await readBlobAt({ gitdir, commit, path: 'metadata/targets.json/below', maxBytes: 1024, cache })).toBeNull();
    });

    it('refuses a file over the cap, including a highly compressible one', async () => {
      const err = await caught(readBlobAt({ gitdir, commit, path: 'payload/big.bin', maxBytes: 1000, cache }));
      expect(err).toBeInstanceOf(GitBlobTooLargeError);
      expect(err).toMatchObject({ code: 'GIT_BLOB_TOO_LARGE', recovery: 'human', data: { path: 'payload/big.bin', size: 400 * 1024, maxBytes: 1000 } });
      const zeros = await caught(readBlobAt({ gitdir, commit, path: 'payload/zeros.bin', maxBytes: 1 << 20, cache }));
      expect(zeros).toMatchObject({ code: 'GIT_BLOB_TOO_LARGE', data: { size: 2 * 1024 * 1024 } });
      // Exactly at the cap is allowed.
      expect((await readBlobAt({ gitdir, commit, path: 'payload/big.bin', maxBytes: 400 * 1024, cache }))!.byteLength).toBe(400 * 1024);
    });

    it('refuses directories and malformed paths, and says when the commit is not in the cache', async () => {
      await expect(readBlobAt({ gitdir, commit, path: 'sites', maxBytes: 1024 })).rejects.toMatchObject({ code: 'GIT_OBJECT_READ_FAILED', recovery: 'human' });
      await expect(readBlobAt({ gitdir, commit, path: '../x', maxBytes: 1024 })).rejects.toBeInstanceOf(GitObjectReadError);
      await expect(readBlobAt({ gitdir, commit, path: '/metadata/targets.json', maxBytes: 1024 })).rejects.toBeInstanceOf(GitObjectReadError);
      const missing = 'f'.repeat(40);
      await expect(readBlobAt({ gitdir, commit: missing, path: 'metadata/targets.json', maxBytes: 1024 })).rejects.toMatchObject({
        code: 'GIT_OBJECT_READ_FAILED',
        recovery: 'retry',
      });
    });

    it('lists a directory, the root, and nothing for a missing directory', async () => {
      expect(await listTreeAt({ gitdir, commit, dir: 'sites/clinic-a', cache })).toEqual(['hosts.yaml', 'site.yaml']);
      expect(await listTreeAt({ gitdir, commit, dir: '', cache })).toEqual(['metadata', 'payload', 'sites']);
      expect(await listTreeAt({ gitdir, commit, dir: 'sites/', cache })).toEqual(['clinic-a']);
      expect(await listTreeAt({ gitdir, commit, dir: 'nope', cache })).toEqual([]);
    });
  });
});

describe('fetchBranch from a local directory', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'writ-fetch-dir-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('resolves the branch in a clone and reads blobs from its .git without copying', async () => {
    const work = join(root, 'policy');
    const oid = commitFiles(work, { 'metadata/targets.json': '{"v":1}\n' }, 'release 1');
    runGit(work, ['branch', BRANCH]);
    const result = await fetchBranch({ dir: work, branch: BRANCH, timeoutMs: TIMEOUT_MS });
    expect(result).toEqual({ commit: oid, gitdir: join(work, '.git') });
    const bytes = await readBlobAt({ ...result, path: 'metadata/targets.json', maxBytes: 100 });
    expect(Buffer.from(bytes!).toString('utf8')).toBe('{"v":1}\n');
  });

  it('reads a packed bare repository (deltas included) and checks sizes there too', async () => {
    const work = join(root, 'policy');
    let oid = '';
    for (let i = 1; i <= 5; i++) oid = commitFiles(work, { 'data.txt': `${'line\n'.repeat(2000 * i)}` }, `v${i}`);
    const bare = makeBareRepo(root, 'policy.git');
    runGit(work, ['push', '--quiet', bare, `main:${BRANCH}`]);
    runGit(bare, ['repack', '-adfq']);
    const result = await fetchBranch({ dir: bare, branch: BRANCH, timeoutMs: TIMEOUT_MS });
    expect(result).toEqual({ commit: oid, gitdir: bare });
    expect((await readBlobAt({ ...result, path: 'data.txt', maxBytes: 50_000 }))!.byteLength).toBe(50_000);
    await expect(readBlobAt({ ...result, path: 'data.txt', maxBytes: 49_999 })).rejects.toMatchObject({ code: 'GIT_BLOB_TOO_LARGE', data: { size: 50_000 } });
  });

  it('treats a file:// URL like dir', async () => {
    const work = join(root, 'policy');
    const oid = commitFiles(work, { 'a.txt': 'a\n' }, 'one');
    const result = await fetchBranch({ url: pathToFileURL(work).href, branch: 'main', cacheDir: join(root, 'unused'), timeoutMs: TIMEOUT_MS });
    expect(result).toEqual({ commit: oid, gitdir: join(work, '.git') });
    expect(fs.existsSync(join(root, 'unused'))).toBe(false);
  });

  it('reports a missing branch and a directory that is not a repository', async () => {
    const work = join(root, 'policy');
    commitFiles(work, { 'a.txt': 'a\n' }, 'one');
    await expect(fetchBranch({ dir: work, branch: 'release/none', timeoutMs: TIMEOUT_MS })).rejects.toMatchObject({
      code: 'GIT_BRANCH_NOT_FOUND',
      recovery: 'human',
    });
    await expect(fetchBranch({ dir: join(root, 'empty'), branch: BRANCH, timeoutMs: TIMEOUT_MS })).rejects.toMatchObject({
      code: 'GIT_FETCH_FAILED',
      recovery: 'human',
      data: { reason: 'not-a-repository' },
    });
  });
});
