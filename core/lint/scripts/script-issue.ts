/**
 * A problem found inside a runbook script (PowerShell or shell), positioned within the script text.
 * The validator maps script positions back to the YAML file (inline scripts) or the sibling file.
 */
export interface ScriptIssue {
  /** Stable code, family LINT_ (for example LINT_PS_INVOKE_EXPRESSION). */
  code: string;
  /** 1-based line within the script text. */
  line: number;
  /** 1-based column within that line (UTF-16 code units). */
  column: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  hint: string;
}
