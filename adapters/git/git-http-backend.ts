import { spawn, type ChildProcess } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What one `git http-backend` run serves: the repository root, the path below it and who asked. */
export interface GitBackendRequest {
  /** GIT_PROJECT_ROOT: the folder the served repositories are under. */
  projectRoot: string;
  /** PATH_INFO below projectRoot, already decoded and checked (no `..`, no NUL). */
  pathInfo: string;
  /** The query string without `?`. */
  query: string;
  /** True lets this request push (http.receivepack); false leaves git's default (refused without REMOTE_USER). */
  receivePack: boolean;
  /** REMOTE_USER, set only for an authenticated request. */
  remoteUser?: string;
  /** SERVER_SOFTWARE, for git's logs. */
  software: string;
}

/** Optional watchers of one backend response (tests record them and inject faults). */
export interface GitBackendHooks {
  /** The status the backend's CGI head set (or 500 when it died before one). */
  onStatus?: (status: number) => void;
  /**
   * Sees each body chunk before it is sent; returns the part to send and whether to cut the
   * connection after it (a server dying mid-response). Default: send everything.
   */
  onBody?: (chunk: Buffer) => { send: Buffer; cut: boolean };
}

/**
 * Basic credentials in an Authorization header equal `user:token`, compared in constant time.
 *
 * @example
 * basicAuthMatches(req.headers.authorization, 'x-access-token', token); // true or false
 */
export function basicAuthMatches(header: string | undefined, user: string, token: string): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'base64');
  const wanted = Buffer.from(`${user}:${token}`, 'utf8');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * The decoded request path, or undefined when it cannot name a file below the project root
 * (bad percent-encoding, a NUL byte, a `..` segment).
 *
 * @example
 * safePathInfo('/policy.git/info/refs'); // '/policy.git/info/refs'
 * safePathInfo('/a/../b');                // undefined
 */
export function safePathInfo(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.split('/').includes('..')) return undefined;
  return decoded;
}

/** Splits a CGI response head ("Status: 200 OK\r\nContent-Type: …") into a status and headers. */
function parseCgiHead(head: string): { status: number; statusText: string | undefined; headers: [string, string][] } {
  let status = 200;
  let statusText: string | undefined;
  const headers: [string, string][] = [];
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (name.toLowerCase() === 'status') {
      const m = /^(\d{3})\s*(.*)$/.exec(value);
      if (m) {
        status = Number(m[1]);
        statusText = m[2] || undefined;
      }
    } else {
      headers.push([name, value]);
    }
  }
  return { status, statusText, headers };
}

/** Finds the blank line ending the CGI head; returns [headEnd, bodyStart] or undefined. */
function findHeadEnd(buf: Buffer): [number, number] | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return [crlf, crlf + 4];
  if (lf >= 0) return [lf, lf + 2];
  return undefined;
}

/**
 * Answers one HTTP request with the real `git http-backend` run as a CGI (RFC 3875): clone, fetch
 * (upload-pack) and, when `receivePack`, push (receive-pack) over git's smart HTTP protocol. The
 * backend gets a minimal environment (no system or user git config); request headers are passed as
 * HTTP_* (gzip bodies, protocol v2) except Authorization. Returns the child so the caller can stop
 * it when the server closes.
 *
 * @example
 * const child = runGitHttpBackend(req, res, { projectRoot: '/srv/git', pathInfo: '/policy.git/info/refs',
 *   query: 'service=git-upload-pack', receivePack: false, software: 'writ-demo-git' });
 */
export function runGitHttpBackend(req: IncomingMessage, res: ServerResponse, request: GitBackendRequest, hooks: GitBackendHooks = {}): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: request.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    SERVER_SOFTWARE: request.software,
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: request.pathInfo,
    QUERY_STRING: request.query,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
  };
  if (request.receivePack) {
    // git-http-backend(1), http.receivepack: this request may push.
    env['GIT_CONFIG_COUNT'] = '1';
    env['GIT_CONFIG_KEY_0'] = 'http.receivepack';
    env['GIT_CONFIG_VALUE_0'] = 'true';
  }
  if (req.headers['content-type']) env['CONTENT_TYPE'] = req.headers['content-type'];
  // Without CONTENT_LENGTH (chunked pushes) http-backend reads the body until EOF.
  if (req.headers['content-length']) env['CONTENT_LENGTH'] = req.headers['content-length'];
  if (request.remoteUser) env['REMOTE_USER'] = request.remoteUser;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'authorization' || name === 'content-type' || name === 'content-length') continue;
    env[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = Array.isArray(value) ? value.join(', ') : value;
  }

  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-4096)));
  child.stdin!.on('error', () => {}); // the backend may exit before reading the whole body
  req.pipe(child.stdin!);

  const fail = (status: number, body: string) => {
    hooks.onStatus?.(status);
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(body);
  };
  let head: Buffer | undefined = Buffer.alloc(0);
  let cut = false;
  const send = (chunk: Buffer) => {
    if (cut || chunk.length === 0) return;
    const decided = hooks.onBody ? hooks.onBody(chunk) : { send: chunk, cut: false };
    if (decided.cut) {
      cut = true;
      child.kill('SIGKILL');
      // Flush what was allowed, then drop the connection without ending the response.
      res.write(decided.send, () => res.socket?.destroy());
      return;
    }
    if (!res.write(decided.send)) {
      child.stdout!.pause();
      res.once('drain', () => child.stdout!.resume());
    }
  };
  child.stdout!.on('data', (data: Buffer) => {
    if (head === undefined) return send(data);
    head = Buffer.concat([head, data]);
    const end = findHeadEnd(head);
    if (!end) return;
    const parsed = parseCgiHead(head.subarray(0, end[0]).toString('latin1'));
    const body = head.subarray(end[1]);
    head = undefined;
    hooks.onStatus?.(parsed.status);
    res.statusCode = parsed.status;
    if (parsed.statusText) res.statusMessage = parsed.statusText;
    for (const [name, value] of parsed.headers) res.appendHeader(name, value);
    res.flushHeaders();
    send(body);
  });
  child.on('close', (code) => {
    if (cut) return;
    if (head !== undefined) {
      // The backend died before printing a head.
      fail(500, `git http-backend exited with ${code}: ${stderr}\n`);
      return;
    }
    res.end();
  });
  child.on('error', (e) => {
    if (!res.headersSent) fail(500, `cannot run git http-backend: ${e.message}\n`);
    else res.socket?.destroy();
  });
  res.on('close', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return child;
}
