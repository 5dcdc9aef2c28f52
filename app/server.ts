import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Probot } from 'probot';
import type { AppConfig } from './config-from-env.js';
import { writApp } from './handle-pull-request.js';
import { verifyWebhook } from './verify-webhook.js';

/** Delivery ids remembered for replay detection (oldest forgotten first). */
const DELIVERY_MEMORY = 10_000;

/** Paths the webhook is accepted on (Probot's default and the root). */
const WEBHOOK_PATHS = new Set(['/', '/api/github/webhooks']);

export interface AppServer {
  /** `http://host:port/api/github/webhooks` */
  url: string;
  /** Resolves when every accepted delivery has been handled (tests, graceful stop). */
  idle(): Promise<void>;
  /** Stops accepting, waits for deliveries in progress, closes. */
  close(): Promise<void>;
}

/**
 * Starts the App: a node:http server that reads each delivery's raw bytes (capped), verifies the
 * HMAC over them before parsing, answers a repeated delivery id without side effects, drops events
 * from installations or repositories off the allow-list, and only then hands the event to Probot.
 * Binds 127.0.0.1 unless told otherwise. Answers 202 as soon as a delivery is accepted and reviews
 * in the background: GitHub gives up on a delivery after 10 s, and a review with many annotations
 * takes longer (writes are spaced out to respect GitHub's secondary rate limits).
 *
 * @example
 * const server = await startAppServer(configFromEnv(process.env), { host: '127.0.0.1', port: 3000 });
 */
export async function startAppServer(config: AppConfig, listen: { host?: string; port?: number; log?: Probot['log'] } = {}): Promise<AppServer> {
  const probot = new Probot({ appId: config.appId, privateKey: config.privateKey, secret: config.webhookSecret, baseUrl: config.baseUrl, logLevel: config.logLevel, ...(listen.log ? { log: listen.log } : {}) });
  const fixedNow = config.now === undefined ? undefined : new Date(config.now);
  await probot.load(writApp({ now: () => fixedNow ?? new Date() }));
  const log = probot.log;
  const seen = new Map<string, true>();
  const inFlight = new Set<Promise<void>>();
  const idle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  const answer = (res: ServerResponse, status: number, body: Record<string, unknown>) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/healthz') return answer(res, 200, { ok: true });
    if (req.method !== 'POST' || !WEBHOOK_PATHS.has(path)) return answer(res, 404, { error: 'not found' });
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > config.maxBodyBytes) {
      log.warn({ event: 'webhook', reason_code: 'WH_BODY_TOO_LARGE', bytes: declared }, 'refused');
      return answer(res.setHeader('connection', 'close'), 413, { reason_code: 'WH_BODY_TOO_LARGE' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > config.maxBodyBytes) {
        log.warn({ event: 'webhook', reason_code: 'WH_BODY_TOO_LARGE' }, 'refused');
        answer(res.setHeader('connection', 'close'), 413, { reason_code: 'WH_BODY_TOO_LARGE' });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    }
    const raw = Buffer.concat(chunks);
    // STYLE §6: the signature is checked over the exact bytes before anything parses them.
    const verdict = verifyWebhook(raw, req.headers['x-hub-signature-256'], config.webhookSecret);
    if (verdict !== 'ok') {
      log.warn({ event: 'webhook', reason_code: verdict, delivery: req.headers['x-github-delivery'] }, 'refused');
      return answer(res, 401, { reason_code: verdict });
    }
    const id = String(req.headers['x-github-delivery'] ?? '');
    const name = String(req.headers['x-github-event'] ?? '');
    if (id === '' || name === '') return answer(res, 400, { error: 'X-GitHub-Delivery and X-GitHub-Event are required' });
    if (seen.has(id)) {
      log.info({ event: name, reason_code: 'WH_DELIVERY_REPLAYED', delivery: id }, 'already handled');
      return answer(res, 200, { reason_code: 'WH_DELIVERY_REPLAYED' });
    }
    let payload: { installation?: { id?: number }; repository?: { full_name?: string }; action?: string };
    try {
      payload = JSON.parse(raw.toString('utf8')) as typeof payload;
    } catch {
      return answer(res, 400, { error: 'body is not JSON' });
    }
    const installation = payload.installation?.id;
    const repository = payload.repository?.full_name?.toLowerCase();
    if (installation === undefined || !config.installations.has(installation) || (config.repositories.size > 0 && (repository === undefined || !config.repositories.has(repository)))) {
      log.warn({ event: name, reason_code: 'WH_INSTALLATION_NOT_ALLOWED', delivery: id, installation, repository }, 'not on the allow-list');
      return answer(res, 202, { reason_code: 'WH_INSTALLATION_NOT_ALLOWED' });
    }
    seen.set(id, true);
    if (seen.size > DELIVERY_MEMORY) seen.delete(seen.keys().next().value!);
    const work: Promise<void> = probot.receive({ id, name, payload } as Parameters<Probot['receive']>[0])
      .catch((e: unknown) => {
        // A failed delivery may be redelivered by GitHub under the same id: let it through then.
        seen.delete(id);
        log.error({ event: name, reason_code: 'WH_REVIEW_FAILED', delivery: id, err: e }, 'delivery failed');
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
    return answer(res, 202, { accepted: true, delivery: id });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log.error({ event: 'webhook', reason_code: 'WH_REVIEW_FAILED', err: e }, 'internal error');
      if (!res.headersSent) answer(res, 500, { reason_code: 'WH_REVIEW_FAILED' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 3000, listen.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}/api/github/webhooks`,
    idle,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await idle();
      server.closeAllConnections();
      await closed;
    },
  };
}
