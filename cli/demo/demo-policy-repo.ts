import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DemoError } from '../../core/errors/demo-error.js';
import { demoGit } from './demo-git.js';

/** The folders copied from the writ checkout as they are. */
export const COPIED_FOLDERS = ['policies', 'runbooks', 'frameworks'] as const;

/**
 * Ids of the YAML documents in one copied folder (`policies` → rule ids, `runbooks` → runbook ids),
 * read from the file names, which equal the ids.
 *
 * @example
 * idsIn('/src/writ', 'runbooks'); // Set { 'LIN-SSH-001', … }
 */
export function idsIn(from: string, folder: 'policies' | 'runbooks'): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.yaml')) out.add(e.name.slice(0, -'.yaml'.length));
    }
  };
  walk(join(from, folder));
  return out;
}

/** Fails when `from` lacks a folder the demo copies. */
export function checkPolicySource(from: string): void {
  const missing = COPIED_FOLDERS.filter((f) => !existsSync(join(from, f)));
  if (missing.length > 0) {
    throw new DemoError('DEMO_POLICY_SOURCE_MISSING', `${from} has no ${missing.join(', ')} folder`, {
      hint: 'Run writ demo from a full clone of writ, or pass --from with a policy repository that has policies/, runbooks/ and frameworks/.',
    });
  }
}

export interface SyncedRepo {
  /** The commit before this run (the plan's base); on the first run an empty commit. */
  base: string;
  head: string;
  /** True when this run committed a change. */
  changed: boolean;
}

/**
 * Makes the demo's policy repository in `dir` match this run: policies/, runbooks/ and frameworks/
 * copied from `from`, plus the generated files (the demo clinic's site file and demo rules), and
 * commits it at `now` when anything differs from the last commit. The first run starts the
 * repository with an empty commit, so that the first plan shows the whole clinic as added.
 *
 * @example
 * const { base, head } = syncDemoPolicyRepo({ from: checkout, dir: layout.policy, generated, now });
 */
export function syncDemoPolicyRepo(options: { from: string; dir: string; generated: Record<string, string>; now: Date }): SyncedRepo {
  const { dir, now } = options;
  if (!existsSync(join(dir, '.git'))) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    demoGit(dir, ['init', '--quiet', '--initial-branch=main']);
    demoGit(dir, ['commit', '--quiet', '--allow-empty', '--no-gpg-sign', '-m', 'writ demo: empty policy repository'], now);
  }
  const base = demoGit(dir, ['rev-parse', 'HEAD']);
  for (const folder of [...COPIED_FOLDERS, 'sites']) rmSync(join(dir, folder), { recursive: true, force: true });
  for (const folder of COPIED_FOLDERS) {
    cpSync(join(options.from, folder), join(dir, folder), {
      recursive: true,
      // Hidden files (editor swap files, .DS_Store) are not policy.
      filter: (src) => !basename(src).startsWith('.'),
    });
  }
  for (const [path, text] of Object.entries(options.generated)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  demoGit(dir, ['add', '--all']);
  const status = demoGit(dir, ['status', '--porcelain']);
  if (status === '') return { base, head: base, changed: false };
  demoGit(dir, ['commit', '--quiet', '--no-gpg-sign', '-m', `writ demo: policy and the demo clinic as of ${now.toISOString().slice(0, 10)}`], now);
  return { base, head: demoGit(dir, ['rev-parse', 'HEAD']), changed: true };
}
