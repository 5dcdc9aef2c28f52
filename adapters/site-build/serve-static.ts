import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { SITE_CSP_HEADER } from './site-csp.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml',
  '.wasm': 'application/wasm', '.pdf': 'application/pdf', '.woff2': 'font/woff2',
  // Pagefind's index files: binary chunks fetched by its script.
  '.pagefind': 'application/octet-stream', '.pf_meta': 'application/octet-stream', '.pf_index': 'application/octet-stream',
  '.pf_fragment': 'application/octet-stream', '.pf_filter': 'application/octet-stream',
};

export interface StaticServer {
  url: string;
  server: Server;
  close: () => Promise<void>;
}

/**
 * Resolves a request path to a file inside root, or undefined: percent-decoding errors, NUL bytes,
 * `..` segments, backslashes and symbolic links leading outside root all answer undefined (404).
 * A directory answers its index.html.
 *
 * @example
 * resolveInside('/srv/site', '/clinics/a/')   // '/srv/site/clinics/a/index.html'
 * resolveInside('/srv/site', '/../etc/passwd') // undefined
 */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\') || !path.startsWith('/')) return undefined;
  if (path.split('/').some((s) => s === '..')) return undefined;
  const realRoot = realpathSync(root);
  let file = resolve(realRoot, '.' + path);
  if (file !== realRoot && !file.startsWith(realRoot + sep)) return undefined;
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    const real = realpathSync(file);
    if (!real.startsWith(realRoot + sep)) return undefined;
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves a built site folder over HTTP on 127.0.0.1 (port 0 picks a free one): GET and HEAD only,
 * content types by extension, the site's Content-Security-Policy and nosniff on every answer, the
 * site's 404.html for what is not there.
 *
 * @example
 * const s = await serveStatic({ dir: 'site-out', port: 0 });
 * console.log(s.url); await s.close();
 */
export function serveStatic(options: { dir: string; port: number; host?: string }): Promise<StaticServer> {
  const root = realpathSync(options.dir);
  const server = createServer((req, res) => {
    res.setHeader('Content-Security-Policy', SITE_CSP_HEADER);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    // A page on another origin that rebinds its DNS name to 127.0.0.1 sends its own name as Host.
    const { port } = server.address() as AddressInfo;
    const host = options.host ?? '127.0.0.1';
    if (req.headers.host !== `${host}:${port}` && req.headers.host !== `localhost:${port}`) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('misdirected request\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    const pathname = (req.url ?? '/').split(/[?#]/)[0]!;
    if (!pathname.endsWith('/') && !extname(pathname)) {
      const dirFile = resolveInside(root, pathname + '/');
      if (dirFile) {
        res.writeHead(301, { Location: pathname + '/' }).end();
        return;
      }
    }
    const file = resolveInside(root, pathname);
    const send = (status: number, path: string) => {
      res.writeHead(status, { 'Content-Type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': statSync(path).size, 'Cache-Control': 'no-cache' });
      if (req.method === 'HEAD') res.end();
      else createReadStream(path).pipe(res);
    };
    if (file) return send(200, file);
    const notFound = resolveInside(root, '/404.html');
    if (notFound) return send(404, notFound);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolvePromise({
        url: `http://${options.host ?? '127.0.0.1'}:${port}/`,
        server,
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}
