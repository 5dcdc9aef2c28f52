import { compareFindings, type Finding } from '../model/finding.js';

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Returns a sorted copy: `compareFindings` first (file, position, code, message), then severity,
 * pointer, end position, hint and related locations as tie-breakers, so findings that
 * `compareFindings` calls equal still come out in one order whatever order they went in.
 *
 * @example
 * sortFindings([b, a]); // [a, b] — the input array is left untouched
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compareFindings(a, b) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      compareText(a.pointer, b.pointer) ||
      (a.endLine ?? 0) - (b.endLine ?? 0) ||
      (a.endColumn ?? 0) - (b.endColumn ?? 0) ||
      compareText(a.hint, b.hint) ||
      compareText(JSON.stringify(a.related ?? []), JSON.stringify(b.related ?? [])),
  );
}
