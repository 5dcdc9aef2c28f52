import { createHash } from 'node:crypto';
import { ReleaseError } from '../../core/errors/release-error.js';
import { collectScripts } from '../../core/lint/collect-scripts.js';
import type { LoadLimits, SourceFile } from '../../core/load/source-file.js';
import type { Finding } from '../../core/model/finding.js';
import type { ScriptChecker } from '../../core/ports/script-checker.js';
import { buildRelease, type ExpiryConfig } from '../../core/release/build-release.js';
import { sealSiteTargets } from '../../core/release/seal-site-targets.js';
import type { Signer, TopRole } from '../../core/release/signer.js';
import type { LoadedRepo } from '../../core/validate/loaded-repo.js';
import { validateRepo } from '../../core/validate/validate-repo.js';
import { readReleaseBranch, writeReleaseCommit, type GitLocation } from '../git/release-branch.js';
import { loadRoleSigners, loadRootHistory } from '../keys/key-dir.js';

/** The policy commit to release: its policy files and the findings of reading them. */
export interface ReleaseSource {
  /** Full id of the policy commit. */
  commit: string;
  files: readonly SourceFile[];
  /** Findings of reading the tree (symbolic links, submodules, a truncated listing). */
  findings: readonly Finding[];
}

/** The online signers of one release. */
export type ReleaseSigners = Record<Exclude<TopRole, 'root'>, Signer[]>;

/** Author and committer of release commits. */
export const RELEASE_AUTHOR = { name: 'writ release', email: 'release@writ.invalid' } as const;

/**
 * The online signers (targets, snapshot, timestamp) from a key folder `writ keys init` made.
 * Throws ReleaseError REL_KEYS_INVALID when a role has no key or a key is readable by others.
 *
 * @example
 * const signers = loadReleaseSigners('/secure/writ-keys');
 */
export function loadReleaseSigners(keysDir: string): ReleaseSigners {
  const signers = { targets: loadRoleSigners(keysDir, 'targets'), snapshot: loadRoleSigners(keysDir, 'snapshot'), timestamp: loadRoleSigners(keysDir, 'timestamp') };
  for (const role of ['targets', 'snapshot', 'timestamp'] as const) {
    if (signers[role].length === 0) throw new ReleaseError('REL_KEYS_INVALID', `no ${role} key in ${keysDir}`, { hint: `Expected ${role}-1.key there (writ keys init makes it).` });
  }
  return signers;
}

/**
 * Validates the policy commit to release with the same core as `writ validate`. `shellcheck` runs
 * the external linter (the CLI); without it validation is static (the App), and shellcheck's
 * findings are skipped. Returns the error findings (empty: releasable) and the loaded repository.
 *
 * @example
 * const { errors, repo } = await validateReleaseSource(source, { now });
 * if (errors.length > 0) refuse(errors);
 */
export async function validateReleaseSource(source: ReleaseSource, options: { now: Date; shellcheck?: ScriptChecker; limits?: LoadLimits }): Promise<{ errors: Finding[]; repo: LoadedRepo }> {
  const validated = await validateRepo(source.files, {
    now: options.now,
    ...(options.shellcheck ? { shellcheck: options.shellcheck } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const errors = [...source.findings, ...validated.findings].filter((f) => f.severity === 'error');
  return { errors, repo: validated.repo };
}

export interface CommitReleaseOptions {
  /** The repository (work tree or bare cache) holding the release branch. */
  at: GitLocation;
  branch: string;
  /** Ref to point at the release commit; default `refs/heads/<branch>`. */
  ref?: string;
  /** Key folder: the published root history is checked against its `roots/`. */
  keysDir: string;
  signers: ReleaseSigners;
  /** The validated policy (validateReleaseSource). */
  repo: LoadedRepo;
  policyCommit: string;
  now: Date;
  expiry: ExpiryConfig;
}

export interface CommittedRelease {
  version: number;
  /** The new release commit. */
  branchCommit: string;
  /** The release branch's commit it builds on (null: the first release). */
  parent: string | null;
  policyCommit: string;
  /** SHA-256 (hex) of the signed targets metadata: one digest naming every site's bundle of this release. */
  digest: string;
  sites: { site: string; bundleSha256: string }[];
  expires: { targets: string; snapshot: string; timestamp: string };
}

/**
 * Builds the next release of a validated policy commit on top of the release branch and commits
 * it (nothing is checked out, nothing pushed): every site's bundle sealed to its appliances, TUF
 * targets/snapshot/timestamp signed with the online keys, every root version of the key folder
 * published (a published root version never changes). Shared by `writ release` and the App.
 * Throws ReleaseError REL_KEYS_INVALID when the keys do not match the published or newest root.
 *
 * @example
 * const done = await commitRelease({ at: { dir: gitRoot }, branch: 'writ/releases', keysDir, signers, repo, policyCommit, now, expiry: DEFAULT_EXPIRY });
 */
export async function commitRelease(options: CommitReleaseOptions): Promise<CommittedRelease> {
  const { keysDir, signers, now } = options;
  const state = await readReleaseBranch(options.at, options.branch);
  const roots = new Map<number, Uint8Array>();
  for (const path of state.tree.paths) {
    const m = /^metadata\/(\d+)\.root\.json$/.exec(path);
    if (m) roots.set(Number(m[1]), state.tree.metadata.get(path)!);
  }
  for (const [v, bytes] of loadRootHistory(keysDir)) {
    const published = roots.get(v);
    if (published && Buffer.compare(Buffer.from(published), Buffer.from(bytes)) !== 0) {
      throw new ReleaseError('REL_KEYS_INVALID', `root version ${v} in ${keysDir} differs from the one already published`, { hint: 'A published root version never changes; rotate to a new version instead.' });
    }
    roots.set(v, bytes);
  }
  if (roots.size === 0) throw new ReleaseError('REL_KEYS_INVALID', `no root metadata in ${keysDir}/roots`, { hint: 'Run writ keys init first.' });
  const newest = JSON.parse(new TextDecoder().decode(roots.get(Math.max(...roots.keys()))!)) as { signed: { roles: Record<TopRole, { keyids: string[] }> } };
  for (const role of ['targets', 'snapshot', 'timestamp'] as const) {
    for (const s of signers[role]) {
      if (!newest.signed.roles[role].keyids.includes(s.keyId)) {
        throw new ReleaseError('REL_KEYS_INVALID', `the ${role} key ${s.keyId.slice(0, 12)} in ${keysDir} is not a ${role} key of the newest root`, { hint: 'Use the keys the root lists, or rotate the root to include this key.' });
      }
    }
  }

  const { scripts } = collectScripts(options.repo);
  const targets = sealSiteTargets(options.repo, scripts, options.policyCommit);
  const built = buildRelease({ previous: state.tree, roots, targets, now, expiry: options.expiry, signers });
  const kept = new Map(built.kept.map((p) => [p, state.oids.get(p)!]));
  const branchCommit = await writeReleaseCommit({
    ...options.at, branch: options.branch, ...(options.ref ? { ref: options.ref } : {}), parent: state.head, files: built.files, kept,
    message: releaseMessage(built.version, options.policyCommit, targets.map((t) => t.site)),
    author: RELEASE_AUTHOR, now,
  });
  const targetsBytes = built.files.get(`metadata/${built.version}.targets.json`)!;
  return {
    version: built.version, branchCommit, parent: state.head, policyCommit: options.policyCommit,
    digest: createHash('sha256').update(targetsBytes).digest('hex'),
    sites: targets.map((t) => ({ site: t.site, bundleSha256: t.bundleSha256 })),
    expires: built.expires,
  };
}

/**
 * The release commit message; `Policy commit:` names the released source (see releasedPolicyCommit).
 *
 * @example
 * releaseMessage(3, sha, ['clinic-a']); // 'writ release 3\n\nPolicy commit: <sha>\nSites: clinic-a\n'
 */
export function releaseMessage(version: number, policyCommit: string, sites: readonly string[]): string {
  return `writ release ${version}\n\nPolicy commit: ${policyCommit}\nSites: ${sites.join(', ')}\n`;
}

/**
 * The release version and policy commit a release commit message names, or undefined for any other message.
 *
 * @example
 * releasedPolicyCommit(releaseMessage(3, sha, ['a'])); // { version: 3, policyCommit: sha }
 */
export function releasedPolicyCommit(message: string): { version: number; policyCommit: string } | undefined {
  const v = /^writ release (\d+)\n/.exec(message);
  const c = /^Policy commit: ([0-9a-f]{40})$/m.exec(message);
  return v && c ? { version: Number(v[1]), policyCommit: c[1]! } : undefined;
}
