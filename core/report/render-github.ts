import type { Finding, Severity } from '../model/finding.js';
import { escapeControl } from './escape-control.js';
import { sortFindings } from './sort-findings.js';
import { summarizeFindings } from './summarize-findings.js';

export interface RenderGithubOptions {
  /** How many files the validator read; the summary line leaves it out when unknown. */
  filesChecked?: number;
}

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
};

/**
 * Escapes a command's message the way the Actions runner unescapes it (`escapeData` in
 * @actions/core): `%` first so the later `%0D`/`%0A` are not double-escaped. Other control
 * characters become visible `\x1b`-style text, because the log viewer interprets ANSI codes.
 */
function escapeData(text: string): string {
  return escapeControl(text, { keepNewlines: true })
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A');
}

/** Property values additionally escape the `:` and `,` that delimit properties. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Renders findings as GitHub Actions workflow commands, so each one shows up as an annotation
 * on the pull request's changed lines, followed by a plain summary line for the log.
 *
 * @example
 * renderGithub(findings, { filesChecked: 3 });
 * // ::error file=policies/a.yaml,line=4,col=11,title=SCHEMA_ENUM::severity must be …%0Ahint: Did you mean "high"?
 * // 1 error, 0 warnings, 0 info in 3 files.
 */
export function renderGithub(
  findings: readonly Finding[],
  options: RenderGithubOptions = {},
): string {
  const lines = sortFindings(findings).map((f) => {
    const props = [`file=${escapeProperty(f.file)}`, `line=${f.line}`, `col=${f.column}`];
    if (f.endLine !== undefined) props.push(`endLine=${f.endLine}`);
    if (f.endColumn !== undefined) props.push(`endColumn=${f.endColumn}`);
    props.push(`title=${escapeProperty(f.code)}`);
    const text = [
      f.message,
      ...(f.hint === '' ? [] : [`hint: ${f.hint}`]),
      ...(f.related ?? []).map((r) => `also at ${r.file}:${r.line}:${r.column}: ${r.message}`),
    ].join('\n');
    return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(text)}`;
  });
  lines.push(summarizeFindings(findings, options.filesChecked).text);
  return `${lines.join('\n')}\n`;
}
