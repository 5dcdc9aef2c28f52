import type { Finding } from '../model/finding.js';
import type { LoadedRepo } from '../validate/loaded-repo.js';
import type { RunbookScript } from './collect-scripts.js';
import type { ScriptIssue } from './scripts/script-issue.js';

/** What every lint rule receives besides the repository. */
export interface LintContext {
  /** The run's reference time (from the Clock port or --now), for waiver expiry. */
  now: Date;
  scripts: readonly RunbookScript[];
  /** Results of external script linters (shellcheck), by RunbookScript key. */
  externalScriptIssues: ReadonlyMap<string, readonly ScriptIssue[]>;
}

/** A semantic check over the whole repository. `codes` lists every code it may report. */
export interface LintRule {
  name: string;
  codes: readonly LintCode[];
  run(repo: LoadedRepo, ctx: LintContext): Finding[];
}

export interface LintCode {
  code: string;
  title: string;
  help: string;
}
