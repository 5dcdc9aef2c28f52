import type { Finding } from '../model/finding.js';

export interface FindingCounts {
  errors: number;
  warnings: number;
  info: number;
}

export interface FindingSummary {
  counts: FindingCounts;
  /** One line for people, without a trailing newline. */
  text: string;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Counts findings by severity and words the summary line every human-readable format ends with.
 * `filesChecked` is left out of the sentence when the caller does not know it.
 *
 * @example
 * summarizeFindings(findings, 12).text; // '2 errors, 1 warning, 0 info in 12 files.'
 * summarizeFindings([], 12).text;       // 'No problems in 12 files.'
 */
export function summarizeFindings(
  findings: readonly Finding[],
  filesChecked?: number,
): FindingSummary {
  const counts: FindingCounts = { errors: 0, warnings: 0, info: 0 };
  for (const f of findings) {
    if (f.severity === 'error') counts.errors += 1;
    else if (f.severity === 'warning') counts.warnings += 1;
    else counts.info += 1;
  }
  const files = filesChecked === undefined ? '' : ` in ${plural(filesChecked, 'file', 'files')}`;
  const text =
    findings.length === 0
      ? `No problems${files}.`
      : `${plural(counts.errors, 'error', 'errors')}, ${plural(counts.warnings, 'warning', 'warnings')}, ${counts.info} info${files}.`;
  return { counts, text };
}
