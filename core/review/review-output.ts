import type { Finding } from '../model/finding.js';
import type { Plan } from '../plan/plan-change.js';
import { escapeMarkdown, MARKDOWN_SUMMARY_LIMIT, renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import type { RenderPlanOptions } from '../plan/render-plan-text.js';

/** One line annotation of a GitHub check run (REST `output.annotations[]`). */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  title: string;
  message: string;
  raw_details?: string;
}

export interface ReviewOutput {
  conclusion: 'success' | 'failure';
  title: string;
  summary: string;
  /** Findings in the pull request's files, one per finding, in finding order. */
  annotations: CheckAnnotation[];
}

export interface ReviewInput {
  findings: readonly Finding[];
  /** Paths the pull request adds or modifies; only findings in these get annotations. */
  changedFiles: ReadonlySet<string>;
  plan: Plan;
  planOptions: RenderPlanOptions;
  /** Character limit of the summary (GitHub's 65,535 by default). */
  limit?: number;
}

/** At most this many files with findings outside the pull request are named. */
const MAX_LISTED_OUTSIDE_FILES = 20;
/** GitHub caps an annotation message at 64 KB; keep far below. */
const MAX_MESSAGE_CHARS = 4000;

const LEVEL: Record<Finding['severity'], CheckAnnotation['annotation_level']> = { error: 'failure', warning: 'warning', info: 'notice' };

/**
 * Turns one review (validate findings and the plan of base → head) into a check run's output:
 * `failure` when any finding is an error, a summary with the finding counts, the findings outside
 * the pull request's files counted per file (summarised, not annotated), and the plan as markdown;
 * one annotation on the exact line for each finding in a changed file. Pure.
 *
 * @example
 * const out = reviewOutput({ findings, changedFiles: new Set(['policies/L1-X.yaml']), plan, planOptions: {} });
 * out.conclusion; // 'failure' when any finding is an error
 */
export function reviewOutput(input: ReviewInput): ReviewOutput {
  const limit = input.limit ?? MARKDOWN_SUMMARY_LIMIT;
  const count = (s: Finding['severity']) => input.findings.filter((f) => f.severity === s).length;
  const errors = count('error');
  const warnings = count('warning');
  const infos = count('info');
  const inside = input.findings.filter((f) => input.changedFiles.has(f.file));
  const outside = input.findings.filter((f) => !input.changedFiles.has(f.file));

  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const title = errors + warnings + infos === 0 ? 'No findings' : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(infos, 'note')}`;
  const lines = [
    '## writ review',
    '',
    '| errors | warnings | notes | annotated (files in this pull request) | elsewhere |',
    '|---:|---:|---:|---:|---:|',
    `| ${errors} | ${warnings} | ${infos} | ${inside.length} | ${outside.length} |`,
    '',
  ];
  if (outside.length > 0) {
    const perFile = new Map<string, number>();
    for (const f of outside) perFile.set(f.file, (perFile.get(f.file) ?? 0) + 1);
    lines.push(`### Findings outside this pull request's files`, '', `${plural(outside.length, 'finding')} in ${plural(perFile.size, 'file')} this pull request does not change (run \`writ validate\` for the details):`, '');
    const listed = [...perFile.entries()].slice(0, MAX_LISTED_OUTSIDE_FILES);
    for (const [file, n] of listed) lines.push(`- ${escapeMarkdown(file)}: ${n}`);
    if (perFile.size > listed.length) lines.push(`- and ${plural(perFile.size - listed.length, 'more file')}`);
    lines.push('');
  }
  const head = lines.join('\n');
  const planMarkdown = renderPlanMarkdown(input.plan, { ...input.planOptions, limit: Math.max(0, limit - head.length - 1) });
  const summary = `${head}\n${planMarkdown}`.slice(0, limit);

  const annotations = inside.map((f): CheckAnnotation => {
    const a: CheckAnnotation = {
      path: f.file,
      start_line: f.line,
      end_line: f.endLine !== undefined && f.endLine >= f.line ? f.endLine : f.line,
      annotation_level: LEVEL[f.severity],
      title: f.code,
      message: f.message.slice(0, MAX_MESSAGE_CHARS),
    };
    // GitHub accepts columns only on single-line annotations.
    if (a.start_line === a.end_line) {
      a.start_column = f.column;
      if (f.endColumn !== undefined && f.endColumn > f.column) a.end_column = f.endColumn;
    }
    if (f.hint) a.raw_details = `hint: ${f.hint}`.slice(0, MAX_MESSAGE_CHARS);
    return a;
  });
  return { conclusion: errors > 0 ? 'failure' : 'success', title, summary, annotations };
}
