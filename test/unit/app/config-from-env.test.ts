import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../../app/config-from-env.js';
import { verifyWebhook } from '../../../app/verify-webhook.js';
import { createHmac } from 'node:crypto';

const KEY = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const GOOD = { APP_ID: '12', PRIVATE_KEY: KEY, WEBHOOK_SECRET: 'a'.repeat(20) + 'b'.repeat(12), WRIT_APP_INSTALLATIONS: '7, 8' };

describe('configFromEnv', () => {
  it('reads the Probot variables and the allow-list', () => {
    const c = configFromEnv({ ...GOOD, GHE_HOST: 'ghe.example.org', WRIT_APP_REPOSITORIES: 'Acme/Policy' });
    expect(c).toMatchObject({ appId: 12, baseUrl: 'https://ghe.example.org/api/v3', logLevel: 'info' });
    expect([...c.installations]).toEqual([7, 8]);
    expect([...c.repositories]).toEqual(['acme/policy']);
    expect(configFromEnv(GOOD).baseUrl).toBe('https://api.github.com');
  });

  it.each([
    ['missing', undefined, 'WEBHOOK_SECRET is not set'],
    ['a default', 'development', 'WEBHOOK_SECRET is a well-known default'],
    ['short', 'x'.repeat(31), 'WEBHOOK_SECRET is 31 bytes; at least 32 are required'],
  ])('refuses a %s secret with WH_SECRET_WEAK and a hint', (_name, secret, message) => {
    expect(() => configFromEnv({ ...GOOD, WEBHOOK_SECRET: secret })).toThrow(expect.objectContaining({ code: 'WH_SECRET_WEAK', message, hint: expect.stringContaining('openssl rand -hex 32') }));
  });

  it('refuses to start without an installation allow-list or an App id', () => {
    expect(() => configFromEnv({ ...GOOD, WRIT_APP_INSTALLATIONS: '' })).toThrow(expect.objectContaining({ code: 'WH_CONFIG_INVALID' }));
    expect(() => configFromEnv({ ...GOOD, APP_ID: 'abc' })).toThrow(expect.objectContaining({ code: 'WH_CONFIG_INVALID' }));
    expect(() => configFromEnv({ ...GOOD, PRIVATE_KEY: '', PRIVATE_KEY_PATH: '/nonexistent.pem' })).toThrow(expect.objectContaining({ code: 'WH_CONFIG_INVALID' }));
  });
});

describe('verifyWebhook', () => {
  const body = Buffer.from('{"a":1}');
  const sig = `sha256=${createHmac('sha256', 's').update(body).digest('hex')}`;
  it('accepts the HMAC of the exact bytes only', () => {
    expect(verifyWebhook(body, sig, 's')).toBe('ok');
    expect(verifyWebhook(Buffer.from('{"a": 1}'), sig, 's')).toBe('WH_SIGNATURE_INVALID');
    expect(verifyWebhook(body, sig.replace('sha256=', 'sha1='), 's')).toBe('WH_SIGNATURE_INVALID');
    expect(verifyWebhook(body, undefined, 's')).toBe('WH_SIGNATURE_MISSING');
  });
});
