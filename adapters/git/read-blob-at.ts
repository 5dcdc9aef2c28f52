import * as fs from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import git, { type TreeEntry } from 'isomorphic-git';
import { GitBlobTooLargeError } from '../../core/errors/git-blob-too-large-error.js';
import { GitObjectReadError } from '../../core/errors/git-object-read-error.js';

export interface ReadBlobAtOptions {
  /** Git directory holding the commit (from fetchBranch). */
  gitdir: string;
  /** Full commit id. */
  commit: string;
  /** File path inside the commit, `/`-separated, no leading `/`, e.g. `metadata/targets.json`. */
  path: string;
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /**
   * isomorphic-git object cache. Pass one object to every read of the same gitdir: without it each
   * read loads the pack index and the pack again.
   */
  cache?: object;
}

export interface ListTreeAtOptions {
  gitdir: string;
  commit: string;
  /** Directory inside the commit; `''` or `'.'` is the root. */
  dir: string;
  cache?: object;
}

/**
 * Reads one file of a commit straight from git's object store (no checkout). Returns null when
 * nothing exists at `path`. The file's size is read from the object header (loose object or pack
 * entry) before the content is inflated, and checked again after reading, so an oversized or
 * compression-bomb blob is refused without being held in memory.
 *
 * Throws GitBlobTooLargeError (GIT_BLOB_TOO_LARGE, human) over `maxBytes`; GitObjectReadError
 * (GIT_OBJECT_READ_FAILED): `retry` when the commit or an object is missing from the gitdir (fetch
 * again), `human` when `path` is malformed or names a directory, symlink or submodule.
 *
 * @example
 * const bytes = await readBlobAt({ gitdir, commit, path: 'metadata/targets.json', maxBytes: 1 << 20, cache });
 * if (bytes === null) throw new Error('release has no targets.json');
 */
export async function readBlobAt(options: ReadBlobAtOptions): Promise<Uint8Array | null> {
  const { gitdir, commit, path, maxBytes } = options;
  const cache = options.cache ?? {};
  const parts = splitPath(path, { gitdir, commit, path }, false);
  const name = parts.pop()!;
  const parentTree = await walkToTree(gitdir, commit, parts, cache, path);
  if (parentTree === null) return null;
  const entry = parentTree.find((e) => e.path === name);
  if (!entry) return null;
  if (entry.type !== 'blob' || entry.mode === '120000') {
    const what = entry.type === 'tree' ? 'a directory' : entry.type === 'commit' ? 'a submodule' : 'a symbolic link';
    throw new GitObjectReadError(`${path} at ${commit} is ${what}, not a file`, {
      hint: 'Release files must be regular files; fix the path or the release.',
      recovery: 'human',
      data: { gitdir, commit, path, type: entry.type, mode: entry.mode },
    });
  }

  const tooLarge = (size: number) =>
    new GitBlobTooLargeError(`${path} at ${commit} is ${size} bytes, over the ${maxBytes}-byte limit`, {
      hint: `Keep ${path} under ${maxBytes} bytes, or raise the limit if the file really is that large.`,
      recovery: 'human',
      data: { commit, path, size, maxBytes },
    });
  const peeked = await peekObjectSize(gitdir, entry.oid, cache).catch(() => undefined);
  if (peeked !== undefined && peeked > maxBytes) throw tooLarge(peeked);

  let blob: Uint8Array;
  try {
    ({ blob } = await git.readBlob({ fs, gitdir, oid: entry.oid, cache }));
  } catch (e) {
    throw readFailed(e, { gitdir, commit, path, oid: entry.oid });
  }
  if (blob.byteLength > maxBytes) throw tooLarge(blob.byteLength);
  return blob;
}

/**
 * Lists the entry names directly inside `dir` of a commit (files, directories, symlinks alike),
 * in git's tree order. Returns [] when `dir` does not exist.
 *
 * @example
 * await listTreeAt({ gitdir, commit, dir: 'targets' }); // → ['clinic-a.json', 'clinic-b.json']
 */
export async function listTreeAt(options: ListTreeAtOptions): Promise<string[]> {
  const { gitdir, commit, dir } = options;
  const cache = options.cache ?? {};
  const parts = dir === '' || dir === '.' ? [] : splitPath(dir, { gitdir, commit, path: dir }, true);
  const tree = await walkToTree(gitdir, commit, parts, cache, dir);
  return tree === null ? [] : tree.map((e) => e.path);
}

/** Splits a repository path; refuses empty, `.` and `..` segments and a leading `/`. */
function splitPath(path: string, data: Record<string, unknown>, allowTrailingSlash: boolean): string[] {
  const trimmed = allowTrailingSlash ? path.replace(/\/+$/, '') : path;
  const parts = trimmed.split('/');
  if (trimmed === '' || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0'))) {
    throw new GitObjectReadError(`"${path}" is not a path inside a commit`, {
      hint: 'Use a relative, /-separated path without empty, "." or ".." segments.',
      recovery: 'human',
      data,
    });
  }
  return parts;
}

/** The entries of the tree at `parts` below the commit's root, or null when the path does not exist. */
async function walkToTree(gitdir: string, commit: string, parts: readonly string[], cache: object, path: string): Promise<TreeEntry[] | null> {
  let treeOid: string;
  try {
    treeOid = (await git.readCommit({ fs, gitdir, oid: commit, cache })).commit.tree;
  } catch (e) {
    throw readFailed(e, { gitdir, commit, path });
  }
  let entries = await readTreeEntries(gitdir, treeOid, cache, { gitdir, commit, path });
  for (const part of parts) {
    const next = entries.find((e) => e.path === part);
    if (!next || next.type !== 'tree') return null;
    entries = await readTreeEntries(gitdir, next.oid, cache, { gitdir, commit, path });
  }
  return entries;
}

async function readTreeEntries(gitdir: string, oid: string, cache: object, data: Record<string, unknown>): Promise<TreeEntry[]> {
  try {
    return (await git.readTree({ fs, gitdir, oid, cache })).tree;
  } catch (e) {
    throw readFailed(e, { ...data, oid });
  }
}

function readFailed(e: unknown, data: Record<string, unknown>): GitObjectReadError {
  const missing = typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'NotFoundError';
  return new GitObjectReadError(
    missing ? `object ${String(data['oid'] ?? data['commit'])} is not in ${String(data['gitdir'])}` : `cannot read ${String(data['path'])} at ${String(data['commit'])}`,
    {
      hint: missing
        ? 'The commit was not fetched into this cache (or the cache lost objects); fetch the branch again.'
        : 'The object store may be damaged; remove the cache directory and fetch again.',
      recovery: missing ? 'retry' : 'human',
      data,
      cause: e,
    },
  );
}

// --- Object size without inflating the object (gitformat-pack(5), "loose objects" in gitrepository-layout(5)).

/** Parsed pack indexes, per caller cache object (an index of 10,000 objects is about 300 KB). */
const idxCaches = new WeakMap<object, Map<string, Buffer>>();

/**
 * The inflated size of an object, read from its header: the `<type> <size>\0` prefix of a loose
 * object, or the entry header of a pack (for deltas, the result size at the start of the delta).
 * Only a few hundred compressed bytes are inflated. Undefined when the object is elsewhere
 * (alternates) or the format is not understood; the caller then checks after reading.
 */
async function peekObjectSize(gitdir: string, oid: string, cache: object): Promise<number | undefined> {
  const loose = await readHead(join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2)), 0, 512);
  if (loose) {
    const header = inflatePrefix(loose);
    const m = /^[a-z]+ (\d+)\0/.exec(header.toString('latin1'));
    return m ? Number(m[1]) : undefined;
  }
  const packDir = join(gitdir, 'objects', 'pack');
  const names = (await readdir(packDir).catch(() => [] as string[])).filter((n) => n.endsWith('.idx'));
  let idxes = idxCaches.get(cache);
  if (!idxes) idxCaches.set(cache, (idxes = new Map()));
  for (const name of names) {
    const idxPath = join(packDir, name);
    let idx = idxes.get(idxPath);
    if (!idx) idxes.set(idxPath, (idx = await readFile(idxPath)));
    const offset = findInIdx(idx, oid);
    if (offset !== undefined) return packEntrySize(idxPath.replace(/\.idx$/, '.pack'), offset);
  }
  return undefined;
}

/** Offset of `oid` in a version-2 pack index, or undefined. */
function findInIdx(idx: Buffer, oid: string): number | undefined {
  if (idx.length < 8 + 256 * 4 || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) return undefined;
  const want = Buffer.from(oid, 'hex');
  if (want.length !== 20) return undefined;
  const fanout = 8;
  const count = idx.readUInt32BE(fanout + 255 * 4);
  const first = want[0]!;
  let lo = first === 0 ? 0 : idx.readUInt32BE(fanout + (first - 1) * 4);
  let hi = idx.readUInt32BE(fanout + first * 4);
  const names = fanout + 256 * 4;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = idx.compare(want, 0, 20, names + mid * 20, names + mid * 20 + 20) * -1;
    if (cmp === 0) {
      const offsets = names + count * 20 + count * 4;
      const small = idx.readUInt32BE(offsets + mid * 4);
      if ((small & 0x80000000) === 0) return small;
      const large = offsets + count * 4 + (small & 0x7fffffff) * 8;
      return Number(idx.readBigUInt64BE(large));
    }
    if (cmp < 0) hi = mid;
    else lo = mid + 1;
  }
  return undefined;
}

/** Inflated size of the pack entry at `offset`: the header size, or the delta's result size. */
async function packEntrySize(packPath: string, offset: number): Promise<number | undefined> {
  const head = await readHead(packPath, offset, 64);
  if (!head || head.length === 0) return undefined;
  let pos = 0;
  let byte = head[pos++]!;
  const type = (byte >> 4) & 7;
  let size = byte & 15;
  let shift = 4;
  while (byte & 0x80) {
    if (pos >= head.length) return undefined;
    byte = head[pos++]!;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  if (type >= 1 && type <= 4) return size; // commit, tree, blob, tag
  if (type === 6) {
    // OFS_DELTA: a variable-length negative offset precedes the data.
    do {
      if (pos >= head.length) return undefined;
      byte = head[pos++]!;
    } while (byte & 0x80);
  } else if (type === 7) {
    pos += 20; // REF_DELTA: base object id
  } else {
    return undefined;
  }
  const delta = await readHead(packPath, offset + pos, 512);
  if (!delta) return undefined;
  const data = inflatePrefix(delta);
  // Delta data starts with two size varints: the base size, then the result size.
  let p = 0;
  for (let n = 0; n < 2; n++) {
    let value = 0;
    let s = 0;
    do {
      if (p >= data.length) return undefined;
      byte = data[p++]!;
      value += (byte & 0x7f) * 2 ** s;
      s += 7;
    } while (byte & 0x80);
    if (n === 1) return value;
  }
  return undefined;
}

/** Inflates as much as a truncated zlib stream gives (at most ~1000× its few hundred bytes). */
function inflatePrefix(deflated: Buffer): Buffer {
  try {
    return inflateSync(deflated, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}

/** Up to `length` bytes of a file from `position`, or undefined when the file does not exist. */
async function readHead(path: string, position: number, length: number): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
