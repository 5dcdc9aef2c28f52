import type { DocumentKind } from './schemas.js';

export type PathClass =
  | { type: 'document'; kind: DocumentKind; folder: string }
  | { type: 'script' }
  | { type: 'ignored' };

const FOLDERS: ReadonlyArray<[string, DocumentKind]> = [
  ['policies/', 'Rule'],
  ['runbooks/', 'Runbook'],
  ['sites/', 'Site'],
  ['frameworks/', 'Framework'],
];

/**
 * What a repository path holds: a YAML document of a kind (by its top folder), a runbook script,
 * or something writ does not read (README files, workflows, code).
 *
 * @example
 * classifyPath('runbooks/linux/LIN-SSH-001.yaml'); // { type: 'document', kind: 'Runbook', folder: 'runbooks/' }
 */
export function classifyPath(path: string): PathClass {
  const isYaml = path.endsWith('.yaml') || path.endsWith('.yml');
  for (const [folder, kind] of FOLDERS) {
    if (!path.startsWith(folder)) continue;
    if (isYaml) return { type: 'document', kind, folder };
    if (folder === 'runbooks/' && (path.endsWith('.sh') || path.endsWith('.ps1'))) return { type: 'script' };
    return { type: 'ignored' };
  }
  return { type: 'ignored' };
}
