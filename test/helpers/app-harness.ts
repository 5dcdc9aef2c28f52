import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { configFromEnv, type AppConfig } from '../../app/config-from-env.js';
import { startAppServer, type AppServer } from '../../app/server.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../testkit/github-stand-in.js';

export const SECRET = 'writ-test-webhook-secret-0123456789abcdef';
export const APP_ID = 4242;
export const INSTALLATION = 77;
export const OWNER = 'clinic-msp';
export const REPO = 'policy';

type Payload = Record<string, any>;
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Payload[] }[];

/** A real example payload of GitHub's, adjusted to the test repository, installation and pull request. */
export function pullRequestPayload(action: string, number: number, pr: { base: string; head: string }, installation = INSTALLATION): Payload {
  const p = structuredClone(examples.find((e) => e.name === 'pull_request')!.examples.find((x) => x.action === action && x.installation)!);
  p.number = number;
  p.installation.id = installation;
  p.repository.name = REPO;
  p.repository.full_name = `${OWNER}/${REPO}`;
  p.repository.owner.login = OWNER;
  p.pull_request.number = number;
  p.pull_request.head.sha = pr.head;
  p.pull_request.base.sha = pr.base;
  return p;
}

/** An App key pair: the private key written to `dir/app.pem`, the public key as PEM. */
export function appKey(dir: string): { keyPath: string; publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPath = join(dir, 'app.pem');
  const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  writeFileSync(keyPath, privateKeyPem);
  return { keyPath, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, privateKeyPem };
}

/** Starts a stand-in on `gitDir` for `pulls`. */
export function standIn(gitDir: string, publicKeyPem: string, pulls: Map<number, { base: string; head: string }>): Promise<GitHubStandIn> {
  return startGitHubStandIn({ gitDir, owner: OWNER, repo: REPO, appId: APP_ID, appPublicKeyPem: publicKeyPem, pulls });
}

/** The App configuration the tests use, with extra environment on top. */
export function testConfig(keyPath: string, gh: GitHubStandIn, extra: Record<string, string> = {}): AppConfig {
  return configFromEnv({
    APP_ID: String(APP_ID), PRIVATE_KEY_PATH: keyPath, WEBHOOK_SECRET: SECRET, GHE_HOST: gh.host, GHE_PROTOCOL: 'http',
    WRIT_APP_INSTALLATIONS: String(INSTALLATION), WRIT_APP_REPOSITORIES: `${OWNER}/${REPO}`, WRIT_NOW: '2026-11-28T09:00:00Z', LOG_LEVEL: 'fatal', ...extra,
  });
}

/** A pino logger whose JSON lines land in `lines` (parsed). */
export function capturingLogger(level: string): { log: Logger; lines: Record<string, unknown>[]; raw: string[] } {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { log: pino({ level }, sink), lines, raw };
}

/** Starts the App on loopback. */
export function startApp(config: AppConfig, log?: Logger): Promise<AppServer> {
  return startAppServer(config, { host: '127.0.0.1', port: 0, ...(log ? { log } : {}) });
}

/** Posts one signed delivery and waits until the App has handled everything it accepted. */
export async function deliver(app: AppServer, name: string, payload: Payload, options: { secret?: string | null; id?: string } = {}): Promise<{ status: number; body: any }> {
  const raw = Buffer.from(JSON.stringify(payload));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': name, 'x-github-delivery': options.id ?? randomUUID() };
  const secret = options.secret === undefined ? SECRET : options.secret;
  if (secret !== null) headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  const res = await fetch(app.url, { method: 'POST', headers, body: raw });
  const answer = { status: res.status, body: await res.json() };
  await app.idle();
  return answer;
}
