import { closeSync, constants, fstatSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { isWritError } from '../core/errors/writ-error.js';
import { loadRootHistory } from '../adapters/keys/key-dir.js';
import { loadReleaseSigners } from '../adapters/release/release-commit.js';
import { AppConfigError } from './app-errors.js';

/** How the App releases on a push to the default branch (absent: releases are off). */
export interface AppReleaseConfig {
  /** Online signing keys (targets, snapshot, timestamp) and `roots/`, as `writ keys init` makes them. */
  keysDir: string;
  /** File holding the release identity's token (mode 0600, not a link); read again for every release. */
  tokenPath: string;
  /** Clone URL of a repository, `{owner}` and `{repo}` replaced per repository. */
  gitUrlTemplate: string;
  /** Release branch, default `writ/releases`. */
  branch: string;
  /** Where the App keeps one bare git cache per repository. */
  stateDir: string;
  /** The key folder also holds offline root keys (`root-N.key`): they do not belong on a server. */
  rootKeysPresent: boolean;
}

const SEGMENT = /^[A-Za-z0-9_.-]+$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Reads the release settings: WRIT_RELEASE_KEYS_DIR and WRIT_RELEASE_TOKEN_PATH (both or neither:
 * neither turns releases off), WRIT_APP_STATE_DIR (required with them), WRIT_RELEASE_GIT_URL
 * (default `<GHE_PROTOCOL>://<GHE_HOST or github.com>/{owner}/{repo}.git`), WRIT_RELEASE_BRANCH
 * (default writ/releases). Checks the keys and the token file now, so a broken setup stops the App
 * at start. Throws AppConfigError with a hint.
 *
 * @example
 * const release = releaseConfigFromEnv(process.env, { host: 'github.com', protocol: 'https' });
 */
export function releaseConfigFromEnv(env: Readonly<Record<string, string | undefined>>, github: { host: string; protocol: 'https' | 'http' }): AppReleaseConfig | undefined {
  const keysDir = env['WRIT_RELEASE_KEYS_DIR'] ?? '';
  const tokenPath = env['WRIT_RELEASE_TOKEN_PATH'] ?? '';
  if (keysDir === '' && tokenPath === '') return undefined;
  const both = 'Set both WRIT_RELEASE_KEYS_DIR (the online keys writ keys init made) and WRIT_RELEASE_TOKEN_PATH (the release identity\'s token), or neither to turn releases off.';
  if (keysDir === '') throw new AppConfigError('WRIT_RELEASE_TOKEN_PATH is set but WRIT_RELEASE_KEYS_DIR is not', { hint: both });
  if (tokenPath === '') throw new AppConfigError('WRIT_RELEASE_KEYS_DIR is set but WRIT_RELEASE_TOKEN_PATH is not', { hint: both });
  for (const [name, path] of [['WRIT_RELEASE_KEYS_DIR', keysDir], ['WRIT_RELEASE_TOKEN_PATH', tokenPath]] as const) {
    if (!isAbsolute(path)) throw new AppConfigError(`${name} must be an absolute path (got ${JSON.stringify(path)})`, { hint: `Set ${name} to the full path.` });
  }

  try {
    loadReleaseSigners(keysDir);
  } catch (e) {
    throw new AppConfigError(`WRIT_RELEASE_KEYS_DIR ${keysDir}: ${e instanceof Error ? e.message : String(e)}`, {
      hint: isWritError(e) ? e.hint : 'Point WRIT_RELEASE_KEYS_DIR at the folder writ keys init made (targets-1.key, snapshot-1.key, timestamp-1.key, roots/).', cause: e,
    });
  }
  if (loadRootHistory(keysDir).size === 0) throw new AppConfigError(`WRIT_RELEASE_KEYS_DIR ${keysDir} has no roots/N.root.json`, { hint: 'Copy the roots/ folder writ keys init (and writ keys rotate) wrote next to the online keys.' });
  readReleaseToken(tokenPath);

  const stateDir = env['WRIT_APP_STATE_DIR'] ?? '';
  if (stateDir === '' || !isAbsolute(stateDir)) {
    throw new AppConfigError(stateDir === '' ? 'WRIT_APP_STATE_DIR is not set' : `WRIT_APP_STATE_DIR must be an absolute path (got ${JSON.stringify(stateDir)})`, {
      hint: 'Releases need a folder for the App\'s git caches, e.g. WRIT_APP_STATE_DIR=/var/lib/writ-app (created with mode 0700 when missing).',
    });
  }
  const st = statSync(stateDir, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) throw new AppConfigError(`WRIT_APP_STATE_DIR ${stateDir} is not a folder`, { hint: 'Point it at a folder (or a path where one can be created).' });
  if (st && (st.mode & 0o022) !== 0) throw new AppConfigError(`WRIT_APP_STATE_DIR ${stateDir} is writable by group or others`, { hint: `chmod 700 ${stateDir}` });

  const branch = env['WRIT_RELEASE_BRANCH'] ?? 'writ/releases';
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(branch) || branch.includes('..') || branch.includes('//') || branch.endsWith('/') || branch.endsWith('.lock')) {
    throw new AppConfigError(`WRIT_RELEASE_BRANCH ${JSON.stringify(branch)} is not a branch name`, { hint: 'Leave it unset for writ/releases.' });
  }

  const gitUrlTemplate = env['WRIT_RELEASE_GIT_URL'] ?? `${github.protocol}://${github.host}/{owner}/{repo}.git`;
  let url: URL;
  try {
    url = new URL(releaseGitUrl(gitUrlTemplate, 'owner', 'repo'));
  } catch {
    throw new AppConfigError(`WRIT_RELEASE_GIT_URL is not a URL (got ${JSON.stringify(gitUrlTemplate)})`, { hint: 'Use an https clone URL with {owner} and {repo}, e.g. https://github.com/{owner}/{repo}.git.' });
  }
  if (url.username !== '' || url.password !== '') {
    throw new AppConfigError('WRIT_RELEASE_GIT_URL carries credentials', { hint: 'Remove them from the URL; the release token is read from WRIT_RELEASE_TOKEN_PATH only.' });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new AppConfigError(`WRIT_RELEASE_GIT_URL must be https (got ${url.protocol.replace(':', '')})`, { hint: 'The release token would cross the network in clear; use https (plain http is accepted for 127.0.0.1 only).' });
  }
  const rootKeysPresent = readdirSync(keysDir).some((f) => /^root-\d+\.key$/.test(f));
  return { keysDir, tokenPath, gitUrlTemplate, branch, stateDir, rootKeysPresent };
}

/**
 * The clone URL of one repository from the template. Owner and name must be plain GitHub names:
 * nothing from a payload can add a path, a host or a query.
 *
 * @example
 * releaseGitUrl('https://github.com/{owner}/{repo}.git', 'acme', 'policy'); // 'https://github.com/acme/policy.git'
 */
export function releaseGitUrl(template: string, owner: string, repo: string): string {
  if (!SEGMENT.test(owner) || !SEGMENT.test(repo) || owner.startsWith('.') || repo.startsWith('.')) throw new RangeError(`not a repository name: ${owner}/${repo}`);
  return template.replaceAll('{owner}', owner).replaceAll('{repo}', repo);
}

/**
 * Reads the release identity's token: the file itself (a symbolic link is refused, opened with
 * O_NOFOLLOW), a regular file no group or other user can access, owned by this user or root, not
 * empty. Its first line is the token. Throws AppConfigError with a hint; the token is never in it.
 *
 * @example
 * const token = readReleaseToken('/etc/writ-app/release-token');
 */
export function readReleaseToken(path: string): string {
  const field = 'WRIT_RELEASE_TOKEN_PATH';
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new AppConfigError(`${field} ${path} is a symbolic link; the release token is read only from the file itself`, { hint: `Point ${field} at the file the link resolves to (mode 0600).` });
    if (code === 'ENOENT') throw new AppConfigError(`${field} ${path} does not exist`, { hint: 'Write the release identity\'s token (contents: write on the release branch only) to that file with mode 0600.' });
    throw new AppConfigError(`${field} ${path} cannot be read (${code ?? 'error'})`, { hint: 'Make it readable by the App\'s user, and only by it (chmod 600).' });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new AppConfigError(`${field} ${path} is not a regular file`, { hint: `Point ${field} at a regular file (mode 0600).` });
    if ((st.mode & 0o077) !== 0) {
      throw new AppConfigError(`${field} ${path} can be read by group or others (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')})`, { hint: `chmod 600 ${path}` });
    }
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid && st.uid !== 0) throw new AppConfigError(`${field} ${path} is owned by uid ${st.uid}, neither root nor the App's user`, { hint: `chown the file to the App's user (uid ${uid}).` });
    const token = readFileSync(fd, 'utf8').split(/\r?\n/)[0]!.trim();
    if (token === '') throw new AppConfigError(`${field} ${path} is empty`, { hint: 'Write the release identity\'s token on the first line.' });
    return token;
  } finally {
    closeSync(fd);
  }
}
