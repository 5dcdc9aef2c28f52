import { parseYamlFile } from '../load/parse-yaml-file.js';
import { findingAt } from '../load/parsed-file.js';
import { DEFAULT_LOAD_LIMITS, type LoadLimits, type SourceFile } from '../load/source-file.js';
import type { Finding } from '../model/finding.js';
import { classifyPath } from './classify-path.js';
import type { LoadedRepo } from './loaded-repo.js';
import { schemaErrorsToFindings } from './schema-errors-to-findings.js';
import { schemaValidators } from './schema-validators.js';
import { SCHEMA_OF_KIND } from './schemas.js';

/**
 * Parses every YAML document of the repository and checks it against the schema of its folder.
 * Returns the schema-valid documents by kind plus every finding; never throws on bad input.
 *
 * @example
 * const { repo, findings } = loadRepo(files);
 */
export function loadRepo(files: readonly SourceFile[], limits: LoadLimits = DEFAULT_LOAD_LIMITS): { repo: LoadedRepo; findings: Finding[] } {
  const repo: LoadedRepo = {
    rules: [], runbooks: [], sites: [], frameworks: [],
    declaredIds: { Rule: new Set(), Runbook: new Set(), Site: new Set(), Framework: new Set() },
    scriptFiles: new Map(), files: [],
  };
  const findings: Finding[] = [];
  const validators = schemaValidators();
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  for (const source of sorted) {
    const cls = classifyPath(source.path);
    if (cls.type === 'script') {
      repo.scriptFiles.set(source.path, source);
      continue;
    }
    if (cls.type !== 'document') continue;
    const parsed = parseYamlFile(source, limits);
    repo.files.push(parsed);
    findings.push(...parsed.findings);
    if (source.path.endsWith('.yml')) {
      findings.push(findingAt(parsed, undefined, '', 'LINT_FILE_EXTENSION', 'writ files end in .yaml, not .yml',
        `Rename the file to ${source.path.replace(/\.yml$/, '.yaml')}.`, 'warning'));
    }
    if (parsed.findings.some((f) => f.severity === 'error') || parsed.value === undefined) continue;

    const value = parsed.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      findings.push(findingAt(parsed, [0, 0], '', 'SCHEMA_TYPE', `the document must be a mapping of keys to values (got ${Array.isArray(value) ? 'a list' : typeof value})`,
        `Start the file with \`apiVersion: writ/v1\` and \`kind: ${cls.kind}\`.`));
      continue;
    }
    const id = (value as { id?: unknown }).id;
    if (typeof id === 'string') repo.declaredIds[cls.kind].add(id);

    const errors = validators.validate(SCHEMA_OF_KIND[cls.kind], value);
    if (errors.length > 0) {
      findings.push(...schemaErrorsToFindings(parsed, errors, cls.folder));
      continue;
    }
    const entry = { file: parsed, value: value as never };
    if (cls.kind === 'Rule') repo.rules.push(entry);
    else if (cls.kind === 'Runbook') repo.runbooks.push(entry);
    else if (cls.kind === 'Site') repo.sites.push(entry);
    else repo.frameworks.push(entry);
  }
  return { repo, findings };
}
