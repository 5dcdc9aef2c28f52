import { parse, stringify } from 'yaml';
import type { LoadedRepo } from '../../core/validate/loaded-repo.js';
import { loadRepo } from '../../core/validate/load-repo.js';
import { sourceFiles, type RepoFiles } from './mini-repo.js';

// YAML documents of the fixtures are plain data here; tests reach into them freely.
export type Doc = any;

/** A copy of the files with one YAML document parsed, changed by `edit`, and written back. */
export function editYaml(files: RepoFiles, path: string, edit: (doc: Doc) => void): RepoFiles {
  const text = files[path];
  if (typeof text !== 'string') throw new Error(`fixture has no ${path}`);
  const doc = parse(text) as Doc;
  edit(doc);
  return { ...files, [path]: stringify(doc, { lineWidth: 0 }) };
}

/** Loads the files; throws when any file has an error (a fixture must be clean unless a test says so). */
export function loaded(files: RepoFiles): LoadedRepo {
  const { repo, findings } = loadRepo(sourceFiles(files));
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) throw new Error(`fixture does not load: ${errors.map((f) => `${f.file}:${f.line} ${f.code} ${f.message}`).join('; ')}`);
  return repo;
}

/** The mini repository's site file. */
export const SITE = 'sites/clinic-test.yaml';
/** The mini repository's Linux runbook. */
export const LINUX_RUNBOOK = 'runbooks/linux/LIN-TEST-001.yaml';
/** The mini repository's Linux rule (remediates with LIN-TEST-001). */
export const LINUX_RULE = 'policies/L1-TEST-001.yaml';
/** The mini repository's Windows rule (escalates). */
export const WINDOWS_RULE = 'policies/L1-TEST-002.yaml';

/** A Linux host like the mini repository's db-01, with its own id, address and key. */
export function linuxHost(id: string, extra: Record<string, unknown> = {}): Doc {
  return {
    id, address: '10.0.0.9', platform: 'linux', transport: 'ssh',
    host_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk0nqhIvJ1W4fT2pPvbqZPbXB6yGkqR6fXWAbTL7Hc3', credential: 'test-linux', ...extra,
  };
}

/** A Windows host reached over PowerShell remoting. */
export function windowsHost(id: string, extra: Record<string, unknown> = {}): Doc {
  return {
    id, address: '10.0.0.30', platform: 'windows', transport: 'powershell-ssh',
    host_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq8d0yJ0nK8q7bQ5tYwS2oR4cX1m9vLhE3uPzAaK6Fd', credential: 'test-windows', ...extra,
  };
}
