import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, sep } from 'node:path';

export interface StaticSiteServer {
  port: number;
  /** `http://127.0.0.1:PORT/` */
  url: string;
  stop(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml',
  '.woff2': 'font/woff2', '.webmanifest': 'application/manifest+json', '.pagefind': 'application/octet-stream',
  '.pf_meta': 'application/octet-stream', '.pf_index': 'application/octet-stream', '.pf_fragment': 'application/octet-stream',
  '.wasm': 'application/wasm', '.map': 'application/json',
};

/**
 * Serves a built static site read-only on 127.0.0.1 (a random free port): GET and HEAD only, files
 * under `root` only (no `..`, no symbolic link leading out of it, no hidden files), `index.html` for
 * a folder, a Host header naming this server only (no DNS rebinding), and headers that keep pages
 * from being framed or sniffed. Everything else is 404 (or 405 for other methods).
 *
 * @example
 * const site = await startStaticSiteServer('/demo/site');
 * console.log(site.url); // http://127.0.0.1:41234/
 */
export async function startStaticSiteServer(root: string): Promise<StaticSiteServer> {
  const base = realpathSync(root);
  let port = 0;
  const server = createServer((req, res) => {
    const headers = { 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-cache' };
    const fail = (status: number, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
      res.end(status === 404 ? 'not found\n' : status === 405 ? 'method not allowed\n' : 'bad request\n');
    };
    if (req.headers.host !== `127.0.0.1:${port}` && req.headers.host !== `localhost:${port}`) return fail(421);
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, { Allow: 'GET, HEAD' });
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', `http://127.0.0.1:${port}`).pathname);
    } catch {
      return fail(400);
    }
    const segments = path.split('/').filter(Boolean);
    if (path.includes('\0') || path.includes('\\') || segments.some((s) => s === '..' || s.startsWith('.'))) return fail(404);
    let file = join(base, ...segments);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      file = realpathSync(file);
      if (!file.startsWith(base + sep) || !statSync(file).isFile()) return fail(404);
    } catch {
      return fail(404);
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': String(statSync(file).size) });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
