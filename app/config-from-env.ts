import { readFileSync } from 'node:fs';
import { AppConfigError, WeakSecretError } from './app-errors.js';
import { releaseConfigFromEnv, type AppReleaseConfig } from './release-config.js';

/** Shortest webhook secret accepted, in bytes (UTF-8). */
export const MIN_SECRET_BYTES = 32;

/** Secrets seen in examples and templates; an attacker tries these first. */
const DEFAULT_SECRETS = new Set(['development', 'secret', 'changeme', 'change-me', 'webhook-secret', 'your-webhook-secret', 'test', 'password']);

/** The App's settings, read the Probot way from the environment plus writ's own keys. */
export interface AppConfig {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  /** GitHub REST base URL: https://api.github.com, or https://GHE_HOST/api/v3 for GitHub Enterprise Server. */
  baseUrl: string;
  /** Installation ids the App acts for; events from any other installation are ignored. */
  installations: ReadonlySet<number>;
  /** `owner/name` (lower case) the App acts for; empty means every repository of an allowed installation. */
  repositories: ReadonlySet<string>;
  /** Largest webhook body accepted, in bytes. */
  maxBodyBytes: number;
  /** Source bytes of blobs kept across deliveries (WRIT_APP_CACHE_MB, default 64 MiB); 0 turns the cache off. */
  cacheBytes: number;
  /** Folder for state that must survive a restart (WRIT_APP_STATE_DIR): seen delivery ids in `deliveries/`. */
  stateDir?: string;
  /** Fixed reference time for waiver expiry (WRIT_NOW), else the clock per review. */
  now?: string;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** Release on push to the default branch (WRIT_RELEASE_*, see release-config.ts); absent: releases are off. */
  release?: AppReleaseConfig;
}

/**
 * Reads the App configuration: APP_ID, PRIVATE_KEY_PATH (or PRIVATE_KEY), WEBHOOK_SECRET, GHE_HOST
 * (+ GHE_PROTOCOL) as Probot does, and WRIT_APP_INSTALLATIONS (comma-separated ids, required),
 * WRIT_APP_REPOSITORIES (comma-separated owner/name), WRIT_APP_MAX_BODY_BYTES, WRIT_APP_CACHE_MB,
 * WRIT_APP_STATE_DIR (absolute path), WRIT_NOW, LOG_LEVEL, and the optional release settings
 * (WRIT_RELEASE_*: releaseConfigFromEnv).
 * Throws WeakSecretError for a missing, default or short secret, AppConfigError for anything else.
 *
 * @example
 * const config = configFromEnv(process.env);
 */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const secret = env['WEBHOOK_SECRET'] ?? '';
  const secretHint = `Generate one with \`openssl rand -hex 32\`, set it as the App's webhook secret and as WEBHOOK_SECRET.`;
  if (secret === '') throw new WeakSecretError('WEBHOOK_SECRET is not set', { hint: secretHint });
  if (DEFAULT_SECRETS.has(secret.toLowerCase())) throw new WeakSecretError('WEBHOOK_SECRET is a well-known default', { hint: secretHint });
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_SECRET_BYTES) {
    throw new WeakSecretError(`WEBHOOK_SECRET is ${bytes} bytes; at least ${MIN_SECRET_BYTES} are required`, { hint: secretHint, data: { bytes } });
  }

  const appIdText = env['APP_ID'] ?? '';
  if (!/^[1-9]\d{0,15}$/.test(appIdText)) {
    throw new AppConfigError(appIdText === '' ? 'APP_ID is not set' : `APP_ID must be a number (got ${JSON.stringify(appIdText)})`, {
      hint: "Set APP_ID to the App's id from its settings page (GitHub → Settings → Developer settings → GitHub Apps).",
    });
  }
  let privateKey = env['PRIVATE_KEY']?.replace(/\\n/g, '\n') ?? '';
  const keyPath = env['PRIVATE_KEY_PATH'];
  if (privateKey === '' && keyPath) {
    try {
      privateKey = readFileSync(keyPath, 'utf8');
    } catch (e) {
      throw new AppConfigError(`cannot read PRIVATE_KEY_PATH ${keyPath}`, { hint: 'Point PRIVATE_KEY_PATH at the .pem file downloaded from the App settings.', cause: e, data: { path: keyPath } });
    }
  }
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKey)) {
    throw new AppConfigError(privateKey === '' ? 'PRIVATE_KEY_PATH is not set' : 'the App private key is not a PEM private key', {
      hint: 'Set PRIVATE_KEY_PATH to the .pem file downloaded from the App settings (or PRIVATE_KEY to its text).',
    });
  }

  const installations = new Set<number>();
  for (const part of (env['WRIT_APP_INSTALLATIONS'] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!/^[1-9]\d{0,15}$/.test(part)) throw new AppConfigError(`WRIT_APP_INSTALLATIONS holds ${JSON.stringify(part)}, not an installation id`, { hint: 'List installation ids separated by commas, e.g. WRIT_APP_INSTALLATIONS=12345,67890.' });
    installations.add(Number(part));
  }
  if (installations.size === 0) {
    throw new AppConfigError('WRIT_APP_INSTALLATIONS is not set', { hint: 'List the installation ids the App may act for (the number in the installation settings URL), separated by commas.' });
  }
  const repositories = new Set<string>();
  for (const part of (env['WRIT_APP_REPOSITORIES'] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(part)) throw new AppConfigError(`WRIT_APP_REPOSITORIES holds ${JSON.stringify(part)}, not owner/name`, { hint: 'List repositories as owner/name separated by commas.' });
    repositories.add(part.toLowerCase());
  }

  const gheHost = env['GHE_HOST'];
  const protocol = env['GHE_PROTOCOL'] ?? 'https';
  if (protocol !== 'https' && protocol !== 'http') throw new AppConfigError(`GHE_PROTOCOL must be https or http (got ${JSON.stringify(protocol)})`, { hint: 'Leave GHE_PROTOCOL unset for https.' });
  const baseUrl = gheHost ? `${protocol}://${gheHost}/api/v3` : 'https://api.github.com';

  const maxBodyText = env['WRIT_APP_MAX_BODY_BYTES'];
  const maxBodyBytes = maxBodyText === undefined ? 25 * 1024 * 1024 : Number(maxBodyText);
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024) throw new AppConfigError('WRIT_APP_MAX_BODY_BYTES must be an integer of at least 1024', { hint: 'Leave it unset for 25 MB, GitHub\'s own cap.' });

  const cacheText = env['WRIT_APP_CACHE_MB'];
  const cacheMb = cacheText === undefined ? 64 : Number(cacheText);
  if (!Number.isInteger(cacheMb) || cacheMb < 0 || cacheMb > 65_536) throw new AppConfigError('WRIT_APP_CACHE_MB must be a whole number of MiB from 0 to 65536', { hint: 'Leave it unset for 64; 0 turns the blob cache off.' });
  const stateDir = env['WRIT_APP_STATE_DIR'];
  if (stateDir !== undefined && stateDir !== '' && !stateDir.startsWith('/')) throw new AppConfigError('WRIT_APP_STATE_DIR must be an absolute path', { hint: 'For example WRIT_APP_STATE_DIR=/var/lib/writ-app.' });

  const level = env['LOG_LEVEL'] ?? 'info';
  const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
  if (!(levels as readonly string[]).includes(level)) throw new AppConfigError(`LOG_LEVEL must be one of ${levels.join(', ')}`, { hint: 'Leave LOG_LEVEL unset for info.' });

  const release = releaseConfigFromEnv(env, { host: gheHost ?? 'github.com', protocol });
  return {
    appId: Number(appIdText), privateKey, webhookSecret: secret, baseUrl, installations, repositories, maxBodyBytes,
    ...(release ? { release } : {}),
    cacheBytes: cacheMb * 1024 * 1024,
    ...(stateDir ? { stateDir } : {}),
    ...(env['WRIT_NOW'] ? { now: env['WRIT_NOW'] } : {}),
    logLevel: level as AppConfig['logLevel'],
  };
}
