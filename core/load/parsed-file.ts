import type { Document } from 'yaml';
import type { Finding, Severity } from '../model/finding.js';
import type { LineIndex } from './line-index.js';

/** A YAML file after loading: its text, its document with source ranges, its plain value, and what went wrong. */
export interface ParsedFile {
  path: string;
  text: string;
  lines: LineIndex;
  /** The parsed document, or null when the file could not be parsed at all (encoding, size). */
  doc: Document.Parsed | null;
  /** The document as plain data; undefined when it could not be produced safely. */
  value: unknown;
  findings: Finding[];
}

/**
 * Builds a finding positioned at a string offset range of a parsed file.
 *
 * @example
 * findingAt(file, [12, 20], '/severity', 'SCHEMA_ENUM', 'severity must be …', 'Use one of …');
 */
export function findingAt(
  file: Pick<ParsedFile, 'path' | 'lines'>,
  range: readonly [number, number] | undefined,
  pointer: string,
  code: string,
  message: string,
  hint: string,
  severity: Severity = 'error',
): Finding {
  const [start, end] = range ?? [0, 0];
  const s = file.lines.position(start);
  const e = file.lines.position(Math.max(start, end));
  return {
    file: file.path,
    line: s.line,
    column: s.column,
    ...(end > start ? { endLine: e.line, endColumn: e.column } : {}),
    pointer,
    code,
    severity,
    message,
    hint,
  };
}
