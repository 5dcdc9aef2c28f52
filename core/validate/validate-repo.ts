import type { SourceFile, LoadLimits } from '../load/source-file.js';
import { DEFAULT_LOAD_LIMITS } from '../load/source-file.js';
import { compareFindings, type Finding } from '../model/finding.js';
import type { ScriptChecker } from '../ports/script-checker.js';
import { ALL_LINT_RULES } from '../lint/all-lint-rules.js';
import { collectScripts } from '../lint/collect-scripts.js';
import type { LintContext } from '../lint/lint-context.js';
import type { ScriptIssue } from '../lint/scripts/script-issue.js';
import type { LoadedRepo } from './loaded-repo.js';
import { loadRepo } from './load-repo.js';

export interface ValidateOptions {
  /** Reference time for waiver expiry (from the Clock port or --now). */
  now: Date;
  /** External shell linter; without it, shellcheck findings are skipped and one info finding says so. */
  shellcheck?: ScriptChecker;
  limits?: LoadLimits;
}

export interface ValidateResult {
  findings: Finding[];
  /** YAML documents and scripts read. */
  filesChecked: number;
  repo: LoadedRepo;
}

/**
 * Validates a whole policy repository: YAML loading, schemas, then every lint rule, reporting all
 * findings of the run together in a stable order. Pure but for the ScriptChecker port.
 *
 * @example
 * const { findings } = await validateRepo(files, { now: clock.now(), shellcheck: runShellcheck });
 */
export async function validateRepo(files: readonly SourceFile[], options: ValidateOptions): Promise<ValidateResult> {
  const { repo, findings } = loadRepo(files, options.limits ?? DEFAULT_LOAD_LIMITS);
  const { scripts, findings: scriptFindings } = collectScripts(repo);
  findings.push(...scriptFindings);

  let external = new Map<string, ScriptIssue[]>();
  const shellScripts = scripts.filter((s) => s.platform === 'linux').map((s) => ({ id: s.key, text: s.text }));
  if (options.shellcheck && shellScripts.length > 0) external = await options.shellcheck(shellScripts);

  const ctx: LintContext = { now: options.now, scripts, externalScriptIssues: external };
  for (const rule of ALL_LINT_RULES) findings.push(...rule.run(repo, ctx));

  const unique = new Map<string, Finding>();
  for (const f of findings) unique.set(`${f.file}|${f.line}|${f.column}|${f.code}|${f.message}`, f);
  const sorted = [...unique.values()].sort(compareFindings);
  return { findings: sorted, filesChecked: repo.files.length + repo.scriptFiles.size, repo };
}
