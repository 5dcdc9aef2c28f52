import { isWritError } from '../core/errors/writ-error.js';
import { escapeControl } from '../core/report/escape-control.js';
import type { CliIo } from './io.js';

/**
 * Prints an error for a person: code, message and hint for writ's own errors; a short internal-error
 * note (stack only with WRIT_DEBUG=1) for anything else. Returns the exit code 2.
 */
export function printError(io: CliIo, e: unknown): number {
  if (isWritError(e)) {
    io.stderr(`writ: ${e.code}: ${escapeControl(e.message)}\n  hint: ${escapeControl(e.hint)}\n`);
    return 2;
  }
  const debug = io.env['WRIT_DEBUG'] === '1';
  io.stderr(`writ: internal error: ${escapeControl(e instanceof Error ? e.message : String(e))}\n` +
    (debug && e instanceof Error && e.stack ? e.stack + '\n' : '  hint: this is a bug in writ; run again with WRIT_DEBUG=1 and report the output.\n'));
  return 2;
}
