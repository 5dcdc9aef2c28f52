import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basicAuthMatches, runGitHttpBackend } from './git-http-backend.js';

export interface LoopbackGitServerOptions {
  /** The git directory served (`<work tree>/.git` or a bare repository). */
  gitDir: string;
  /** The one repository name in the URL: `http://127.0.0.1:PORT/<name>`; must end in `.git`. */
  name: string;
  /** Pushes need Basic auth `x-access-token:<pushToken>`; fetches need nothing. */
  pushToken: string;
}

export interface LoopbackGitServer {
  port: number;
  /** Clone URL of the served repository (never with credentials). */
  url: string;
  /** Requests refused so far (bad host, path, method or credentials), for the caller's summary. */
  readonly refused: number;
  stop(): Promise<void>;
}

/** The user name pushes authenticate as (what writ's git adapters send with a token). */
export const PUSH_USER = 'x-access-token';

/** Smart HTTP endpoints and the method each takes; anything else (the dumb protocol too) is refused. */
const ENDPOINTS: Readonly<Record<string, { method: string; push: boolean; query?: RegExp }>> = {
  '/info/refs': { method: 'GET', push: false, query: /^service=git-(upload|receive)-pack$/ },
  '/git-upload-pack': { method: 'POST', push: false },
  '/git-receive-pack': { method: 'POST', push: true },
};

/**
 * Serves ONE repository over git's smart HTTP protocol on 127.0.0.1 (a random free port) with the
 * real `git http-backend`: fetch and clone for anyone on this machine, push only with the per-run
 * token. Refuses requests whose Host header is not this server (a web page cannot reach it through
 * DNS rebinding), any path but the repository's three smart-HTTP endpoints, and other methods.
 *
 * @example
 * const server = await startLoopbackGitServer({ gitDir: '/demo/policy/.git', name: 'policy.git', pushToken });
 * // agent config: source.url = server.url, evidence_push.token_file holds pushToken
 * await server.stop();
 */
export async function startLoopbackGitServer(options: LoopbackGitServerOptions): Promise<LoopbackGitServer> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\.git$/.test(options.name)) throw new RangeError(`startLoopbackGitServer: "${options.name}" is not a repository name ending in .git`);
  if (options.pushToken.length < 16) throw new RangeError('startLoopbackGitServer: the push token is too short');
  const children = new Set<ChildProcess>();
  let refused = 0;
  let port = 0;
  const prefix = `/${options.name}`;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const refuse = (status: number, body: string, headers: Record<string, string> = {}) => {
      refused++;
      req.resume();
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      res.end(body);
    };
    if (req.headers.host !== `127.0.0.1:${port}`) return refuse(421, 'wrong host\n');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!url.pathname.startsWith(`${prefix}/`)) return refuse(404, 'no such repository\n');
    const endpoint = ENDPOINTS[url.pathname.slice(prefix.length)];
    const query = url.search.replace(/^\?/, '');
    if (!endpoint || (endpoint.query ? !endpoint.query.test(query) : query !== '')) return refuse(404, 'not a smart HTTP endpoint\n');
    if (req.method !== endpoint.method) return refuse(405, 'method not allowed\n', { Allow: endpoint.method });
    const push = endpoint.push || query === 'service=git-receive-pack';
    if (push && !basicAuthMatches(req.headers.authorization, PUSH_USER, options.pushToken)) {
      return refuse(401, 'pushing needs the demo token\n', { 'WWW-Authenticate': 'Basic realm="writ-demo-git"' });
    }
    const child = runGitHttpBackend(req, res, {
      projectRoot: options.gitDir, pathInfo: url.pathname.slice(prefix.length), query,
      receivePack: push, software: 'writ-loopback-git', ...(push ? { remoteUser: PUSH_USER } : {}),
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
  port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}${prefix}`,
    get refused() {
      return refused;
    },
    async stop() {
      for (const child of children) child.kill('SIGKILL');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
