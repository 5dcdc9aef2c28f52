import type { Finding, Severity } from '../model/finding.js';
import { escapeControl } from './escape-control.js';
import { sortFindings } from './sort-findings.js';
import { summarizeFindings } from './summarize-findings.js';

export interface RenderTextOptions {
  /** Emit ANSI colour. The CLI decides (TTY, NO_COLOR, --color); the renderer never looks. */
  color: boolean;
  /** How many files the validator read, for the summary line. */
  filesChecked: number;
}

const SGR = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
} as const;

const SEVERITY_COLOR: Record<Severity, string> = {
  error: SGR.red,
  warning: SGR.yellow,
  info: SGR.cyan,
};

/** Width of the severity column: the longest word, "warning". */
const SEVERITY_WIDTH = 7;

/**
 * Renders findings for a person at a terminal: one block per finding in `compareFindings`
 * order, then a summary line. Every text that came from the repository (file names, messages,
 * hints) has its control characters escaped, so a hostile YAML value cannot move the cursor or
 * forge a line.
 *
 * @example
 * renderText(findings, { color: false, filesChecked: 3 });
 * // policies/a.yaml:4:11  error    SCHEMA_ENUM  severity must be one of low, medium, high
 * //   hint: Did you mean "high"?
 * //
 * // 1 error, 0 warnings, 0 info in 3 files.
 */
export function renderText(findings: readonly Finding[], options: RenderTextOptions): string {
  const paint = (style: string, text: string): string =>
    options.color ? `${style}${text}${SGR.reset}` : text;

  const lines: string[] = [];
  for (const f of sortFindings(findings)) {
    const location = `${escapeControl(f.file)}:${f.line}:${f.column}`;
    const severity = paint(SEVERITY_COLOR[f.severity], f.severity.padEnd(SEVERITY_WIDTH));
    const code = paint(SGR.bold, escapeControl(f.code));
    lines.push(`${location}  ${severity}  ${code}  ${escapeControl(f.message)}`);
    if (f.hint !== '') lines.push(paint(SGR.dim, `  hint: ${escapeControl(f.hint)}`));
    for (const r of f.related ?? []) {
      lines.push(
        `  also at ${escapeControl(r.file)}:${r.line}:${r.column}: ${escapeControl(r.message)}`,
      );
    }
  }
  if (lines.length > 0) lines.push('');
  lines.push(paint(SGR.bold, summarizeFindings(findings, options.filesChecked).text));
  return `${lines.join('\n')}\n`;
}
