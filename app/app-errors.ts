import { WritError } from '../core/errors/writ-error.js';

/** A required App setting is missing or malformed (APP_ID, PRIVATE_KEY_PATH, the allow-list). */
export class AppConfigError extends WritError {
  readonly code = 'WH_CONFIG_INVALID';
}

/** WEBHOOK_SECRET is missing, a well-known default, or shorter than 32 bytes. */
export class WeakSecretError extends WritError {
  readonly code = 'WH_SECRET_WEAK';
}
