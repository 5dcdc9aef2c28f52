import { UsageError } from '../errors/writ-error.js';
import type { Finding } from '../model/finding.js';
import { renderGithub } from './render-github.js';
import { renderJson } from './render-json.js';
import { renderSarif, type SarifRule } from './render-sarif.js';
import { renderText } from './render-text.js';

/** The `--format` values `writ validate` accepts (spec/cli.md), in the order help lists them. */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Everything any renderer may need; each takes what it uses and ignores the rest. */
export interface RenderContext {
  color: boolean;
  filesChecked: number;
  toolVersion: string;
  rules: readonly SarifRule[];
  informationUri?: string;
}

export type Renderer = (findings: readonly Finding[], context: RenderContext) => string;

const RENDERERS: ReadonlyMap<string, Renderer> = new Map<ReportFormat, Renderer>([
  ['text', (findings, c) => renderText(findings, { color: c.color, filesChecked: c.filesChecked })],
  [
    'json',
    (findings, c) =>
      renderJson(findings, { filesChecked: c.filesChecked, toolVersion: c.toolVersion }),
  ],
  [
    'sarif',
    (findings, c) =>
      renderSarif(findings, {
        toolVersion: c.toolVersion,
        rules: c.rules,
        ...(c.informationUri === undefined ? {} : { informationUri: c.informationUri }),
      }),
  ],
  ['github', (findings, c) => renderGithub(findings, { filesChecked: c.filesChecked })],
]);

/**
 * Looks up the renderer for a `--format` value. An unknown value is a usage error that names it
 * and lists the valid ones; there is no silent fallback to text (STYLE.md section 4).
 *
 * @example
 * const render = selectRenderer(args.format);
 * process.stdout.write(render(findings, context));
 */
export function selectRenderer(format: string): Renderer {
  const renderer = RENDERERS.get(format);
  if (renderer !== undefined) return renderer;
  const valid = REPORT_FORMATS.join(', ');
  const lower = format.trim().toLowerCase();
  const hint = RENDERERS.has(lower)
    ? `Formats are lower-case: did you mean --format ${lower}? Use one of: ${valid}.`
    : `Use one of: ${valid}.`;
  throw new UsageError(`unknown format ${JSON.stringify(format)}`, {
    hint,
    data: { format, validFormats: [...REPORT_FORMATS] },
  });
}
