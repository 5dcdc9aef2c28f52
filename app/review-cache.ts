import { createHash } from 'node:crypto';
import type { SourceFile } from '../core/load/source-file.js';

/** One recursive tree listing as GitHub returns it. */
export interface TreeListing {
  tree: { path: string; mode: string; type: string; sha: string; size?: number }[];
  truncated?: boolean;
}

export interface ReviewCacheStats {
  /** Blob fetches saved (a file already held, or a fetch of the same SHA already on its way). */
  blobHits: number;
  blobFetches: number;
  treeHits: number;
  treeFetches: number;
  /** Source bytes held now. */
  bytes: number;
  files: number;
}

/** Tree listings kept (by commit SHA): a few bases and the heads being pushed. */
const MAX_TREES = 8;

/**
 * The App's content-addressed cache across deliveries. A git blob's bytes never change for its SHA,
 * and a commit's tree never changes for the commit SHA, so both are safe to keep: the cache holds
 * one SourceFile per (path, blob SHA) in least-recently-used order, bounded by the source bytes it
 * holds, and the last few tree listings. Handing core the very same SourceFile objects again is what
 * lets core reuse its per-file results (parse, schema, per-file lint; core/memo/object-memo.ts):
 * the parsed documents live as long as their SourceFile stays here, so real memory is a multiple of
 * `maxBytes` (roughly 20× for YAML with source ranges). A blob is cached only when its bytes hash to
 * its SHA-1 blob id, so a wrong API answer is never remembered. Fetches of a SHA already on its way
 * or already held under another path are shared (head and base trees mostly hold the same blobs).
 * Cached bytes count once per path (a copy held under two paths counts twice).
 *
 * @example
 * const cache = new ReviewCache({ maxBytes: 64 * 1024 * 1024 });
 * const file = await cache.file('policies/L1-X.yaml', sha, 1 << 20, () => fetchBlob(sha));
 */
export class ReviewCache {
  readonly maxBytes: number;
  private readonly files = new Map<string, { file: SourceFile; bytes: number }>();
  private readonly inFlight = new Map<string, Promise<Uint8Array>>();
  /** Blob SHA → the key of a cached file with those bytes (a copy or move of a file is not fetched again). */
  private readonly bySha = new Map<string, string>();
  private readonly trees = new Map<string, TreeListing>();
  private held = 0;
  readonly stats: ReviewCacheStats = { blobHits: 0, blobFetches: 0, treeHits: 0, treeFetches: 0, bytes: 0, files: 0 };

  constructor(options: { maxBytes: number }) {
    this.maxBytes = options.maxBytes;
  }

  /** The tree listing of a commit, fetched once per commit SHA while it stays among the last few used. */
  async tree(commitSha: string, fetch: () => Promise<TreeListing>): Promise<TreeListing> {
    const hit = this.trees.get(commitSha);
    if (hit) {
      this.stats.treeHits++;
      this.trees.delete(commitSha);
      this.trees.set(commitSha, hit);
      return hit;
    }
    this.stats.treeFetches++;
    const listing = await fetch();
    // A truncated listing is not the whole commit: never remembered.
    if (!listing.truncated) {
      this.trees.set(commitSha, listing);
      if (this.trees.size > MAX_TREES) this.trees.delete(this.trees.keys().next().value!);
    }
    return listing;
  }

  /**
   * The SourceFile for `path` at blob `sha` (bytes emptied above `maxFileBytes`, as readPrTree does
   * for blobs it does not fetch), the same object for as long as it stays cached.
   */
  async file(path: string, sha: string, maxFileBytes: number, fetch: () => Promise<Uint8Array>): Promise<SourceFile> {
    const key = `${maxFileBytes}\0${sha}\0${path}`;
    const hit = this.files.get(key);
    if (hit) {
      this.stats.blobHits++;
      this.files.delete(key);
      this.files.set(key, hit);
      return hit.file;
    }
    const sameBlob = this.files.get(this.bySha.get(sha) ?? '');
    let pending = sameBlob && sameBlob.file.bytes.length === sameBlob.file.size ? Promise.resolve(sameBlob.file.bytes) : this.inFlight.get(sha);
    if (pending) this.stats.blobHits++;
    else {
      this.stats.blobFetches++;
      pending = fetch();
      this.inFlight.set(sha, pending);
      void pending.then(() => this.inFlight.delete(sha), () => this.inFlight.delete(sha));
    }
    const bytes = await pending;
    const file: SourceFile = { path, bytes: bytes.length > maxFileBytes ? new Uint8Array(0) : bytes, size: bytes.length };
    // Another caller may have cached the same key while this one waited.
    const raced = this.files.get(key);
    if (raced) return raced.file;
    if (this.maxBytes > 0 && isBlobOf(sha, bytes)) {
      const cost = file.bytes.length + path.length;
      if (cost <= this.maxBytes) {
        this.files.set(key, { file, bytes: cost });
        this.bySha.set(sha, key);
        this.held += cost;
        while (this.held > this.maxBytes) {
          const [oldest, entry] = this.files.entries().next().value!;
          this.files.delete(oldest);
          this.held -= entry.bytes;
          const oldSha = oldest.split('\0')[1]!;
          if (this.bySha.get(oldSha) === oldest) this.bySha.delete(oldSha);
        }
      }
    }
    this.stats.bytes = this.held;
    this.stats.files = this.files.size;
    return file;
  }
}

/** True when `bytes` is the content of git blob `sha` (SHA-1 object ids; SHA-256 repositories are not cached). */
export function isBlobOf(sha: string, bytes: Uint8Array): boolean {
  if (!/^[0-9a-f]{40}$/.test(sha)) return false;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex') === sha;
}
