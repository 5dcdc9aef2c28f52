import { WritError, type Recovery } from './writ-error.js';

/** Why a release was refused. Each has its own reason code, stable for logs and evidence. */
export type ReleaseReason =
  | 'REL_ROLLBACK'
  | 'REL_EXPIRED'
  | 'REL_THRESHOLD_NOT_MET'
  | 'REL_DUPLICATE_SIGNATURE'
  | 'REL_KEY_OUTSIDE_ROLE'
  | 'REL_MIX_AND_MATCH'
  | 'REL_TARGET_MISMATCH'
  | 'REL_UNLISTED_FILE'
  | 'REL_OVERSIZE'
  | 'REL_ROOT_CHAIN_BROKEN'
  | 'REL_SITE_NOT_IN_RELEASE'
  | 'REL_NOT_FOR_THIS_APPLIANCE'
  | 'REL_DECRYPT_FAILED'
  | 'REL_BUNDLE_INVALID'
  | 'REL_METADATA_MISSING'
  | 'REL_METADATA_INVALID'
  | 'REL_VALIDATION_FAILED'
  | 'REL_KEYS_INVALID';

/**
 * A release could not be built or verified. The agent keeps enforcing its last verified release
 * whenever it sees one of these.
 */
export class ReleaseError extends WritError {
  readonly code: ReleaseReason;
  constructor(code: ReleaseReason, message: string, options: { hint: string; recovery?: Recovery; data?: Record<string, unknown>; cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
