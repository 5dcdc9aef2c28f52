import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'writ-cli-app-'));
const keyPath = join(dir, 'app.pem');
writeFileSync(keyPath, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }));
const ENV: Record<string, string> = { APP_ID: '1', PRIVATE_KEY_PATH: keyPath, WRIT_APP_INSTALLATIONS: '1', LOG_LEVEL: 'fatal' };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writ app', () => {
  it('refuses a short webhook secret with exit 2 and a hint', () => {
    const r = runCli(['app'], { env: { ...ENV, WEBHOOK_SECRET: 'too-short' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatchInlineSnapshot(`
      "writ: WH_SECRET_WEAK: WEBHOOK_SECRET is 9 bytes; at least 32 are required
        hint: Generate one with \`openssl rand -hex 32\`, set it as the App's webhook secret and as WEBHOOK_SECRET.
      "
    `);
  });

  it('starts on 127.0.0.1, prints its URL and that releases are off, answers health checks and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, '../../cli/bin/writ.js'), 'app', '--port', '0'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: dir, ...ENV, WEBHOOK_SECRET: 'k'.repeat(40) } as Record<string, string>,
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += String(d);
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/api\/github\/webhooks)\n/.exec(out);
        // Without the release settings it says, once, that pushes are not released.
        if (m && out.includes('\nreleases off: WRIT_RELEASE_KEYS_DIR and WRIT_RELEASE_TOKEN_PATH are not set; pushes are ignored\n')) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const health = await fetch(new URL('/healthz', url));
    expect(health.status).toBe(200);
    const unsigned = await fetch(url, { method: 'POST', body: '{}', headers: { 'x-github-event': 'ping', 'x-github-delivery': 'd1' } });
    expect(unsigned.status).toBe(401);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 30_000);
});
