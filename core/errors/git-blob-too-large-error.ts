import { WritError } from './writ-error.js';

/**
 * A file in a fetched commit is larger than the reader allows (`maxBytes`). The bytes were not
 * used. `data`: commit, path, size, maxBytes.
 */
export class GitBlobTooLargeError extends WritError {
  readonly code = 'GIT_BLOB_TOO_LARGE';
}
