import { WritError } from './writ-error.js';

/**
 * An object could not be read from a local git object store: the commit is not in the cache
 * (recovery `retry`: fetch again), the store is damaged, or the path names something that is not
 * a regular file or directory (recovery `human`). `data`: gitdir, commit, path.
 */
export class GitObjectReadError extends WritError {
  readonly code = 'GIT_OBJECT_READ_FAILED';
}
