/**
 * How a caller may recover from an error. Agent retries read this, never the message text.
 * - `human`: a person must change something (a file, a key, a setting); retrying is pointless.
 * - `retry`: a passing fault; try again later as is.
 * - `backoff`: try again with growing delays (a remote that refuses or is overloaded).
 */
export type Recovery = 'human' | 'retry' | 'backoff';

export interface WritErrorOptions {
  hint: string;
  recovery?: Recovery;
  data?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * Base of every error writ throws on purpose. `code` equals the subclass name's reason code,
 * `hint` says what to do next, `data` carries the values involved.
 *
 * @example
 * throw new UsageError('unknown format "xml"', { hint: 'Use one of: text, json, sarif, github.' });
 */
export abstract class WritError extends Error {
  abstract readonly code: string;
  readonly hint: string;
  readonly recovery: Recovery;
  readonly data: Record<string, unknown>;

  constructor(message: string, options: WritErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.recovery = options.recovery ?? 'human';
    this.data = options.data ?? {};
    this.name = new.target.name;
  }
}

/** The command line was wrong: an unknown option, a missing argument, an unknown format. */
export class UsageError extends WritError {
  readonly code = 'CLI_USAGE';
}

/** A repository path could not be read (missing directory, permission denied). */
export class RepoReadError extends WritError {
  readonly code = 'REPO_READ_FAILED';
}

/** A helper tool writ depends on (such as shellcheck) is missing or failed to run. */
export class ToolUnavailableError extends WritError {
  readonly code = 'TOOL_UNAVAILABLE';
}

export function isWritError(e: unknown): e is WritError {
  return e instanceof WritError;
}
