/**
 * A finding is one problem the validator found in the policy repository.
 * Every stage that inspects YAML or scripts reports findings; none throws on the first problem.
 *
 * @example
 * const f: Finding = {
 *   file: 'policies/L1-LIN-SSH-001.yaml', line: 4, column: 11, pointer: '/severity',
 *   code: 'SCHEMA_ENUM', severity: 'error',
 *   message: 'severity must be one of low, medium, high, critical (got "hgih")',
 *   hint: 'Did you mean "high"?',
 * };
 */
export interface Finding {
  /** Repository-relative path with forward slashes. */
  file: string;
  /** 1-based line of the offending node (1 when the whole file is at fault). */
  line: number;
  /** 1-based column, counted in UTF-16 code units like editors do. */
  column: number;
  /** Where the offending node ends, when known (1-based, exclusive column). */
  endLine?: number;
  endColumn?: number;
  /** RFC 6901 JSON pointer into the parsed document ('' for the whole document). */
  pointer: string;
  /** Stable upper-case code with a family prefix: YAML_, SCHEMA_, LINT_. */
  code: string;
  severity: Severity;
  /** What is wrong, in one sentence a person understands. */
  message: string;
  /** What to do about it: which key, which value, which command. */
  hint: string;
  /** Other places involved (for example the first occurrence of a duplicate key). */
  related?: RelatedLocation[];
}

export type Severity = 'error' | 'warning' | 'info';

export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Orders findings by file, then position, then code, so every run prints the same order. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
