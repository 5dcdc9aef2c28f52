import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Probot } from 'probot';
import type { Logger } from 'pino';
import { appLogFields } from './app-log.js';
import type { AppConfig } from './config-from-env.js';
import { DELIVERY_ID, openDeliveryMemory } from './delivery-memory.js';
import { writApp } from './handle-pull-request.js';
import { ReviewCache } from './review-cache.js';
import { verifyWebhook } from './verify-webhook.js';

/** Paths the webhook is accepted on (Probot's default and the root). */
const WEBHOOK_PATHS = new Set(['/', '/api/github/webhooks']);

export interface AppServer {
  /** `http://host:port/api/github/webhooks` */
  url: string;
  /** Resolves when every accepted delivery has been handled (tests, graceful stop). */
  idle(): Promise<void>;
  /** Stops accepting, waits for deliveries in progress, closes. */
  close(): Promise<void>;
  /** The blob and tree cache across deliveries (undefined when WRIT_APP_CACHE_MB=0). */
  cache: ReviewCache | undefined;
}

export interface AppServerOptions {
  host?: string;
  port?: number;
  /** A pino logger to write to instead of Probot's own (tests read the lines). */
  log?: Logger;
}

/**
 * Starts the App: a node:http server that reads each delivery's raw bytes (capped), verifies the
 * HMAC over them before parsing, answers a repeated delivery id without side effects, drops events
 * from installations or repositories off the allow-list, and only then hands the event to Probot.
 * Binds 127.0.0.1 unless told otherwise. Answers 202 as soon as a delivery is accepted and reviews
 * in the background: GitHub gives up on a delivery after 10 s, and a review with many annotations
 * takes longer (writes are spaced out to respect GitHub's secondary rate limits). Handled delivery
 * ids survive a restart when WRIT_APP_STATE_DIR is set (app/delivery-memory.ts); blobs and parsed
 * files are reused across deliveries by blob SHA (app/review-cache.ts). Log lines carry the fields
 * of app/app-log.ts.
 *
 * @example
 * const server = await startAppServer(configFromEnv(process.env), { host: '127.0.0.1', port: 3000 });
 */
export async function startAppServer(config: AppConfig, listen: AppServerOptions = {}): Promise<AppServer> {
  const probot = new Probot({ appId: config.appId, privateKey: config.privateKey, secret: config.webhookSecret, baseUrl: config.baseUrl, logLevel: config.logLevel, ...(listen.log ? { log: listen.log } : {}) });
  const fixedNow = config.now === undefined ? undefined : new Date(config.now);
  const cache = config.cacheBytes > 0 ? new ReviewCache({ maxBytes: config.cacheBytes }) : undefined;
  await probot.load(writApp({ now: () => fixedNow ?? new Date(), ...(cache ? { cache } : {}), release: config.release }));
  const log = probot.log;
  const seen = openDeliveryMemory(config.stateDir);
  const inFlight = new Set<Promise<void>>();
  const idle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  const answer = (res: ServerResponse, status: number, body: Record<string, unknown>) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const received = performance.now();
    const header = req.headers['x-github-delivery'];
    // Unsigned input: logged only when it has a delivery id's shape.
    const delivery = typeof header === 'string' && DELIVERY_ID.test(header) ? header : undefined;
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/healthz') return answer(res, 200, { ok: true });
    if (req.method !== 'POST' || !WEBHOOK_PATHS.has(path)) return answer(res, 404, { error: 'not found' });
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > config.maxBodyBytes) {
      log.warn(appLogFields({ event: 'delivery_refused', reason_code: 'WH_BODY_TOO_LARGE', delivery }, { bytes: declared }), 'refused');
      return answer(res.setHeader('connection', 'close'), 413, { reason_code: 'WH_BODY_TOO_LARGE' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > config.maxBodyBytes) {
        log.warn(appLogFields({ event: 'delivery_refused', reason_code: 'WH_BODY_TOO_LARGE', delivery }), 'refused');
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
      log.warn(appLogFields({ event: 'delivery_refused', reason_code: verdict, delivery }), 'refused');
      return answer(res, 401, { reason_code: verdict });
    }
    const name = String(req.headers['x-github-event'] ?? '');
    if (delivery === undefined || !/^[a-z_]{1,64}$/.test(name)) return answer(res, 400, { error: 'X-GitHub-Delivery (a delivery id) and X-GitHub-Event are required' });
    const id = delivery;
    if (seen.has(id)) {
      log.info(appLogFields({ event: 'delivery_replayed', reason_code: 'WH_DELIVERY_REPLAYED', delivery: id, github_event: name }), 'already handled');
      return answer(res, 200, { reason_code: 'WH_DELIVERY_REPLAYED' });
    }
    let payload: { installation?: { id?: number }; repository?: { full_name?: string }; action?: string; pull_request?: { number?: number; head?: { sha?: string } } };
    try {
      payload = JSON.parse(raw.toString('utf8')) as typeof payload;
    } catch {
      return answer(res, 400, { error: 'body is not JSON' });
    }
    const installation = typeof payload.installation?.id === 'number' ? payload.installation.id : undefined;
    const repository = typeof payload.repository?.full_name === 'string' ? payload.repository.full_name.toLowerCase() : undefined;
    const fields = {
      delivery: id, github_event: typeof payload.action === 'string' ? `${name}.${payload.action}` : name, installation, repo: repository,
      pull_request: typeof payload.pull_request?.number === 'number' ? payload.pull_request.number : undefined,
      head_sha: typeof payload.pull_request?.head?.sha === 'string' ? payload.pull_request.head.sha : undefined,
    };
    if (installation === undefined || !config.installations.has(installation) || (config.repositories.size > 0 && (repository === undefined || !config.repositories.has(repository)))) {
      log.warn(appLogFields({ event: 'delivery_not_allowed', reason_code: 'WH_INSTALLATION_NOT_ALLOWED', ...fields }), 'not on the allow-list');
      return answer(res, 202, { reason_code: 'WH_INSTALLATION_NOT_ALLOWED' });
    }
    seen.add(id);
    log.info(appLogFields({ event: 'delivery_accepted', ...fields }), 'accepted');
    const work: Promise<void> = probot.receive({ id, name, payload } as Parameters<Probot['receive']>[0])
      .then(() => {
        try {
          seen.persist(id);
        } catch (e) {
          log.error(appLogFields({ event: 'delivery_handled', reason_code: 'WH_STATE_WRITE_FAILED', ...fields }, { err: e }), 'could not record the delivery id');
        }
        log.info(appLogFields({ event: 'delivery_handled', ...fields, duration_ms: Math.round(performance.now() - received) }), 'handled');
      }, (e: unknown) => {
        // A failed delivery may be redelivered by GitHub under the same id: let it through then.
        seen.delete(id);
        log.error(appLogFields({ event: 'delivery_failed', reason_code: 'WH_REVIEW_FAILED', ...fields, duration_ms: Math.round(performance.now() - received) }, { err: e }), 'delivery failed');
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
    return answer(res, 202, { accepted: true, delivery: id });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log.error(appLogFields({ event: 'delivery_failed', reason_code: 'WH_REVIEW_FAILED' }, { err: e }), 'internal error');
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
    cache,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await idle();
      server.closeAllConnections();
      await closed;
    },
  };
}
