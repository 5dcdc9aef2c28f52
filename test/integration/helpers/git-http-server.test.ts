import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitFiles, gitAsync, makeBareRepo, runGit, startGitHttpServer, type GitHttpServer } from '../../../testkit/git-http-server.js';

describe('startGitHttpServer (real git http-backend on loopback)', () => {
  let root: string;
  let server: GitHttpServer | undefined;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'writ-git-http-'));
  });

  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await rm(root, { recursive: true, force: true });
  });

  /** A bare `release.git` under root/served with one commit on main; returns the commit id. */
  function seedRelease(): string {
    const bare = makeBareRepo(join(root, 'served'), 'release.git');
    const work = join(root, 'seed');
    const oid = commitFiles(work, { 'README.md': 'release\n', 'metadata/root.json': '{"version":1}\n' }, 'release 1');
    runGit(work, ['push', '--quiet', bare, 'main']);
    return oid;
  }

  it('serves a clone to the git CLI and logs every request', async () => {
    const oid = seedRelease();
    server = await startGitHttpServer({ projectRoot: join(root, 'served') });
    await gitAsync(root, ['clone', '--quiet', server.url('release.git'), 'clone']);

    expect(runGit(join(root, 'clone'), ['rev-parse', 'HEAD'])).toBe(oid);
    expect(await readFile(join(root, 'clone', 'metadata/root.json'), 'utf8')).toBe('{"version":1}\n');
    expect(server.requests.map(({ method, path, status }) => ({ method, path, status }))).toEqual(
      expect.arrayContaining([
        { method: 'GET', path: '/release.git/info/refs?service=git-upload-pack', status: 200 },
        { method: 'POST', path: '/release.git/git-upload-pack', status: 200 },
      ]),
    );
    expect(server.requests.every((r) => !r.aborted && r.bytes > 0)).toBe(true);
  });

  it('answers 404 for a repository that does not exist', async () => {
    seedRelease();
    server = await startGitHttpServer({ projectRoot: join(root, 'served') });
    const res = await fetch(`${server.url('missing.git')}/info/refs?service=git-upload-pack`);
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });

  it('asks for Basic credentials and refuses wrong ones', async () => {
    const oid = seedRelease();
    server = await startGitHttpServer({ projectRoot: join(root, 'served'), auth: { user: 'x-access-token', token: 'right-token' } });
    const infoRefs = `${server.url('release.git')}/info/refs?service=git-upload-pack`;

    const anonymous = await fetch(infoRefs);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    await anonymous.arrayBuffer();

    const wrong = await fetch(infoRefs, { headers: { Authorization: `Basic ${Buffer.from('x-access-token:wrong').toString('base64')}` } });
    expect(wrong.status).toBe(401);
    await wrong.arrayBuffer();

    await expect(gitAsync(root, ['clone', '--quiet', server.url('release.git'), 'denied'])).rejects.toThrow(/Authentication failed|could not read Username/);
    await gitAsync(root, ['clone', '--quiet', server.url('release.git', { credentials: true }), 'allowed']);
    expect(runGit(join(root, 'allowed'), ['rev-parse', 'HEAD'])).toBe(oid);
    expect(server.requests.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(3);
  });

  it('accepts a push from the git CLI (receive-pack), including a large chunked one', async () => {
    seedRelease();
    server = await startGitHttpServer({ projectRoot: join(root, 'served'), auth: { user: 'x-access-token', token: 'push-token' } });
    const url = server.url('release.git', { credentials: true });
    await gitAsync(root, ['clone', '--quiet', url, 'work']);
    const work = join(root, 'work');
    // Incompressible bytes well above http.postBuffer (1 MiB) force a chunked request body.
    const oid = commitFiles(work, { 'evidence/2025-01-15.jsonl': randomBytes(3 * 1024 * 1024) }, 'evidence');
    await gitAsync(work, ['push', '--quiet', 'origin', 'main:refs/heads/evidence/appliance-1']);

    expect(runGit(join(root, 'served', 'release.git'), ['rev-parse', 'refs/heads/evidence/appliance-1'])).toBe(oid);
    expect(server.requests).toEqual(
      expect.arrayContaining([expect.objectContaining({ method: 'POST', path: '/release.git/git-receive-pack', status: 200 })]),
    );
  });

  it('passes gzip-encoded request bodies through to http-backend (HTTP_CONTENT_ENCODING)', async () => {
    const oid = seedRelease();
    server = await startGitHttpServer({ projectRoot: join(root, 'served') });
    const pkt = (line: string) => (line.length + 4).toString(16).padStart(4, '0') + line;
    const request = `${pkt(`want ${oid} ofs-delta\n`)}0000${pkt('done\n')}`;
    const res = await fetch(`${server.url('release.git')}/git-upload-pack`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Content-Encoding': 'gzip' },
      body: gzipSync(request),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-git-upload-pack-result');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.toString('latin1')).toMatch(/^0008NAK\nPACK/);
  });

  it('cuts a response off after failAfterBytes, and serves normally once cleared', async () => {
    seedRelease();
    server = await startGitHttpServer({ projectRoot: join(root, 'served'), failAfterBytes: 20 });
    const infoRefs = `${server.url('release.git')}/info/refs?service=git-upload-pack`;
    await expect(fetch(infoRefs).then((r) => r.arrayBuffer())).rejects.toThrow();
    expect(server.requests.at(-1)).toMatchObject({ status: 200, bytes: 20, aborted: true });

    server.failAfterBytes = undefined;
    const ok = await fetch(infoRefs);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).toString('latin1')).toContain('# service=git-upload-pack');
  });

  it('makes reproducible commits (fixed identity and dates)', () => {
    const a = commitFiles(join(root, 'a'), { 'x.txt': 'same\n' }, 'same message');
    const b = commitFiles(join(root, 'b'), { 'x.txt': 'same\n' }, 'same message');
    expect(a).toBe(b);
    const c = commitFiles(join(root, 'a'), { 'x.txt': null, 'y.txt': 'next\n' }, 'second');
    expect(runGit(join(root, 'a'), ['ls-tree', '--name-only', c])).toBe('y.txt');
  });

  it('stops: the port refuses connections afterwards', async () => {
    seedRelease();
    server = await startGitHttpServer({ projectRoot: join(root, 'served') });
    const url = server.url('release.git');
    await server.stop();
    server = undefined;
    await expect(fetch(`${url}/info/refs?service=git-upload-pack`)).rejects.toThrow();
  });
});
