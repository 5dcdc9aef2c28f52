import type { LintCode, LintRule } from './lint-context.js';
import { conditionsWellFormed } from './rules/conditions-well-formed.js';
import { controlsExist } from './rules/controls-exist.js';
import { disruptiveNeedsWindow } from './rules/disruptive-needs-window.js';
import { idsUnique } from './rules/ids-unique.js';
import { noSecrets } from './rules/no-secrets.js';
import { parametersTyped } from './rules/parameters-typed.js';
import { referencesResolve } from './rules/references-resolve.js';
import { runbookUsed } from './rules/runbook-used.js';
import { scriptSafety } from './rules/script-safety.js';
import { siteConsistent } from './rules/site-consistent.js';
import { waiversCurrent } from './rules/waivers-current.js';

/** Every lint rule, in the order their findings are most useful to read. */
export const ALL_LINT_RULES: readonly LintRule[] = [
  idsUnique,
  referencesResolve,
  controlsExist,
  parametersTyped,
  conditionsWellFormed,
  disruptiveNeedsWindow,
  siteConsistent,
  waiversCurrent,
  noSecrets,
  scriptSafety,
  runbookUsed,
];

export const LINT_CODES: readonly LintCode[] = ALL_LINT_RULES.flatMap((r) => r.codes);
