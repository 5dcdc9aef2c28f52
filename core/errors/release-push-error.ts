import { WritError, type WritErrorOptions } from './writ-error.js';

/** Why a release was built but not published. Listed in core/validate/finding-codes.ts (RELEASE_CODES). */
export type ReleasePushCode = 'REL_PUSH_FAILED' | 'REL_PUSH_REJECTED';

/**
 * Publishing a release to the release branch's remote did not happen: the remote could not be
 * fetched or refused the push (REL_PUSH_FAILED: credentials, URL, network), or the branch kept
 * moving under concurrent releases (REL_PUSH_REJECTED). Nothing was published; the branch is as it
 * was. `data` holds the scrubbed URL (never a token), the branch and, when known, the HTTP status.
 *
 * @example
 * new ReleasePushError('REL_PUSH_FAILED', 'pushing writ/releases failed: HTTP 403', { hint: 'Give the release identity write access …', recovery: 'human' });
 */
export class ReleasePushError extends WritError {
  readonly code: ReleasePushCode;

  constructor(code: ReleasePushCode, message: string, options: WritErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
