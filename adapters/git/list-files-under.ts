import * as fs from 'node:fs';
import git from 'isomorphic-git';

/**
 * Every file path (recursively, `/`-separated from the repository root) under `dir` of a commit;
 * [] when `dir` does not exist. Symbolic links and submodules are listed too, so nothing hides.
 *
 * @example
 * await listFilesUnder({ gitdir, commit, dir: 'targets' }); // ['targets/sites/ab12….clinic-a.bundle']
 */
export async function listFilesUnder(options: { gitdir: string; commit: string; dir: string; cache?: object }): Promise<string[]> {
  const { gitdir, commit } = options;
  const cache = options.cache ?? {};
  const out: string[] = [];
  let oid = (await git.readCommit({ fs, gitdir, oid: commit, cache })).commit.tree;
  for (const part of options.dir.split('/').filter(Boolean)) {
    const { tree } = await git.readTree({ fs, gitdir, oid, cache });
    const entry = tree.find((e) => e.path === part && e.type === 'tree');
    if (!entry) return [];
    oid = entry.oid;
  }
  const walk = async (treeOid: string, prefix: string): Promise<void> => {
    const { tree } = await git.readTree({ fs, gitdir, oid: treeOid, cache });
    for (const e of tree) {
      if (e.type === 'tree') await walk(e.oid, `${prefix}${e.path}/`);
      else out.push(`${prefix}${e.path}`);
    }
  };
  await walk(oid, `${options.dir.replace(/\/+$/, '')}/`);
  return out.sort();
}
