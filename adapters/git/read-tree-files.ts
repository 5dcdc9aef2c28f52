import * as fs from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import git, { type TreeEntry } from 'isomorphic-git';
import { GitRevNotFoundError } from '../../core/errors/git-rev-not-found-error.js';
import { RepoReadError } from '../../core/errors/writ-error.js';
import type { SourceFile } from '../../core/load/source-file.js';
import type { Finding } from '../../core/model/finding.js';
import { POLICY_FOLDERS } from '../fs/read-repo-files.js';

export interface ReadTreeOptions {
  /** Blobs larger than this are returned with empty bytes and their real size (the loader reports them). */
  maxFileBytes: number;
  /** Parallel blob reads. */
  concurrency?: number;
  /**
   * isomorphic-git object cache. Pass the same object when reading several revisions of one
   * repository, so the pack index is parsed once.
   */
  cache?: object;
}

export interface TreeFiles {
  files: SourceFile[];
  findings: Finding[];
  /** Full id of the commit `rev` resolved to. */
  commit: string;
}

/**
 * Reads the policy folders (policies/, runbooks/, sites/, frameworks/) of one commit straight from
 * git's object store with isomorphic-git, never checking anything out. `rev` is a branch, tag
 * (annotated tags are peeled), remote branch (`origin/main`), full or short commit id, or `HEAD`,
 * each optionally followed by `~N`, `^` or `^N` (`HEAD~1`, `main^2`). `repoDir` may be a folder
 * inside the work tree: paths are then read below it, like readRepoFiles. Symbolic links
 * (mode 120000) and submodules are findings, not followed; hidden folders and node_modules are
 * skipped. Blobs are inflated, then dropped when over the size cap.
 *
 * Throws GitRevNotFoundError (GIT_REV_NOT_FOUND) when `rev` names no commit, RepoReadError when
 * `repoDir` is not in a git repository or an object of the tree cannot be read.
 *
 * @example
 * const { files, findings, commit } = await readTreeFiles('/srv/policy', 'main~1', { maxFileBytes: 1 << 20 });
 */
export async function readTreeFiles(repoDir: string, rev: string, options: ReadTreeOptions): Promise<TreeFiles> {
  const cache = options.cache ?? {};
  const dir = resolve(repoDir);
  let root: string;
  try {
    root = await git.findRoot({ fs, filepath: dir });
  } catch (e) {
    throw new RepoReadError(`${dir} is not inside a git repository`, {
      hint: 'Pass --repo with the folder of a git clone of the policy repository (the one holding policies/, runbooks/, sites/, frameworks/).',
      cause: e, data: { repoDir: dir },
    });
  }
  const prefix = relative(root, dir).split(sep).filter(Boolean).join('/');
  const commit = await resolveRev(root, rev, cache);
  const { commit: parsed } = await git.readCommit({ fs, dir: root, oid: commit, cache });

  const blobs: { path: string; oid: string }[] = [];
  const findings: Finding[] = [];
  const note = (path: string, code: 'REPO_SYMLINK' | 'REPO_SUBMODULE') => findings.push(code === 'REPO_SYMLINK'
    ? { file: path, line: 1, column: 1, pointer: '', code, severity: 'error', message: 'symbolic links are not read (one could point outside the repository)', hint: 'Replace the link with the file itself.' }
    : { file: path, line: 1, column: 1, pointer: '', code, severity: 'error', message: 'submodules are not read', hint: 'Commit the policy files themselves instead of a submodule.' });

  const readTreeAt = async (oid: string, where: string): Promise<TreeEntry[]> => {
    try {
      return (await git.readTree({ fs, dir: root, oid, cache })).tree;
    } catch (e) {
      throw new RepoReadError(`cannot read the tree of ${where || 'the repository root'} at ${commit}`, {
        hint: 'The clone is missing objects; run `git fetch` (or `git fsck`) and try again.', cause: e, data: { commit, path: where },
      });
    }
  };
  const walk = async (oid: string, path: string): Promise<void> => {
    for (const entry of await readTreeAt(oid, path)) {
      const full = `${path}/${entry.path}`;
      if (entry.mode === '120000') note(full, 'REPO_SYMLINK');
      else if (entry.type === 'commit') note(full, 'REPO_SUBMODULE');
      else if (entry.type === 'tree') {
        if (!entry.path.startsWith('.') && entry.path !== 'node_modules') await walk(entry.oid, full);
      } else if (entry.type === 'blob') blobs.push({ path: full, oid: entry.oid });
    }
  };

  // Descend to repoDir's folder inside the commit, then into each policy folder.
  let top: TreeEntry[] | null = await readTreeAt(parsed.tree, '');
  for (const part of prefix === '' ? [] : prefix.split('/')) {
    const entry: TreeEntry | undefined = top?.find((e) => e.path === part);
    top = entry?.type === 'tree' ? await readTreeAt(entry.oid, part) : null;
  }
  for (const folder of POLICY_FOLDERS) {
    const entry = top?.find((e) => e.path === folder);
    if (!entry) continue;
    if (entry.mode === '120000') note(folder, 'REPO_SYMLINK');
    else if (entry.type === 'commit') note(folder, 'REPO_SUBMODULE');
    else if (entry.type === 'tree') await walk(entry.oid, folder);
  }
  blobs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const files: SourceFile[] = new Array(blobs.length);
  let next = 0;
  const worker = async () => {
    while (next < blobs.length) {
      const i = next++;
      const { path, oid } = blobs[i]!;
      let blob: Uint8Array;
      try {
        ({ blob } = await git.readBlob({ fs, dir: root, oid, cache }));
      } catch (e) {
        throw new RepoReadError(`cannot read ${path} at ${commit}`, {
          hint: 'The clone is missing objects; run `git fetch` (or `git fsck`) and try again.', cause: e, data: { commit, path, oid },
        });
      }
      files[i] = blob.byteLength > options.maxFileBytes ? { path, bytes: new Uint8Array(0), size: blob.byteLength } : { path, bytes: blob, size: blob.byteLength };
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 16, blobs.length) }, worker));
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { files, findings, commit };
}

/** `name` then any `~N` / `^N` steps. */
const REV = /^(.+?)((?:~\d*|\^\d*)*)$/;
/** A ref name or hex id as git-check-ref-format(1) allows it, minus anything that could walk out of .git/. */
const NAME = /^(?!.*\.\.)(?!.*\/\/)(?!.*@\{)(?!.*\.lock(?:\/|$))[A-Za-z0-9_][A-Za-z0-9._/+-]*(?<![./])$/;

/** Resolves a revision to a commit id (peeling annotated tags), or throws GitRevNotFoundError. */
async function resolveRev(root: string, rev: string, cache: object): Promise<string> {
  const notFound = (why: string, cause?: unknown) => new GitRevNotFoundError(`revision ${JSON.stringify(rev)} ${why}`, {
    hint: 'Run `git log --oneline` to find a commit (or `git branch -a`, `git tag`); in CI, check out with enough history (actions/checkout fetch-depth: 0).',
    data: { rev, repoDir: root }, ...(cause === undefined ? {} : { cause }),
  });
  const m = REV.exec(rev.trim());
  const name = m?.[1] === '@' ? 'HEAD' : m?.[1];
  if (!m || !name || !NAME.test(name)) throw notFound('is not a branch, tag or commit id');

  let oid: string | undefined;
  if (/^[0-9a-f]{40}$/i.test(name)) oid = name.toLowerCase();
  if (oid === undefined) {
    try {
      oid = await git.resolveRef({ fs, dir: root, ref: name });
    } catch {
      // Not a ref; maybe an abbreviated commit id.
    }
  }
  if (oid === undefined && /^[0-9a-f]{4,39}$/i.test(name)) {
    try {
      oid = await git.expandOid({ fs, dir: root, oid: name.toLowerCase(), cache });
    } catch (e) {
      const ambiguous = (e as { code?: string }).code === 'AmbiguousError';
      throw notFound(ambiguous ? 'is an ambiguous short commit id; give more characters' : 'names no branch, tag or commit', e);
    }
  }
  if (oid === undefined) throw notFound('names no branch, tag or commit');

  let commit = await peelToCommit(root, oid, cache, notFound);
  for (const step of m[2]!.match(/[~^]\d*/g) ?? []) {
    const op = step[0];
    const n = step.length > 1 ? Number(step.slice(1)) : 1;
    if (op === '~') {
      for (let i = 0; i < n; i++) commit = await parentOf(root, commit, 1, cache, notFound);
    } else if (n > 0) {
      commit = await parentOf(root, commit, n, cache, notFound);
    }
  }
  return commit;
}

async function peelToCommit(root: string, oid: string, cache: object, notFound: (why: string, cause?: unknown) => Error): Promise<string> {
  try {
    return (await git.readCommit({ fs, dir: root, oid, cache })).oid;
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw notFound(code === 'ObjectTypeError' ? `names ${oid.slice(0, 12)}, which is not a commit` : `resolves to ${oid.slice(0, 12)}, which is not in this clone`, e);
  }
}

async function parentOf(root: string, commit: string, n: number, cache: object, notFound: (why: string, cause?: unknown) => Error): Promise<string> {
  const { commit: c } = await git.readCommit({ fs, dir: root, oid: commit, cache });
  const parent = c.parent[n - 1];
  if (parent === undefined) throw notFound(`goes past commit ${commit.slice(0, 12)}, which has ${c.parent.length === 0 ? 'no parent' : `only ${c.parent.length} parent${c.parent.length === 1 ? '' : 's'}`}`);
  return peelToCommit(root, parent, cache, notFound);
}
