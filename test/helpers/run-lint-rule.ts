import { collectScripts } from '../../core/lint/collect-scripts.js';
import type { LintRule } from '../../core/lint/lint-context.js';
import { loadRepo } from '../../core/validate/load-repo.js';
import { sourceFiles, TEST_NOW, type RepoFiles } from './mini-repo.js';

/** Loads the files and runs one lint rule; returns `file:line:col CODE message` lines. Fails on load findings. */
export function runLintRule(rule: LintRule, files: RepoFiles, now: Date = TEST_NOW): string[] {
  const { repo, findings } = loadRepo(sourceFiles(files));
  if (findings.length) throw new Error(`fixture does not load cleanly: ${findings.map((f) => `${f.file}:${f.line} ${f.code} ${f.message}`).join('; ')}`);
  const { scripts } = collectScripts(repo);
  return rule.run(repo, { now, scripts, externalScriptIssues: new Map() }).map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.message}`);
}

/** Returns a copy of the files with one text replacement made (the fixture must contain `from`). */
export function withEdit(files: RepoFiles, path: string, from: string, to: string): RepoFiles {
  const text = files[path];
  if (typeof text !== 'string' || !text.includes(from)) throw new Error(`fixture ${path} lacks ${JSON.stringify(from)}`);
  return { ...files, [path]: text.replace(from, to) };
}
