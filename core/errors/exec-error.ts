import { WritError, type WritErrorOptions } from './writ-error.js';

/**
 * A host could not be reached or a step could not be started safely. `code` is one of the EXEC_
 * codes in core/exec/exec-codes.ts.
 *
 * @example
 * throw new ExecError('EXEC_HOST_KEY_MISMATCH', 'ehr-db-01 presented another host key', { hint: 'Check the host; update host_key in the site file only after confirming it.' });
 */
export class ExecError extends WritError {
  readonly code: string;

  constructor(code: string, message: string, options: WritErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
