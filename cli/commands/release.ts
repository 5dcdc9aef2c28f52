import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import git from 'isomorphic-git';
import { UsageError } from '../../core/errors/writ-error.js';
import { DEFAULT_LOAD_LIMITS } from '../../core/load/source-file.js';
import { DEFAULT_EXPIRY } from '../../core/release/build-release.js';
import { referenceTime } from '../../adapters/clock/system-clock.js';
import { readTreeFiles } from '../../adapters/git/read-tree-files.js';
import { commitRelease, loadReleaseSigners, validateReleaseSource } from '../../adapters/release/release-commit.js';
import { runShellcheck } from '../../adapters/shellcheck/run-shellcheck.js';
import type { CliIo } from '../io.js';

export const RELEASE_HELP = `Usage: writ release --keys DIR [--repo DIR] [--rev HEAD] [--branch writ/releases] [--now ISO]

Builds one bundle per site from the policy at --rev (default HEAD: committed policy only), refuses
a tree that fails writ validate, encrypts each bundle to its site's appliances, signs TUF metadata
(targets, snapshot, timestamp) with the online keys in --keys, and commits metadata/ and targets/
to the release branch. Nothing is checked out; the working tree is untouched.

Options:
  --expires-timestamp-days N   how long a release stays fresh without re-signing (default 7)
  --expires-snapshot-days N    (default 30)
  --expires-targets-days N     (default 30)
  --format text|json
`;

/** `writ release`. */
export async function releaseCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      keys: { type: 'string' }, repo: { type: 'string' }, rev: { type: 'string', default: 'HEAD' },
      branch: { type: 'string', default: 'writ/releases' }, now: { type: 'string' }, format: { type: 'string', default: 'text' },
      'expires-timestamp-days': { type: 'string' }, 'expires-snapshot-days': { type: 'string' }, 'expires-targets-days': { type: 'string' },
      'cache-dir': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(RELEASE_HELP);
    return 0;
  }
  if (!values.keys) throw new UsageError('writ release needs --keys', { hint: 'Pass the folder writ keys init made (the online targets, snapshot and timestamp keys).' });
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`unknown format "${values.format}"`, { hint: 'Use one of: text, json.' });
  const days = (name: 'expires-timestamp-days' | 'expires-snapshot-days' | 'expires-targets-days', fallback: number) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 3650) throw new UsageError(`--${name} must be a whole number of days from 1 to 3650`, { hint: `Got ${raw}.` });
    return Number(raw) * 86400;
  };
  const expiry = {
    timestampSeconds: days('expires-timestamp-days', DEFAULT_EXPIRY.timestampSeconds),
    snapshotSeconds: days('expires-snapshot-days', DEFAULT_EXPIRY.snapshotSeconds),
    targetsSeconds: days('expires-targets-days', DEFAULT_EXPIRY.targetsSeconds),
  };
  const now = referenceTime(values.now, io.env['WRIT_NOW']);
  const repoDir = resolve(io.cwd, values.repo ?? '.');
  const gitRoot = await git.findRoot({ fs, filepath: repoDir }).catch(() => {
    throw new UsageError(`${repoDir} is not in a git repository`, { hint: 'writ release reads committed policy; run it in the policy repository or pass --repo.' });
  });
  const keysDir = resolve(io.cwd, values.keys);

  const signers = loadReleaseSigners(keysDir);

  const tree = await readTreeFiles(repoDir, values.rev!, { maxFileBytes: DEFAULT_LOAD_LIMITS.maxFileBytes });
  const cacheDir = values['cache-dir'] ?? join(io.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'writ', 'shellcheck');
  const { errors, repo } = await validateReleaseSource(tree, { now, shellcheck: (scripts) => runShellcheck(scripts, { cacheDir }) });
  if (errors.length > 0) {
    // A tree that fails validation is a finding the user acts on (exit 1), not a crash.
    io.stderr(`writ: REL_VALIDATION_FAILED: commit ${tree.commit.slice(0, 12)} fails validation with ${errors.length} error(s); nothing was released
` +
      `  hint: run writ validate (first: ${errors[0]!.file}:${errors[0]!.line}:${errors[0]!.column} ${errors[0]!.code}), fix, commit, and release again.
`);
    return 1;
  }

  const done = await commitRelease({ at: { dir: gitRoot }, branch: values.branch!, keysDir, signers, repo, policyCommit: tree.commit, now, expiry });
  const result = { release_version: done.version, branch: values.branch, branch_commit: done.branchCommit, policy_commit: tree.commit, sites: done.sites.map((t) => ({ site: t.site, bundle_sha256: t.bundleSha256 })), expires: done.expires };
  if (values.format === 'json') io.stdout(JSON.stringify(result, null, 2) + '\n');
  else {
    io.stdout(`Released version ${done.version} of policy commit ${tree.commit.slice(0, 12)} to ${values.branch} (${done.branchCommit.slice(0, 12)})\n` +
      done.sites.map((t) => `  ${t.site.padEnd(24)} sha256:${t.bundleSha256.slice(0, 16)}…\n`).join('') +
      `  fresh until ${done.expires.timestamp} (timestamp); targets expire ${done.expires.targets}\n`);
  }
  return 0;
}
