import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticSiteServer, type StaticSiteServer } from '../../../../adapters/http/static-site-server.js';

// The demo serves the built auditor site with this: read-only files under one folder, loopback only.

let top: string;
let server: StaticSiteServer;

function get(path: string, options: { method?: string; host?: string } = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method: options.method ?? 'GET', path, headers: { host: options.host ?? `127.0.0.1:${server.port}` } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  top = mkdtempSync(join(tmpdir(), 'writ-static-site-'));
  const site = join(top, 'site');
  mkdirSync(join(site, 'hosts', 'appliance'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<h1>clinic-demo</h1>');
  writeFileSync(join(site, 'hosts', 'appliance', 'index.html'), '<h1>appliance</h1>');
  writeFileSync(join(site, 'style.css'), 'h1{}');
  writeFileSync(join(site, '.env'), 'SECRET=1');
  writeFileSync(join(top, 'outside.txt'), 'outside');
  symlinkSync(join(top, 'outside.txt'), join(site, 'link.txt'));
  server = await startStaticSiteServer(site);
});
afterAll(async () => {
  await server?.stop();
  if (top) rmSync(top, { recursive: true, force: true });
});

describe('startStaticSiteServer', () => {
  it('serves files and folder index pages with their types and protective headers', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const index = await get('/');
    expect(index).toMatchObject({ status: 200, body: '<h1>clinic-demo</h1>' });
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['x-frame-options']).toBe('DENY');
    expect((await get('/hosts/appliance/')).body).toBe('<h1>appliance</h1>');
    expect((await get('/hosts/appliance')).body).toBe('<h1>appliance</h1>');
    expect((await get('/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect(await get('/style.css', { method: 'HEAD' })).toMatchObject({ status: 200, body: '' });
    expect((await get(`/index.html`, { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses paths out of the folder, hidden files, links out, other methods and other hosts', async () => {
    for (const path of ['/../outside.txt', '/%2e%2e/outside.txt', '/hosts/%2e%2e/%2e%2e/outside.txt', '/.env', '/%2eenv', '/link.txt', '/missing.html', '/index.html%00.css', '/hosts\\..\\..\\outside.txt', '/%E0%A4%A']) {
      const r = await get(path);
      expect([400, 404], path).toContain(r.status);
      expect(r.body).not.toContain('outside');
      expect(r.body).not.toContain('SECRET');
    }
    expect((await get('/', { method: 'POST' })).status).toBe(405);
    expect((await get('/', { method: 'PUT' })).status).toBe(405);
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1']) expect((await get('/', { host })).status, host).toBe(421);
  });
});
