import { ObjectMemo } from '../memo/object-memo.js';
import { parseYamlFile } from '../load/parse-yaml-file.js';
import type { ParsedFile } from '../load/parsed-file.js';
import { findingAt } from '../load/parsed-file.js';
import { DEFAULT_LOAD_LIMITS, type LoadLimits, type SourceFile } from '../load/source-file.js';
import type { Finding } from '../model/finding.js';
import { classifyPath } from './classify-path.js';
import type { Entry, LoadedRepo } from './loaded-repo.js';
import { schemaErrorsToFindings } from './schema-errors-to-findings.js';
import { schemaValidators, type SchemaValidators } from './schema-validators.js';
import { SCHEMA_OF_KIND, type DocumentKind } from './schemas.js';

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
    const loaded = fileLoads.get(source, [limits.maxFileBytes, limits.maxDepth, limits.maxAliasCount], () => loadFile(source, limits, validators));
    if (loaded.type === 'script') {
      repo.scriptFiles.set(source.path, source);
      continue;
    }
    if (loaded.type === 'other') continue;
    repo.files.push(loaded.parsed);
    findings.push(...loaded.findings);
    if (loaded.declared) repo.declaredIds[loaded.declared.kind].add(loaded.declared.id);
    if (!loaded.entry) continue;
    const { kind, entry } = loaded.entry;
    if (kind === 'Rule') repo.rules.push(entry);
    else if (kind === 'Runbook') repo.runbooks.push(entry);
    else if (kind === 'Site') repo.sites.push(entry);
    else repo.frameworks.push(entry);
  }
  return { repo, findings };
}

type FileLoad =
  | { type: 'script' }
  | { type: 'other' }
  | { type: 'document'; parsed: ParsedFile; findings: Finding[]; declared?: { kind: DocumentKind; id: string }; entry?: { kind: DocumentKind; entry: Entry<never> } };

/** One result per SourceFile object (and limits): a caller that reuses SourceFiles parses each once. */
const fileLoads = new ObjectMemo<SourceFile, FileLoad>();

/** Everything loadRepo learns from one file alone: parse, extension, schema. */
function loadFile(source: SourceFile, limits: LoadLimits, validators: SchemaValidators): FileLoad {
  const cls = classifyPath(source.path);
  if (cls.type === 'script') return { type: 'script' };
  if (cls.type !== 'document') return { type: 'other' };
  const parsed = parseYamlFile(source, limits);
  const findings: Finding[] = [...parsed.findings];
  const out: Extract<FileLoad, { type: 'document' }> = { type: 'document', parsed, findings };
  if (source.path.endsWith('.yml')) {
    findings.push(findingAt(parsed, undefined, '', 'LINT_FILE_EXTENSION', 'writ files end in .yaml, not .yml',
      `Rename the file to ${source.path.replace(/\.yml$/, '.yaml')}.`, 'warning'));
  }
  if (parsed.findings.some((f) => f.severity === 'error') || parsed.value === undefined) return out;

  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    findings.push(findingAt(parsed, [0, 0], '', 'SCHEMA_TYPE', `the document must be a mapping of keys to values (got ${Array.isArray(value) ? 'a list' : typeof value})`,
      `Start the file with \`apiVersion: writ/v1\` and \`kind: ${cls.kind}\`.`));
    return out;
  }
  const id = (value as { id?: unknown }).id;
  if (typeof id === 'string') out.declared = { kind: cls.kind, id };

  const errors = validators.validate(SCHEMA_OF_KIND[cls.kind], value);
  if (errors.length > 0) {
    findings.push(...schemaErrorsToFindings(parsed, errors, cls.folder));
    return out;
  }
  out.entry = { kind: cls.kind, entry: { file: parsed, value: value as never } };
  return out;
}
