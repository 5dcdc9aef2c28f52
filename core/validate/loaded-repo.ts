import type { ParsedFile } from '../load/parsed-file.js';
import type { SourceFile } from '../load/source-file.js';
import type { Framework } from '../model/generated/framework.js';
import type { Rule } from '../model/generated/rule.js';
import type { Runbook } from '../model/generated/runbook.js';
import type { Site } from '../model/generated/site.js';
import type { DocumentKind } from './schemas.js';

/** One schema-valid document with the file it came from. */
export interface Entry<T> {
  file: ParsedFile;
  value: T;
}

/** The policy repository after loading and schema checks: what lint rules and later stages work on. */
export interface LoadedRepo {
  rules: Entry<Rule>[];
  runbooks: Entry<Runbook>[];
  sites: Entry<Site>[];
  frameworks: Entry<Framework>[];
  /**
   * Every id declared by a document of each kind, valid or not, so that a reference to a file that
   * has its own schema problems is not reported a second time as unresolved.
   */
  declaredIds: Record<DocumentKind, Set<string>>;
  /** Runbook script files (.sh, .ps1) by repository path. */
  scriptFiles: Map<string, SourceFile>;
  /** Every YAML file that was read, valid or not. */
  files: ParsedFile[];
}
