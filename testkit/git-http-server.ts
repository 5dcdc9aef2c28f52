import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { basicAuthMatches, runGitHttpBackend, safePathInfo } from '../adapters/git/git-http-backend.js';

/** One request the server answered (or cut off), in arrival order. */
export interface GitHttpRequestRecord {
  method: string;
  /** Path and query string, e.g. `/release.git/info/refs?service=git-upload-pack`. */
  path: string;
  status: number;
  /** Body bytes sent to the client. */
  bytes: number;
  /** True when `failAfterBytes` cut the response off. */
  aborted: boolean;
}

export interface GitHttpServerOptions {
  /** Directory holding the served repositories; `url('release.git')` serves `<projectRoot>/release.git`. */
  projectRoot: string;
  /** Basic auth every request must carry; wrong or missing credentials get 401 + WWW-Authenticate. */
  auth?: { user: string; token: string };
  /** Destroy the socket after sending this many body bytes of a response (a server dying mid-fetch). */
  failAfterBytes?: number;
  /** Plain HTTP only; the appliance's TLS is not what these tests exercise. */
  tls?: false;
}

export interface GitHttpServer {
  port: number;
  /** Clone URL of a repository under projectRoot; `credentials: true` embeds user and token. */
  url(repoName: string, options?: { credentials?: boolean }): string;
  /** Every request so far. */
  readonly requests: GitHttpRequestRecord[];
  /** Change fault injection between requests (`undefined` = serve normally again). */
  failAfterBytes: number | undefined;
  stop(): Promise<void>;
}

/** Fixed identity and dates so that commits made by the helpers are reproducible. */
export const GIT_TEST_IDENTITY = {
  name: 'Writ Test',
  email: 'writ-test@example.invalid',
  date: '2025-01-15T12:00:00Z',
} as const;

/**
 * Environment for git CLI calls in tests: no system or user config, no prompts, fixed identity.
 * Later keys in `extra` win.
 */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    GIT_AUTHOR_NAME: GIT_TEST_IDENTITY.name,
    GIT_AUTHOR_EMAIL: GIT_TEST_IDENTITY.email,
    GIT_AUTHOR_DATE: GIT_TEST_IDENTITY.date,
    GIT_COMMITTER_NAME: GIT_TEST_IDENTITY.name,
    GIT_COMMITTER_EMAIL: GIT_TEST_IDENTITY.email,
    GIT_COMMITTER_DATE: GIT_TEST_IDENTITY.date,
    ...extra,
  };
}

/**
 * Runs the git CLI (no shell) and returns its trimmed stdout; throws with stderr on failure.
 * Synchronous: it blocks the event loop, so never use it against a server started in this process
 * (clone, fetch, push through startGitHttpServer); use gitAsync for those.
 */
export function runGit(cwd: string, args: string[], env: Record<string, string> = {}): string {
  try {
    return execFileSync('git', args, { cwd, env: gitEnv(env), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${err.stderr ?? err.message}`);
  }
}

/** runGit without blocking the event loop: for git commands that talk to an in-process server. */
export function gitAsync(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: gitEnv(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr || err.message}`));
      else resolve(stdout.trim());
    });
  });
}

/** Creates `<dir>/<name>` as a bare repository (default branch main) that accepts pushes over HTTP. */
export function makeBareRepo(dir: string, name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  runGit(path, ['init', '--quiet', '--bare', '--initial-branch=main']);
  runGit(path, ['config', 'http.receivepack', 'true']);
  return path;
}

/**
 * Writes `files` into `workDir` (a value of `null` deletes the file), stages everything and commits
 * with the fixed test identity and date. Initializes the repository (branch main) when needed.
 * Returns the new commit id.
 *
 * @example
 * const oid = commitFiles(work, { 'release/targets.json': '{}' }, 'release 1');
 */
export function commitFiles(
  workDir: string,
  files: Record<string, string | Uint8Array | null>,
  message: string,
  options: { date?: string } = {},
): string {
  mkdirSync(workDir, { recursive: true });
  if (!existsSync(join(workDir, '.git'))) runGit(workDir, ['init', '--quiet', '--initial-branch=main']);
  for (const [path, content] of Object.entries(files)) {
    const full = join(workDir, path);
    if (content === null) {
      rmSync(full, { force: true });
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  const date = options.date ?? GIT_TEST_IDENTITY.date;
  const env = { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  runGit(workDir, ['add', '--all'], env);
  runGit(workDir, ['commit', '--quiet', '--allow-empty', '--no-gpg-sign', '-m', message], env);
  return runGit(workDir, ['rev-parse', 'HEAD'], env);
}

/**
 * Starts a loopback HTTP server that runs the real `git http-backend` as a CGI for every request,
 * so isomorphic-git and the git CLI can clone, fetch (upload-pack) and push (receive-pack) over
 * smart HTTP. Each served repository accepts pushes (`http.receivepack=true` is passed through the
 * environment). Requests are recorded; `failAfterBytes` cuts responses off mid-body.
 *
 * @example
 * const server = await startGitHttpServer({ projectRoot: root, auth: { user: 'x-access-token', token: 't0k' } });
 * runGit(work, ['clone', server.url('release.git', { credentials: true }), 'clone']);
 * await server.stop();
 */
export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const requests: GitHttpRequestRecord[] = [];
  const children = new Set<ChildProcess>();
  const state = { failAfterBytes: options.failAfterBytes };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const record: GitHttpRequestRecord = { method: req.method ?? 'GET', path: req.url ?? '/', status: 0, bytes: 0, aborted: false };
    requests.push(record);
    const reply = (status: number, headers: Record<string, string>, body: string) => {
      record.status = status;
      record.bytes = Buffer.byteLength(body);
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      res.end(body);
    };

    if (options.auth && !basicAuthMatches(req.headers.authorization, options.auth.user, options.auth.token)) {
      req.resume();
      reply(401, { 'WWW-Authenticate': 'Basic realm="writ-test-git"' }, 'authentication required\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const pathInfo = safePathInfo(url.pathname);
    if (pathInfo === undefined) {
      req.resume();
      reply(400, {}, 'bad path\n');
      return;
    }

    const child = runGitHttpBackend(req, res, {
      projectRoot: options.projectRoot, pathInfo, query: url.search.replace(/^\?/, ''),
      // Every served repository accepts pushes.
      receivePack: true, software: 'writ-test-git-http',
      ...(options.auth ? { remoteUser: options.auth.user } : {}),
    }, {
      onStatus: (status) => (record.status = status),
      onBody: (chunk) => {
        const limit = state.failAfterBytes;
        if (limit !== undefined && record.bytes + chunk.length >= limit) {
          const part = chunk.subarray(0, Math.max(0, limit - record.bytes));
          record.bytes += part.length;
          record.aborted = true;
          return { send: part, cut: true };
        }
        record.bytes += chunk.length;
        return { send: chunk, cut: false };
      },
    });
    children.add(child);
    child.on('close', () => children.delete(child));
    child.on('error', () => children.delete(child));
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    requests,
    get failAfterBytes() {
      return state.failAfterBytes;
    },
    set failAfterBytes(value: number | undefined) {
      state.failAfterBytes = value;
    },
    url(repoName: string, urlOptions: { credentials?: boolean } = {}) {
      const userinfo =
        urlOptions.credentials && options.auth
          ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.token)}@`
          : '';
      return `http://${userinfo}127.0.0.1:${port}/${repoName.replace(/^\/+/, '')}`;
    },
    async stop() {
      for (const child of children) child.kill('SIGKILL');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
