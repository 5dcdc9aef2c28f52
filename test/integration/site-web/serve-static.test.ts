import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside, serveStatic, type StaticServer } from '../../../adapters/site-build/serve-static.js';
import { SITE_CSP_HEADER } from '../../../adapters/site-build/site-csp.js';

const base = mkdtempSync(join(tmpdir(), 'writ-serve-'));
const root = join(base, 'site');
let server: StaticServer;

/** A raw request: the path goes on the wire exactly as written (fetch would normalise `..`). */
function get(path: string, method = 'GET', host?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method, ...(host === undefined ? {} : { headers: { host } }) }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  mkdirSync(join(root, 'clinics/a'), { recursive: true });
  mkdirSync(join(root, 'pagefind'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>fleet</title>');
  writeFileSync(join(root, '404.html'), '<!doctype html><title>not found</title>');
  writeFileSync(join(root, 'clinics/a/index.html'), '<!doctype html><title>clinic a</title>');
  writeFileSync(join(root, 'site.css'), 'body{}');
  writeFileSync(join(root, 'pagefind/wasm.en.pagefind'), 'x');
  writeFileSync(join(root, 'pagefind/pagefind.js'), 'x');
  writeFileSync(join(base, 'secret.txt'), 'SECRET-OUTSIDE-ROOT');
  symlinkSync(join(base, 'secret.txt'), join(root, 'link.txt'));
  symlinkSync(base, join(root, 'up'));
  server = await serveStatic({ dir: root, port: 0 });
});
afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('writ site serve: static files on loopback', () => {
  it('answers only requests addressed to itself (a DNS-rebinding page sends its own name as Host)', async () => {
    const port = new URL(server.url).port;
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1:1', `127.0.0.2:${port}`]) {
      const r = await get('/', 'GET', host);
      expect([host, r.status, r.body]).toEqual([host, 421, 'misdirected request\n']);
    }
    expect((await get('/', 'GET', `localhost:${port}`)).status).toBe(200);
    expect((await get('/')).status).toBe(200);
  });

  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves pages, folders as their index.html, and sends the CSP and nosniff on every answer', async () => {
    const r = await get('/clinics/a/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('clinic a');
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(SITE_CSP_HEADER);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    const missing = await get('/nope/');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-security-policy']).toBe(SITE_CSP_HEADER);
    expect(missing.body).toContain('not found');
  });

  it('redirects a folder without its slash', async () => {
    const r = await get('/clinics/a');
    expect(r.status).toBe(301);
    expect(r.headers['location']).toBe('/clinics/a/');
  });

  it.each([
    ['/site.css', 'text/css; charset=utf-8'],
    ['/pagefind/pagefind.js', 'text/javascript; charset=utf-8'],
    ['/pagefind/wasm.en.pagefind', 'application/octet-stream'],
  ])('answers %s as %s', async (path, type) => {
    const r = await get(path);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(type);
  });

  it.each([
    '/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/clinics/..%2f..%2fsecret.txt', '/..%5csecret.txt',
    '/%5c..%5csecret.txt', '/index.html%00.css', '/%zz', '/link.txt', '/up/secret.txt', '//../secret.txt', '/clinics/a/../../../secret.txt',
  ])('never leaves the site folder: %s', async (path) => {
    const r = await get(path);
    expect(r.status).not.toBe(200);
    expect(r.body).not.toContain('SECRET-OUTSIDE-ROOT');
  });

  it('resolveInside refuses the same class of paths without a server', () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/a\\..\\b', '/\0', 'relative', '/link.txt', '/up/secret.txt']) {
      expect(resolveInside(root, p), p).toBeUndefined();
    }
    expect(resolveInside(root, '/')).toMatch(/index\.html$/);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('/', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const post = await get('/', 'POST');
    expect(post.status).toBe(405);
  });
});
