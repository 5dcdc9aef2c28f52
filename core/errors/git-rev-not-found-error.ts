import { WritError } from './writ-error.js';

/**
 * A git revision given to `writ plan` (branch, tag, full or short SHA, `HEAD~1`) names no commit of
 * the repository: a typo, a name that is not a valid revision, or a commit that is not in the clone
 * (a shallow CI checkout). Recovery `human`. `data`: rev, repoDir.
 */
export class GitRevNotFoundError extends WritError {
  readonly code = 'GIT_REV_NOT_FOUND';
}
