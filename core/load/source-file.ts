/**
 * A file of the policy repository as bytes, handed to core by an adapter (fs, git tree, GitHub API).
 * `size` is the real size on disk; an adapter may stop reading past the size cap, so `bytes`
 * can be shorter than `size`.
 */
export interface SourceFile {
  /** Repository-relative path with forward slashes, e.g. `policies/L1-LIN-SSH-001.yaml`. */
  path: string;
  bytes: Uint8Array;
  size: number;
}

/** Limits that keep hostile input from costing more than a bounded amount of time and memory. */
export interface LoadLimits {
  /** Files larger than this are reported, not parsed. */
  maxFileBytes: number;
  /** Deepest nesting of mappings and sequences accepted. */
  maxDepth: number;
  /** Most alias expansions accepted in one document (an alias bomb goes far beyond this). */
  maxAliasCount: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  maxFileBytes: 1024 * 1024,
  maxDepth: 64,
  maxAliasCount: 100,
};
