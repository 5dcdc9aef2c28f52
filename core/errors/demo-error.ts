import { WritError, type WritErrorOptions } from './writ-error.js';

/** Why `writ demo` stopped. Each is in COMMAND_ERROR_CODES (docs/reason-codes.md). */
export type DemoReason = 'DEMO_STATE_INVALID' | 'DEMO_POLICY_SOURCE_MISSING' | 'DEMO_TOOL_MISSING' | 'DEMO_STAGE_FAILED';

/**
 * `writ demo` could not go on: its state folder is not one it made, the policy to demo is missing,
 * a tool it needs is not installed, or a stage of the pipeline failed (the message names it).
 *
 * @example
 * throw new DemoError('DEMO_TOOL_MISSING', 'git is not installed', { hint: 'apt-get install git' });
 */
export class DemoError extends WritError {
  readonly code: DemoReason;
  constructor(code: DemoReason, message: string, options: WritErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
