import { WritError, type WritErrorOptions } from './writ-error.js';

/** Why evidence was not pushed. Listed in core/evidence-push/push-codes.ts. */
export type EvidencePushCode = 'EVD_PUSH_FAILED' | 'EVD_PUSH_DIVERGED' | 'EVD_PUSH_REJECTED';

/**
 * Pushing an appliance's evidence to its site's evidence branch did not happen. Nothing local is
 * lost: the files stay, and the next push sends everything pending. `recovery` says what the agent
 * does next: `backoff` (remote down, timeouts, 5xx, a busy branch), `human` (the token is refused,
 * the URL is wrong, or the remote holds a version of a file the local one does not extend).
 * `data` holds the scrubbed URL (never a token), the branch and, per code, the paths or HTTP status.
 *
 * @example
 * new EvidencePushError('EVD_PUSH_DIVERGED', 'clinic-a/ap-1/2026-03-01.jsonl differs from the remote', {
 *   hint: 'Compare the two versions …', recovery: 'human', data: { paths: ['clinic-a/ap-1/2026-03-01.jsonl'] },
 * });
 */
export class EvidencePushError extends WritError {
  readonly code: EvidencePushCode;

  constructor(code: EvidencePushCode, message: string, options: WritErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
