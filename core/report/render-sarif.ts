import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../model/finding.js';
import { sortFindings } from './sort-findings.js';

/** What SARIF consumers (GitHub code scanning) show about one finding code. */
export interface SarifRule {
  code: string;
  /** One line, shown as the rule's short description. */
  title: string;
  /** What the rule checks and how to fix it, shown as the full description and help. */
  help: string;
  /** Default level when no finding says otherwise. */
  severity?: Severity;
}

export interface RenderSarifOptions {
  toolVersion: string;
  /** The rule catalogue; codes missing from it get a generated entry. */
  rules: readonly SarifRule[];
  /** Where people read about writ (for example the repository's docs page). */
  informationUri?: string;
}

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Base id every artifact URI is relative to; the upload step maps it to the checkout root. */
const SRCROOT = '%SRCROOT%';

/** Name (with a version) of the fingerprint GitHub uses to track a result across commits. */
const FINGERPRINT_KEY = 'writFinding/v1';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function isPosition(n: number | undefined): n is number {
  return n !== undefined && Number.isFinite(n) && n >= 1;
}

/** SARIF wants 1-based positive integers; a bad position must not make the whole log invalid. */
function position(n: number | undefined): number {
  return isPosition(n) ? Math.trunc(n) : 1;
}

/**
 * A repository-relative path as a relative URI reference: forward slashes, no leading `./` or
 * `/`, each segment percent-encoded (spaces, `#`, `%`, non-ASCII). Lone surrogates become U+FFFD
 * so encoding never throws.
 */
function toRelativeUri(file: string): string {
  const wellFormed = file.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
  const segments = wellFormed
    .replace(/\\/g, '/')
    .split('/')
    .filter((s, i) => !(s === '' || (s === '.' && i === 0)));
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

function region(f: Pick<Finding, 'line' | 'column' | 'endLine' | 'endColumn'>) {
  const startLine = position(f.line);
  const startColumn = position(f.column);
  const out: { startLine: number; startColumn: number; endLine?: number; endColumn?: number } = {
    startLine,
    startColumn,
  };
  // An end that is not a position, or lies before the start, would make GitHub reject the
  // whole upload; drop it and keep the start rather than guess.
  if (f.endLine !== undefined && !isPosition(f.endLine)) return out;
  const endLine = f.endLine === undefined ? startLine : Math.trunc(f.endLine);
  if (endLine < startLine) return out;
  if (f.endLine !== undefined) out.endLine = endLine;
  if (isPosition(f.endColumn)) {
    const endColumn = Math.trunc(f.endColumn);
    if (endLine > startLine || endColumn >= startColumn) out.endColumn = endColumn;
  }
  return out;
}

function physicalLocation(f: Pick<Finding, 'file' | 'line' | 'column' | 'endLine' | 'endColumn'>) {
  return {
    artifactLocation: { uri: toRelativeUri(f.file), uriBaseId: SRCROOT },
    region: region(f),
  };
}

function buildRules(findings: readonly Finding[], catalogue: readonly SarifRule[]) {
  const byCode = new Map<string, SarifRule>();
  for (const r of catalogue) if (!byCode.has(r.code)) byCode.set(r.code, r);
  // The most severe level seen for a code becomes its default when the catalogue has none.
  const seen = new Map<string, Severity>();
  for (const f of findings) {
    const prev = seen.get(f.code);
    if (prev === undefined || SEVERITY_RANK[f.severity] < SEVERITY_RANK[prev]) {
      seen.set(f.code, f.severity);
    }
    if (!byCode.has(f.code)) {
      byCode.set(f.code, {
        code: f.code,
        title: f.code,
        help: `${f.code} has no catalogue entry; each result's message says what to change.`,
      });
    }
  }
  const codes = [...byCode.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(codes.map((c, i) => [c, i]));
  const rules = codes.map((code) => {
    const r = byCode.get(code) as SarifRule;
    const severity = r.severity ?? seen.get(code) ?? 'warning';
    return {
      id: code,
      name: code,
      shortDescription: { text: r.title },
      fullDescription: { text: r.help },
      help: { text: r.help },
      defaultConfiguration: { level: LEVEL[severity] },
    };
  });
  return { rules, index };
}

/**
 * Renders findings as a SARIF 2.1.0 log with one run, in the shape GitHub code scanning accepts
 * (`github/codeql-action/upload-sarif`). Each result carries a partial fingerprint hashed from
 * code, file and JSON pointer (not the line) so an alert survives edits above it.
 *
 * @example
 * renderSarif(findings, { toolVersion: '0.1.0', rules: [{ code: 'SCHEMA_ENUM',
 *   title: 'Value not allowed', help: 'Use one of the listed values.' }] });
 * // {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [...]}
 */
export function renderSarif(findings: readonly Finding[], options: RenderSarifOptions): string {
  const sorted = sortFindings(findings);
  const { rules, index } = buildRules(sorted, options.rules);
  const occurrences = new Map<string, number>();

  const results = sorted.map((f) => {
    const digest = createHash('sha256')
      .update(`${f.code}\u0000${f.file}\u0000${f.pointer}`)
      .digest('hex');
    // Two results with one fingerprint would be merged into one alert; number the repeats.
    const n = (occurrences.get(digest) ?? 0) + 1;
    occurrences.set(digest, n);
    const related = f.related ?? [];
    return {
      ruleId: f.code,
      ruleIndex: index.get(f.code) as number,
      level: LEVEL[f.severity],
      message: { text: f.hint === '' ? f.message : `${f.message}\nhint: ${f.hint}` },
      locations: [{ physicalLocation: physicalLocation(f) }],
      ...(related.length === 0
        ? {}
        : {
            relatedLocations: related.map((r, id) => ({
              id,
              physicalLocation: physicalLocation(r),
              message: { text: r.message },
            })),
          }),
      partialFingerprints: { [FINGERPRINT_KEY]: n === 1 ? digest : `${digest}:${n}` },
    };
  });

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'writ',
            version: options.toolVersion,
            ...(options.informationUri === undefined
              ? {}
              : { informationUri: options.informationUri }),
            rules,
          },
        },
        originalUriBaseIds: {
          [SRCROOT]: { description: { text: 'The root of the policy repository.' } },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
