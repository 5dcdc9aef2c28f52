import { WritError } from './writ-error.js';

/**
 * The remote (or local repository) has no branch of that name. A person must push the branch or
 * fix the configured branch name; retrying will not help. `data`: url or dir, branch.
 */
export class GitBranchNotFoundError extends WritError {
  readonly code = 'GIT_BRANCH_NOT_FOUND';
}
