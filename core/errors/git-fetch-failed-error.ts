import { WritError } from './writ-error.js';

/**
 * Fetching a branch from a git remote failed. `recovery` says what the agent does next:
 * `backoff` for passing faults (connection refused or reset, timeouts, 5xx, a truncated pack),
 * `human` when someone must act (401/403: the token; 404: the URL or the token's access).
 * `data` holds the scrubbed URL (never a token), the branch and, when known, the HTTP status.
 */
export class GitFetchFailedError extends WritError {
  readonly code = 'GIT_FETCH_FAILED';
}
