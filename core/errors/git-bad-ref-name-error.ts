import { WritError } from './writ-error.js';

/**
 * A branch name is not a valid git ref name (git-check-ref-format(1)), so it is refused before any
 * network or disk access. `data`: branch.
 */
export class GitBadRefNameError extends WritError {
  readonly code = 'GIT_BAD_REF_NAME';
}
