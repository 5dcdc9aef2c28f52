import { WritError } from './writ-error.js';

/**
 * A remote sent more bytes than the fetch allows (`maxPackBytes`). Either the branch grew past the
 * cap or the remote is feeding endless data; a person decides whether to raise the cap.
 * `data`: url (scrubbed), branch, maxPackBytes.
 */
export class GitPackTooLargeError extends WritError {
  readonly code = 'GIT_PACK_TOO_LARGE';
}
