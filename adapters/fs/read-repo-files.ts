import { lstat, open, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { SourceFile } from '../../core/load/source-file.js';
import type { Finding } from '../../core/model/finding.js';
import { RepoReadError } from '../../core/errors/writ-error.js';

/** The folders of a policy repository that writ reads. */
export const POLICY_FOLDERS = ['policies', 'runbooks', 'sites', 'frameworks'] as const;

export interface ReadRepoOptions {
  /** Files larger than this are returned with empty bytes and their real size (the loader reports them). */
  maxFileBytes: number;
  /** Parallel reads. */
  concurrency?: number;
}

/**
 * Reads the policy folders of a repository on disk. Symbolic links are never followed (a link could
 * point outside the repository) and are reported as findings instead; oversized files are not read.
 *
 * @example
 * const { files, findings } = await readRepoFiles('/srv/policy', { maxFileBytes: 1 << 20 });
 */
export async function readRepoFiles(repoDir: string, options: ReadRepoOptions): Promise<{ files: SourceFile[]; findings: Finding[] }> {
  try {
    const st = await lstat(repoDir);
    if (!st.isDirectory()) throw new Error('not a directory');
  } catch (e) {
    throw new RepoReadError(`cannot read the policy repository at ${repoDir}`, {
      hint: 'Pass --repo with the folder that holds policies/, runbooks/, sites/ and frameworks/.', cause: e, data: { repoDir },
    });
  }
  const paths: string[] = [];
  const findings: Finding[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new RepoReadError(`cannot list ${dir}`, { hint: 'Check the folder\'s permissions.', cause: e });
    }
    await Promise.all(entries.map(async (entry) => {
      const full = join(dir, entry.name);
      const rel = relative(repoDir, full).split(sep).join('/');
      if (entry.isSymbolicLink()) {
        findings.push({ file: rel, line: 1, column: 1, pointer: '', code: 'REPO_SYMLINK', severity: 'error',
          message: 'symbolic links are not read (one could point outside the repository)', hint: 'Replace the link with the file itself.' });
      } else if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') await walk(full);
      } else if (entry.isFile()) {
        paths.push(rel);
      }
    }));
  };
  for (const folder of POLICY_FOLDERS) await walk(join(repoDir, folder));
  paths.sort();

  const files: SourceFile[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      const path = paths[i]!;
      files[i] = await readCapped(join(repoDir, path), path, options.maxFileBytes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 32, paths.length) }, worker));
  return { files, findings };
}

async function readCapped(full: string, path: string, cap: number): Promise<SourceFile> {
  const handle = await open(full, 'r');
  try {
    const { size } = await handle.stat();
    if (size > cap) return { path, bytes: new Uint8Array(0), size };
    const bytes = new Uint8Array(size);
    let off = 0;
    while (off < size) {
      const { bytesRead } = await handle.read(bytes, off, size - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return { path, bytes: off === size ? bytes : bytes.subarray(0, off), size };
  } finally {
    await handle.close();
  }
}
