import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { canonicalJson } from '../core/bundle/canonical-json.js';
import type { SiteBundle } from '../core/bundle/site-bundle.js';
import { writeFileAtomic } from '../adapters/fs/write-file-atomic.js';

/** The last release this appliance verified, kept so it can go on enforcing it while git is unreachable. */
export interface StoredRelease {
  format: 'writ-stored-release/v1';
  version: number;
  /** SHA-256 (hex) of the canonical plaintext bundle, as signed in the targets metadata. */
  bundleSha256: string;
  /** Policy commit the release was built from. */
  commit: string;
  /** Release-branch commit it was read from. */
  branchCommit: string;
  expires: { root: string; targets: string; snapshot: string; timestamp: string };
  signers: { role: string; keyIds: string[] }[];
  /** When this appliance last verified this release as the newest one (ISO UTC). */
  verifiedAt: string;
  bundle: SiteBundle;
}

export type StoredReleaseRead = { release: StoredRelease } | { release: undefined; problem?: string };

const FILE = 'current.json';

/**
 * Reads the stored release from `<dir>/current.json`. The bundle is checked against its recorded
 * digest; a file that does not parse or match is moved aside (`.corrupt`) and reported as a problem.
 *
 * @example
 * const { release, problem } = readStoredRelease('/var/lib/writ/release');
 */
export function readStoredRelease(dir: string): StoredReleaseRead {
  const path = join(dir, FILE);
  if (!existsSync(path)) return { release: undefined };
  try {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredRelease;
    if (stored.format !== 'writ-stored-release/v1' || !stored.bundle || typeof stored.version !== 'number') throw new Error('not a stored release');
    const digest = createHash('sha256').update(canonicalJson(stored.bundle)).digest('hex');
    if (digest !== stored.bundleSha256) throw new Error('the bundle does not match its recorded digest');
    return { release: stored };
  } catch (e) {
    const aside = `${path}.corrupt`;
    renameSync(path, aside);
    return { release: undefined, problem: `${path} could not be read (${(e as Error).message}); moved to ${aside}` };
  }
}

/** Stores the release durably (fsync, then rename), readable by the agent's user only. */
export function writeStoredRelease(dir: string, release: StoredRelease): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(join(dir, FILE), JSON.stringify(release), 0o600);
}
