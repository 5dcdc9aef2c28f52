import type { Plan } from './plan-change.js';
import type { RenderPlanOptions } from './render-plan-text.js';

/** Version of the `writ plan --format json` document shape (docs/plan-json.md). */
export const PLAN_JSON_VERSION = 1;

/**
 * Renders a plan as the documented JSON contract (docs/plan-json.md): one document, two-space
 * indent, ended by a newline. Everything planned is included, unchanged sites, hosts and rules too,
 * in the plan's order (by id), so two runs over the same revisions print the same bytes.
 * Optional fields are left out when they do not apply, never written as null (a `null` inside
 * `from`/`to` is a YAML value).
 *
 * @example
 * JSON.parse(renderPlanJson(plan, { toolVersion: '0.1.0' })).summary.hostsAffected; // 41
 */
export function renderPlanJson(plan: Plan, options: RenderPlanOptions = {}): string {
  const head: Record<string, unknown> = { rev: plan.headRev, valid: (options.headErrors ?? 0) === 0 };
  if ((options.headErrors ?? 0) > 0) head['errors'] = options.headErrors;
  const doc = {
    version: PLAN_JSON_VERSION,
    tool: { name: 'writ', version: options.toolVersion ?? 'unknown' },
    base: { rev: plan.baseRev },
    head,
    now: plan.now,
    summary: plan.summary,
    flags: plan.flags,
    sites: plan.sites,
    repository: plan.repository,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
