import type { CheckResult } from '../model/generated/check-result.js';
import { schemaValidators } from '../validate/schema-validators.js';
import type { StepOutcome } from './step.js';

/** A check's verdict as the engine sees it: a schema-valid result, or why there is none. */
export type CheckObservation = { ok: true; result: CheckResult } | { ok: false; reasonCode: string; message: string };

/** Longest last line read as a result (the schema caps fields well below this). */
const MAX_RESULT_LINE = 256 * 1024;

/**
 * Reads the check-result JSON from the last non-empty stdout line of a check or verify step. A
 * step that timed out, was refused, lost its connection, cut its output or printed no
 * schema-valid result gives `ok: false` with a reason code: it is never taken as pass.
 *
 * @example
 * readCheckResult(outcome); // { ok: true, result: { status: 'fail', observed: {…}, message: '…' } }
 */
export function readCheckResult(outcome: StepOutcome): CheckObservation {
  if (outcome.state !== 'ran') {
    return { ok: false, reasonCode: outcome.reasonCode ?? 'EXEC_RUNNER_FAILED', message: outcome.message ?? `the step did not run to its end (${outcome.state})` };
  }
  if (outcome.truncated) return { ok: false, reasonCode: 'EXEC_OUTPUT_TOO_LARGE', message: 'the step printed more than the output cap' };
  const lines = outcome.stdout.split('\n');
  let last = '';
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.replace(/\r$/, '').trim();
    if (line !== '') {
      last = line;
      break;
    }
  }
  if (last === '') return { ok: false, reasonCode: 'EXEC_RESULT_INVALID', message: `the step printed no result (exit code ${outcome.exitCode})` };
  if (last.length > MAX_RESULT_LINE) return { ok: false, reasonCode: 'EXEC_RESULT_INVALID', message: 'the result line is too long' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(last);
  } catch {
    return { ok: false, reasonCode: 'EXEC_RESULT_INVALID', message: `the last output line is not JSON (exit code ${outcome.exitCode})` };
  }
  const errors = schemaValidators().validate('check-result', parsed);
  if (errors.length > 0) {
    const first = errors[0]!;
    return { ok: false, reasonCode: 'EXEC_RESULT_INVALID', message: `the result does not match the check-result schema: ${first.instancePath || '/'} ${first.message ?? ''}`.trim() };
  }
  return { ok: true, result: parsed as CheckResult };
}
