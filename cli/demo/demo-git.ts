import { execFile, execFileSync } from 'node:child_process';
import { DemoError } from '../../core/errors/demo-error.js';

/** git with no system or user configuration, no prompts, and the demo's identity at the demo's time. */
function gitEnv(now: Date | undefined): NodeJS.ProcessEnv {
  const date = now?.toISOString();
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/',
    LANG: 'C.UTF-8',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'writ demo', GIT_AUTHOR_EMAIL: 'demo@writ.invalid',
    GIT_COMMITTER_NAME: 'writ demo', GIT_COMMITTER_EMAIL: 'demo@writ.invalid',
    ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
  };
}

/**
 * Runs the git CLI (argument vector, no shell) in `cwd` and returns its trimmed stdout; a failure is
 * DEMO_STAGE_FAILED with git's message. Synchronous: never while an in-process server must answer.
 *
 * @example
 * const head = demoGit('/demo/policy', ['rev-parse', 'HEAD']);
 */
export function demoGit(cwd: string, args: string[], now?: Date): string {
  try {
    return execFileSync('git', args, { cwd, env: gitEnv(now), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new DemoError('DEMO_STAGE_FAILED', `git ${args[0]} failed in ${cwd}: ${(err.stderr || err.message).trim()}`, { hint: 'Check that git works here (git --version) and that the state folder is writable.', cause: e });
  }
}

/**
 * demoGit without blocking the event loop: for git talking to the demo's own loopback server.
 *
 * @example
 * await demoGitAsync(layout.root, ['clone', '--quiet', '--branch', branch, url, dir]);
 */
export function demoGitAsync(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: gitEnv(undefined), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new DemoError('DEMO_STAGE_FAILED', `git ${args[0]} failed: ${(stderr || err.message).trim()}`, { hint: 'The demo\'s loopback git server did not answer as expected; run the demo again with WRIT_DEBUG=1.', cause: err }));
      else resolve(stdout.trim());
    });
  });
}

/** True when the git CLI runs. */
export function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
