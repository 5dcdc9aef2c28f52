// Small text formatters shared by the pages. Output is plain text; Astro escapes it.
import type { CellStatus, StatusCounts, TimeToHeal, VerificationState } from './model.ts';

export const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export const tth = (t: TimeToHeal) => (t.resolved === 0 ? 'no incident resolved' : `median ${duration(t.median_seconds)}, p90 ${duration(t.p90_seconds)} (${t.resolved} ${t.resolved === 1 ? 'incident' : 'incidents'} resolved)`);

/** `2026-03-01T02:00:00Z` → `2026-03-01 02:00:00Z` (UTC, as recorded). */
export const time = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');

export const shortHash = (hex: string | undefined, n = 12) => (hex ? hex.slice(0, n) : '—');

/** Words a person reads for a cell status (colour is never the only signal). */
export const STATUS_LABEL: Readonly<Record<CellStatus, string>> = {
  compliant: 'compliant', healed: 'healed', drift: 'DRIFT', escalated: 'ESCALATED', waived: 'waived',
  error: 'ERROR', unreachable: 'UNREACHABLE', 'not-applicable': 'n/a',
};

/** One-character marks for dense matrices, alongside the label in the title and legend. */
export const STATUS_MARK: Readonly<Record<CellStatus, string>> = {
  compliant: '✓', healed: '✓h', drift: '✗', escalated: '!', waived: 'w', error: 'E', unreachable: '?', 'not-applicable': '–',
};

export const VERIFY_LABEL: Readonly<Record<VerificationState, string>> = {
  verified: 'verified', 'beyond-checkpoint': 'beyond last checkpoint', broken: 'BROKEN',
};

export const countsLine = (c: StatusCounts) =>
  `${c.checks} checks: ${c.compliant} compliant, ${c.healed} healed, ${c.drift} drift, ${c.escalated} escalated, ${c.waived} waived, ${c.error} error, ${c.unreachable} unreachable`;
