import type { EvidenceStatement } from '../evidence/evidence-record.js';
import type { CellStatus } from './site-model.js';

const ESCALATED = new Set(['escalate', 'already-escalated', 'retries-spent']);
const DRIFT = new Set(['remediate', 'plan-remediate', 'cooldown', 'outside-window', 'superseded']);
/** Remediation outcomes after which the rule holds again. */
export const HEALED_OUTCOMES: ReadonlySet<string> = new Set(['healed', 'already-compliant']);

/**
 * The cell status of one `check` record: its decision (core/engine/decide-host.ts kinds), the
 * check's own status, and whether a remediation in the same run healed it. A decision writ does not
 * know falls back to the check status (pass → compliant, fail → drift, anything else → error).
 *
 * @example
 * cellStatus({ decision: 'remediate', result: { status: 'fail' } }, true); // 'healed'
 * cellStatus({ decision: 'not-checked' }, false); // 'unreachable'
 */
export function cellStatus(check: Pick<EvidenceStatement, 'decision' | 'result'>, healedInRun: boolean): CellStatus {
  const decision = check.decision ?? '';
  if (decision === 'compliant') return 'compliant';
  if (decision === 'not-checked') return 'unreachable';
  if (decision === 'check-error') return 'error';
  if (decision === 'not-applicable' || decision === 'no-match') return 'not-applicable';
  if (decision === 'waived') return 'waived';
  if (ESCALATED.has(decision)) return 'escalated';
  if (DRIFT.has(decision)) return healedInRun ? 'healed' : 'drift';
  const status = check.result?.['status'];
  if (status === 'pass') return 'compliant';
  if (status === 'fail') return healedInRun ? 'healed' : 'drift';
  if (status === 'not-run') return 'unreachable';
  if (status === 'not_applicable') return 'not-applicable';
  return 'error';
}

/** Severity order for "the worst status of a day" (higher is worse). */
export const STATUS_RANK: Readonly<Record<CellStatus, number>> = {
  'not-applicable': 0, compliant: 1, healed: 2, waived: 3, drift: 4, error: 5, unreachable: 6, escalated: 7,
};

/** Whether a status counts as failing the rule at that moment (an incident is open). */
export function isFailing(s: CellStatus): boolean {
  return s === 'drift' || s === 'escalated' || s === 'healed';
}
