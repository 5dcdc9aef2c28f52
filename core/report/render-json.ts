import type { Finding, RelatedLocation } from '../model/finding.js';
import { sortFindings } from './sort-findings.js';
import { summarizeFindings } from './summarize-findings.js';

export interface RenderJsonOptions {
  filesChecked: number;
  /** writ's own version, as the CLI knows it from package.json. */
  toolVersion: string;
}

/** Version of the document shape below; bump it on any incompatible change (docs/validate-json.md). */
export const VALIDATE_JSON_VERSION = 1;

/**
 * One finding in the JSON report. Keys are listed here in the order they are written; optional
 * keys are omitted (never `null`) when the finding does not carry them.
 */
export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  pointer: string;
  code: string;
  severity: Finding['severity'];
  message: string;
  hint: string;
  related?: RelatedLocation[];
}

export interface JsonReport {
  version: typeof VALIDATE_JSON_VERSION;
  tool: { name: 'writ'; version: string };
  summary: { errors: number; warnings: number; info: number; files: number };
  findings: JsonFinding[];
}

function toJsonFinding(f: Finding): JsonFinding {
  // Built key by key so the order is fixed and stray properties on the input never leak out.
  return {
    file: f.file,
    line: f.line,
    column: f.column,
    ...(f.endLine === undefined ? {} : { endLine: f.endLine }),
    ...(f.endColumn === undefined ? {} : { endColumn: f.endColumn }),
    pointer: f.pointer,
    code: f.code,
    severity: f.severity,
    message: f.message,
    hint: f.hint,
    ...(f.related === undefined || f.related.length === 0
      ? {}
      : {
          related: f.related.map((r) => ({
            file: r.file,
            line: r.line,
            column: r.column,
            message: r.message,
          })),
        }),
  };
}

/**
 * Renders findings as the stable machine-readable document described in docs/validate-json.md:
 * sorted, 2-space indented, with a trailing newline.
 *
 * @example
 * renderJson(findings, { filesChecked: 3, toolVersion: '0.1.0' });
 * // {
 * //   "version": 1,
 * //   "tool": { "name": "writ", "version": "0.1.0" }, ...
 */
export function renderJson(findings: readonly Finding[], options: RenderJsonOptions): string {
  const { counts } = summarizeFindings(findings);
  const report: JsonReport = {
    version: VALIDATE_JSON_VERSION,
    tool: { name: 'writ', version: options.toolVersion },
    summary: { ...counts, files: options.filesChecked },
    findings: sortFindings(findings).map(toJsonFinding),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
