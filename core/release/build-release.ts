import { createHash } from 'node:crypto';
import { Metadata, MetaFile, Snapshot, TargetFile, Targets, Timestamp, type Root } from '@tufjs/models';
import { isoSeconds } from './create-root.js';
import { metadataBytes, signMetadata } from './sign-metadata.js';
import type { Signer } from './signer.js';

/** How long each role's metadata stays valid after a release, in seconds. */
export interface ExpiryConfig {
  targetsSeconds: number;
  snapshotSeconds: number;
  timestampSeconds: number;
}

/** Defaults: a release stays fresh for 7 days unless re-signed; targets and snapshot for 30. */
export const DEFAULT_EXPIRY: ExpiryConfig = { targetsSeconds: 30 * 86400, snapshotSeconds: 30 * 86400, timestampSeconds: 7 * 86400 };

/** What the release branch holds now: every path, and the bytes of its metadata/ files. */
export interface ReleaseTree {
  paths: ReadonlySet<string>;
  metadata: ReadonlyMap<string, Uint8Array>;
}

export const EMPTY_RELEASE_TREE: ReleaseTree = { paths: new Set(), metadata: new Map() };

export interface ReleaseTargetInput {
  site: string;
  /** The sealed (encrypted) bundle. */
  sealed: Uint8Array;
  /** SHA-256 (hex) of the canonical plaintext bundle. */
  bundleSha256: string;
  commit: string;
}

export interface BuildReleaseInput {
  previous: ReleaseTree;
  /** Root metadata files by version (every version to publish, including the newest). */
  roots: ReadonlyMap<number, Uint8Array>;
  targets: readonly ReleaseTargetInput[];
  now: Date;
  expiry: ExpiryConfig;
  signers: { targets: readonly Signer[]; snapshot: readonly Signer[]; timestamp: readonly Signer[] };
  /** Previous targets/snapshot versions (and their target files) kept for appliances mid-update. */
  keepVersions?: number;
}

export interface BuiltRelease {
  /** New or changed files. */
  files: Map<string, Uint8Array>;
  /** Files of the previous release kept as they are (recent metadata and their target files). */
  kept: string[];
  version: number;
  expires: { targets: string; snapshot: string; timestamp: string };
  targets: { path: string; file: string; length: number; sha256: string }[];
}

/** The TUF specification version writ's metadata follows. */
export const SPEC_VERSION = '1.0.31';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const parseJson = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>;

/** The path a target is published under with consistent snapshots: `<dir>/<sha256>.<name>`. */
export function hashPrefixedPath(path: string, hash: string): string {
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash + 1)}${hash}.${path.slice(slash + 1)}`;
}

/**
 * Builds the next release: signed targets (one sealed bundle per site, with size and hash),
 * snapshot and timestamp metadata with versions one above the previous release, every root
 * version, and the files of the last few releases so an appliance mid-update can finish.
 *
 * @example
 * const release = buildRelease({ previous, roots, targets, now, expiry: DEFAULT_EXPIRY, signers });
 */
export function buildRelease(input: BuildReleaseInput): BuiltRelease {
  const keep = input.keepVersions ?? 3;
  const prevVersion = latestVersion(input.previous, 'targets');
  const version = prevVersion + 1;
  const prevTimestamp = input.previous.metadata.get('metadata/timestamp.json');
  const timestampVersion = prevTimestamp ? Number((parseJson(prevTimestamp)['signed'] as { version: number }).version) + 1 : 1;
  const at = (seconds: number) => isoSeconds(new Date(input.now.getTime() + seconds * 1000));
  const expires = { targets: at(input.expiry.targetsSeconds), snapshot: at(input.expiry.snapshotSeconds), timestamp: at(input.expiry.timestampSeconds) };
  const files = new Map<string, Uint8Array>();
  const kept = new Set<string>();

  // Carry forward the recent releases' metadata and the target files they list.
  for (let v = Math.max(1, version - keep + 1); v < version; v++) {
    for (const role of ['targets', 'snapshot'] as const) {
      const path = `metadata/${v}.${role}.json`;
      const bytes = input.previous.metadata.get(path);
      if (!bytes) continue;
      kept.add(path);
      if (role === 'targets') {
        const listed = ((parseJson(bytes)['signed'] as { targets?: Record<string, { hashes: { sha256: string } }> }).targets) ?? {};
        for (const [p, info] of Object.entries(listed)) {
          const file = `targets/${hashPrefixedPath(p, info.hashes.sha256)}`;
          if (input.previous.paths.has(file)) kept.add(file);
        }
      }
    }
  }
  for (const [v, bytes] of input.roots) files.set(`metadata/${v}.root.json`, bytes);

  const targetFiles: Record<string, TargetFile> = {};
  const listed: BuiltRelease['targets'] = [];
  for (const t of [...input.targets].sort((a, b) => (a.site < b.site ? -1 : 1))) {
    const path = `sites/${t.site}.bundle`;
    const hash = sha256(t.sealed);
    targetFiles[path] = new TargetFile({
      path, length: t.sealed.length, hashes: { sha256: hash },
      unrecognizedFields: { custom: { site: t.site, commit: t.commit, bundle_sha256: t.bundleSha256 } },
    });
    const file = `targets/${hashPrefixedPath(path, hash)}`;
    files.set(file, t.sealed);
    kept.delete(file);
    listed.push({ path, file, length: t.sealed.length, sha256: hash });
  }

  const targets = signMetadata(new Metadata(new Targets({ version, specVersion: SPEC_VERSION, expires: expires.targets, targets: targetFiles })), input.signers.targets);
  const targetsBytes = metadataBytes(targets);
  files.set(`metadata/${version}.targets.json`, targetsBytes);

  const snapshot = signMetadata(new Metadata(new Snapshot({ specVersion: SPEC_VERSION,
    version, expires: expires.snapshot,
    meta: { 'targets.json': new MetaFile({ version, length: targetsBytes.length, hashes: { sha256: sha256(targetsBytes) } }) },
  })), input.signers.snapshot);
  const snapshotBytes = metadataBytes(snapshot);
  files.set(`metadata/${version}.snapshot.json`, snapshotBytes);

  const timestamp = signMetadata(new Metadata(new Timestamp({ specVersion: SPEC_VERSION,
    version: timestampVersion, expires: expires.timestamp,
    snapshotMeta: new MetaFile({ version, length: snapshotBytes.length, hashes: { sha256: sha256(snapshotBytes) } }),
  })), input.signers.timestamp);
  files.set('metadata/timestamp.json', metadataBytes(timestamp));
  for (const p of files.keys()) kept.delete(p);
  return { files, kept: [...kept].sort(), version, expires, targets: listed };
}

/** Highest version of `role` metadata in a release tree (0 when there is none). */
export function latestVersion(tree: ReleaseTree, role: 'targets' | 'snapshot' | 'root'): number {
  let max = 0;
  const re = new RegExp(`^metadata/(\\d+)\\.${role}\\.json$`);
  for (const path of tree.paths) {
    const m = re.exec(path);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}

export type { Root };
