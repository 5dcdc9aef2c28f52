import * as fs from 'node:fs';
import git from 'isomorphic-git';
import type { ReleaseTree } from '../../core/release/build-release.js';

export interface ReleaseBranchState {
  tree: ReleaseTree;
  /** Blob id of every file, to keep files without reading them. */
  oids: Map<string, string>;
  /** The branch's current commit, or null when it does not exist yet. */
  head: string | null;
}

/** Where a repository's objects are: a work tree (`dir`, objects in `dir/.git`) or a bare git directory. */
export type GitLocation = { dir: string; gitdir?: undefined } | { gitdir: string; dir?: undefined };

/**
 * Reads the release branch of a repository (paths, blob ids, and the bytes of metadata/ files)
 * without a checkout. `at` is a work tree folder or a GitLocation (a bare cache).
 *
 * @example
 * const state = await readReleaseBranch('/srv/policy', 'writ/releases');
 */
export async function readReleaseBranch(at: string | GitLocation, branch: string): Promise<ReleaseBranchState> {
  const where = typeof at === 'string' ? { dir: at } : at;
  let head: string;
  try {
    head = await git.resolveRef({ fs, ...where, ref: `refs/heads/${branch}` });
  } catch {
    return { tree: { paths: new Set(), metadata: new Map() }, oids: new Map(), head: null };
  }
  const oids = new Map<string, string>();
  const metadata = new Map<string, Uint8Array>();
  const cache = {};
  const walk = async (treeOid: string, prefix: string): Promise<void> => {
    const { tree } = await git.readTree({ fs, ...where, oid: treeOid, cache });
    for (const e of tree) {
      const path = prefix + e.path;
      if (e.type === 'tree') await walk(e.oid, `${path}/`);
      else if (e.type === 'blob') {
        oids.set(path, e.oid);
        if (path.startsWith('metadata/')) metadata.set(path, (await git.readBlob({ fs, ...where, oid: e.oid, cache })).blob);
      }
    }
  };
  const commit = await git.readCommit({ fs, ...where, oid: head, cache });
  await walk(commit.commit.tree, '');
  return { tree: { paths: new Set(oids.keys()), metadata }, oids, head };
}

/**
 * Commits a new state of the release branch: the given new files plus kept files by blob id, as
 * a child of the current head, then moves the branch (or `ref`, when given: a bare cache keeps its
 * branch ref at the remote's tip until a push succeeds). Nothing is checked out.
 *
 * @example
 * const commit = await writeReleaseCommit({ dir, branch: 'writ/releases', parent, files, kept, message, author, now });
 */
export async function writeReleaseCommit(options: GitLocation & {
  branch: string;
  /** Ref to point at the new commit; default `refs/heads/<branch>`. */
  ref?: string;
  parent: string | null;
  files: ReadonlyMap<string, Uint8Array>;
  kept: ReadonlyMap<string, string>;
  message: string;
  author: { name: string; email: string };
  now: Date;
}): Promise<string> {
  const dir: GitLocation = options.gitdir !== undefined ? { gitdir: options.gitdir } : { dir: options.dir };
  const entries = new Map<string, string>(options.kept);
  for (const [path, bytes] of options.files) entries.set(path, await git.writeBlob({ fs, ...dir, blob: bytes }));

  interface Node { blobs: Map<string, string>; dirs: Map<string, Node> }
  const root: Node = { blobs: new Map(), dirs: new Map() };
  for (const [path, oid] of entries) {
    const parts = path.split('/');
    let node = root;
    for (const p of parts.slice(0, -1)) {
      let next = node.dirs.get(p);
      if (!next) node.dirs.set(p, (next = { blobs: new Map(), dirs: new Map() }));
      node = next;
    }
    node.blobs.set(parts[parts.length - 1]!, oid);
  }
  const writeNode = async (node: Node): Promise<string> => {
    const tree: { mode: string; path: string; oid: string; type: 'blob' | 'tree' }[] = [];
    for (const [name, child] of node.dirs) tree.push({ mode: '040000', path: name, oid: await writeNode(child), type: 'tree' });
    for (const [name, oid] of node.blobs) tree.push({ mode: '100644', path: name, oid, type: 'blob' });
    return git.writeTree({ fs, ...dir, tree });
  };
  const treeOid = await writeNode(root);
  const person = { ...options.author, timestamp: Math.floor(options.now.getTime() / 1000), timezoneOffset: 0 };
  const commit = await git.writeCommit({
    fs, ...dir,
    commit: { message: options.message, tree: treeOid, parent: options.parent ? [options.parent] : [], author: person, committer: person },
  });
  await git.writeRef({ fs, ...dir, ref: options.ref ?? `refs/heads/${options.branch}`, value: commit, force: true });
  return commit;
}
