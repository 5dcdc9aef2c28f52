import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUSH_USER, startLoopbackGitServer, type LoopbackGitServer } from '../../../../adapters/git/loopback-git-server.js';
import { commitFiles, gitAsync, runGit } from '../../../../testkit/git-http-server.js';

// The demo's one-repository git server: real clone and push through git http-backend, and the
// class of requests it must refuse (other hosts, paths, methods, pushes without the token).

const TOKEN = 'a'.repeat(8) + 'b'.repeat(24);
let top: string;
let server: LoopbackGitServer;

function send(method: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  top = mkdtempSync(join(tmpdir(), 'writ-loopback-git-'));
  commitFiles(join(top, 'repo'), { 'README.md': 'demo\n' }, 'first');
  runGit(join(top, 'repo'), ['branch', 'writ/releases']);
  server = await startLoopbackGitServer({ gitDir: join(top, 'repo', '.git'), name: 'policy.git', pushToken: TOKEN });
});
afterAll(async () => {
  await server?.stop();
  if (top) rmSync(top, { recursive: true, force: true });
});

describe('startLoopbackGitServer', () => {
  it('serves clone and fetch to anyone on loopback and push only with the token', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/policy.git`);
    await gitAsync(top, ['clone', '--quiet', '--branch', 'writ/releases', server.url, 'clone']);
    const clone = join(top, 'clone');
    commitFiles(clone, { 'evidence.jsonl': '{}\n' }, 'evidence');
    await expect(gitAsync(clone, ['push', server.url, 'HEAD:refs/heads/writ/evidence/clinic-demo'])).rejects.toThrow(/could not read Username|Authentication failed|401/);
    const wrong = server.url.replace('http://', `http://${PUSH_USER}:${'c'.repeat(32)}@`);
    await expect(gitAsync(clone, ['push', wrong, 'HEAD:refs/heads/writ/evidence/clinic-demo'])).rejects.toThrow(/Authentication failed|401/);
    expect(runGit(join(top, 'repo'), ['branch', '--list', 'writ/evidence/*'])).toBe('');
    const right = server.url.replace('http://', `http://${PUSH_USER}:${TOKEN}@`);
    await gitAsync(clone, ['push', '--quiet', right, 'HEAD:refs/heads/writ/evidence/clinic-demo']);
    expect(runGit(join(top, 'repo'), ['rev-parse', 'writ/evidence/clinic-demo'])).toBe(runGit(clone, ['rev-parse', 'HEAD']));
  });

  it('refuses other hosts, other paths (the dumb protocol too), other methods and unauthenticated push adverts', async () => {
    const refusedBefore = server.refused;
    const ok = '/policy.git/info/refs?service=git-upload-pack';
    expect(await send('GET', ok)).toBe(200);
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host.
    for (const host of ['evil.example', `localhost:${server.port}`, `127.0.0.1:${server.port + 1}`, '127.0.0.1']) {
      expect(await send('GET', ok, { host }), host).toBe(421);
    }
    for (const path of [
      '/policy.git/HEAD', '/policy.git/objects/info/packs', '/policy.git/config', '/policy.git/info/refs',
      '/policy.git/info/refs?service=git-upload-pack&x=1', '/policy.git/info/refs?service=git-upload-archive',
      '/other.git/info/refs?service=git-upload-pack', '/policy.git/../repo/.git/info/refs?service=git-upload-pack',
      '/policy.git/%2e%2e/x', '/policy.git', '/', '/policy.gitx/info/refs?service=git-upload-pack',
      '/policy.git/git-upload-pack?x', '/policy.git/info/refs%00?service=git-upload-pack',
    ]) {
      expect(await send('GET', path), path).toBe(404);
    }
    expect(await send('GET', '/policy.git/git-upload-pack')).toBe(405);
    expect(await send('PUT', ok)).toBe(405);
    expect(await send('DELETE', '/policy.git/git-receive-pack')).toBe(405);
    expect(await send('GET', '/policy.git/info/refs?service=git-receive-pack')).toBe(401);
    expect(await send('POST', '/policy.git/git-receive-pack')).toBe(401);
    expect(await send('POST', '/policy.git/git-receive-pack', { authorization: `Basic ${Buffer.from(`${PUSH_USER}:${TOKEN}x`).toString('base64')}` })).toBe(401);
    expect(await send('POST', '/policy.git/git-receive-pack', { authorization: `Basic ${Buffer.from(`someone:${TOKEN}`).toString('base64')}` })).toBe(401);
    expect(await send('GET', '/policy.git/info/refs?service=git-receive-pack', { authorization: `Basic ${Buffer.from(`${PUSH_USER}:${TOKEN}`).toString('base64')}` })).toBe(200);
    expect(server.refused - refusedBefore).toBe(4 + 14 + 3 + 4);
  });

  it('refuses a weak token and a bad repository name at start', async () => {
    await expect(startLoopbackGitServer({ gitDir: top, name: 'policy.git', pushToken: 'short' })).rejects.toThrow(/too short/);
    await expect(startLoopbackGitServer({ gitDir: top, name: '../x.git', pushToken: TOKEN })).rejects.toThrow(/not a repository name/);
    await expect(startLoopbackGitServer({ gitDir: top, name: 'policy', pushToken: TOKEN })).rejects.toThrow(/not a repository name/);
  });
});
