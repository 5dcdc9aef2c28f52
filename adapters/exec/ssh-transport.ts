import { readFile } from 'node:fs/promises';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { ExecError } from '../../core/errors/exec-error.js';
import { unfinishedOutcome } from '../../core/exec/linux-batch.js';
import type { HostSession, HostTarget, StepOutcome, StepRequest, Transport } from '../../core/exec/step.js';
import { runLinuxBatch, type RunnerEnd, type RunnerProcess } from './run-linux-batch.js';

export interface SshTransportOptions {
  /** Per step and per stream; default 1 MiB (core/exec/linux-batch.ts). */
  maxOutputBytes?: number;
  /** SSH keepalives, so a silently dead link is noticed while a long step runs; default 10 s. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the link counts as lost; default 3. */
  keepaliveCountMax?: number;
  /** Extra time a batch may take beyond its steps' timeouts before the channel is closed; default 15 s. */
  watchdogMarginMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;

/** Host-key algorithms that can present a pinned key of each type (the rest of ssh2's defaults stay). */
const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Runs Linux steps over SSH with ssh2: one connection per host session, reused for every `run`, and
 * one exec channel per `run` carrying the whole batch (core/exec/linux-batch.ts).
 *
 * Safety: the host key is pinned (HostTarget.hostKey; the raw key blob and its type must match, else
 * EXEC_HOST_KEY_MISMATCH before anything is sent); only the credential's own methods are tried
 * (publickey, then password; never `none`, an agent or keyboard-interactive); errors never carry key
 * or password material.
 *
 * @example
 * const transport = new SshTransport();
 * const session = await transport.open({ site: 'clinic-a', hostId: 'ehr-db-01', transport: 'ssh', platform: 'linux', address: '10.0.0.5', hostKey: 'ssh-ed25519 AAAA…', credential, connectTimeoutMs: 10_000 });
 * const outcomes = await session.run(steps);
 * await session.close();
 */
export class SshTransport implements Transport {
  readonly #options: SshTransportOptions;
  readonly #sessions = new Set<SshSession>();

  constructor(options: SshTransportOptions = {}) {
    this.#options = options;
  }

  async open(target: HostTarget): Promise<HostSession> {
    const label = `${target.site}/${target.hostId}`;
    if (target.transport !== 'ssh') {
      throw new ExecError('EXEC_TRANSPORT_UNAVAILABLE', `${label}: the ssh transport cannot serve transport ${target.transport}`, { hint: 'Use the transport the site file names for this host.' });
    }
    if (target.platform !== 'linux') {
      throw new ExecError('EXEC_PLATFORM_MISMATCH', `${label}: the ssh transport runs Linux steps, the host is ${target.platform}`, { hint: 'Use transport powershell-ssh or winrm for Windows hosts in the site file.' });
    }
    const pin = parsePinnedKey(target.hostKey, label);
    if (!target.address) {
      throw new ExecError('EXEC_CONNECT_FAILED', `${label}: no address in the site file`, { hint: 'Add the host\'s address to the site file.' });
    }
    const credential = target.credential;
    if (!credential) {
      throw new ExecError('EXEC_CREDENTIAL_MISSING', `${label}: no credential for the host`, { hint: 'Name a credential for the host in the site file and add it to the agent config.' });
    }
    const privateKey = credential.privateKeyPath ? await readSecret(credential.privateKeyPath, 'private key', credential.name) : undefined;
    const password = credential.passwordPath ? firstLine(await readSecret(credential.passwordPath, 'password', credential.name)) : undefined;
    if (!privateKey && password === undefined) {
      throw new ExecError('EXEC_CREDENTIAL_MISSING', `credential ${credential.name} has neither a private key nor a password file`, { hint: 'Set privateKeyPath or passwordPath for it in the agent config.' });
    }

    const client = new Client();
    let hostKeyRejected = false;
    const config: ConnectConfig = {
      host: target.address,
      port: target.port ?? 22,
      username: credential.username,
      // ssh2 reads 0 as "no limit"; a host that never answers must not hold a cycle forever.
      readyTimeout: target.connectTimeoutMs > 0 ? target.connectTimeoutMs : DEFAULT_CONNECT_TIMEOUT_MS,
      keepaliveInterval: this.#options.keepaliveIntervalMs ?? 10_000,
      keepaliveCountMax: this.#options.keepaliveCountMax ?? 3,
      tryKeyboard: false,
      // Only the credential's own methods: ssh2 would otherwise try `none` first.
      authHandler: [...(privateKey ? (['publickey'] as const) : []), ...(password !== undefined ? (['password'] as const) : [])],
      // Only algorithms that present a key of the pinned type, so a server holding several host keys
      // shows the pinned one; everything else keeps ssh2's defaults.
      algorithms: { serverHostKey: pin.algorithms as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] },
      hostVerifier: (key: Buffer) => {
        const ok = key.equals(pin.blob) && blobType(key) === pin.type;
        if (!ok) hostKeyRejected = true;
        return ok;
      },
      ...(privateKey ? { privateKey } : {}),
      ...(password !== undefined ? { password } : {}),
    };

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: ExecError) => {
        if (settled) return;
        settled = true;
        client.removeListener('ready', onReady);
        if (error) {
          client.removeAllListeners('error');
          client.on('error', () => {});
          client.end();
          reject(error);
        } else {
          resolve();
        }
      };
      const onReady = () => settle();
      client.once('ready', onReady);
      client.on('error', (err: Error & { level?: string; code?: string }) => settle(connectError(err, label, target, hostKeyRejected)));
      client.once('close', () => settle(hostKeyRejected ? mismatch(label) : new ExecError('EXEC_CONNECT_FAILED', `${label}: the host closed the connection before login`, { hint: 'Check the host\'s SSH service and its logs.', recovery: 'backoff' })));
      try {
        client.connect(config);
      } catch {
        // ssh2 throws synchronously for a key it cannot parse (encrypted, unknown format).
        settle(new ExecError('EXEC_CREDENTIAL_MISSING', `credential ${credential.name}: the private key cannot be used (unparsable or passphrase-protected)`, { hint: 'Store an unencrypted OpenSSH or PEM private key (mode 0600) for this credential.' }));
      }
    });

    const session = new SshSession(client, label, credential.sudo === true, this.#options, () => this.#sessions.delete(session));
    this.#sessions.add(session);
    return session;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#sessions].map((s) => s.close()));
  }
}

class SshSession implements HostSession {
  readonly #client: Client;
  readonly #label: string;
  readonly #sudo: boolean;
  readonly #options: SshTransportOptions;
  readonly #closed: Promise<void>;
  #lost = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(client: Client, label: string, sudo: boolean, options: SshTransportOptions, onClose: () => void) {
    this.#client = client;
    this.#label = label;
    this.#sudo = sudo;
    this.#options = options;
    // After login an error only means the link is going away; `close` follows.
    client.on('error', () => {});
    this.#closed = new Promise((resolve) => {
      client.once('close', () => {
        this.#lost = true;
        onClose();
        resolve();
      });
    });
  }

  run(steps: readonly StepRequest[]): Promise<StepOutcome[]> {
    // One batch at a time per connection, in call order.
    const result = this.#queue.then(() => this.#runNow(steps));
    this.#queue = result.catch(() => {});
    return result;
  }

  async #runNow(steps: readonly StepRequest[]): Promise<StepOutcome[]> {
    if (this.#lost) {
      return steps.map((s) => unfinishedOutcome(s, 'transport-error', 'EXEC_CONNECTION_LOST', `${this.#label}: the connection was closed earlier; open a new session`));
    }
    const options = {
      sudo: this.#sudo,
      ...(this.#options.maxOutputBytes === undefined ? {} : { maxOutputBytes: this.#options.maxOutputBytes }),
      ...(this.#options.watchdogMarginMs === undefined ? {} : { watchdogMarginMs: this.#options.watchdogMarginMs }),
    };
    return runLinuxBatch(steps, (command) => this.#exec(command), options);
  }

  #exec(command: string): Promise<RunnerProcess> {
    return new Promise((resolve, reject) => {
      this.#client.exec(command, (err: Error | undefined, channel: ClientChannel) => {
        if (err) {
          reject(new ExecError('EXEC_CONNECTION_LOST', `${this.#label}: could not open an exec channel`, { hint: 'The connection broke or the host refused a session; it is retried next cycle.', recovery: 'retry' }));
          return;
        }
        const end: RunnerEnd = { exited: false, code: null, signal: null };
        channel.on('exit', (code: number | null, signal?: string) => {
          end.exited = true;
          end.code = code ?? null;
          end.signal = signal ?? null;
        });
        const ended = new Promise<RunnerEnd>((done) => channel.once('close', () => done(end)));
        resolve({
          stdin: channel,
          stdout: channel,
          stderr: channel.stderr,
          ended,
          abort: () => {
            try {
              channel.signal('KILL');
            } catch {
              // The channel may already be gone.
            }
            channel.close();
          },
        });
      });
    });
  }

  async close(): Promise<void> {
    if (!this.#lost) this.#client.end();
    await this.#closed;
  }
}

interface PinnedKey {
  type: string;
  blob: Buffer;
  algorithms: string[];
}

function parsePinnedKey(line: string | undefined, label: string): PinnedKey {
  if (!line?.trim()) {
    throw new ExecError('EXEC_HOST_KEY_MISSING', `${label}: no host_key is pinned for this host`, { hint: 'Add the host\'s public key line (`ssh-keyscan -t ed25519 <host>`, checked out of band) as host_key in the site file.' });
  }
  const [type, base64] = line.trim().split(/\s+/);
  const blob = base64 && /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? Buffer.from(base64, 'base64') : undefined;
  const algorithms = type ? HOST_KEY_ALGORITHMS[type] : undefined;
  if (!type || !blob || !algorithms || blobType(blob) !== type) {
    throw new ExecError('EXEC_HOST_KEY_MISSING', `${label}: the pinned host_key is not a usable OpenSSH public key line`, {
      hint: `Write host_key as "<type> <base64>" with type one of ${Object.keys(HOST_KEY_ALGORITHMS).join(', ')}.`,
    });
  }
  return { type, blob, algorithms };
}

// The key type named inside an SSH public key blob (RFC 4253 §6.6: string type, then key data).
function blobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length > 64 || blob.length < 4 + length) return undefined;
  return blob.subarray(4, 4 + length).toString('latin1');
}

async function readSecret(path: string, what: string, credentialName: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ExecError('EXEC_CREDENTIAL_MISSING', `credential ${credentialName}: the ${what} file cannot be read (${code})`, {
      hint: `Check that ${path} exists and is readable by the agent (mode 0600).`,
    });
  }
}

function firstLine(bytes: Buffer): string {
  return bytes.toString('utf8').split(/\r?\n/, 1)[0] ?? '';
}

function mismatch(label: string): ExecError {
  return new ExecError('EXEC_HOST_KEY_MISMATCH', `${label}: the host presented a key other than the pinned host_key; nothing was sent`, {
    hint: 'Confirm out of band that the host was rebuilt (not impersonated) before changing host_key in the site file.',
  });
}

function connectError(err: Error & { level?: string; code?: string }, label: string, target: HostTarget, hostKeyRejected: boolean): ExecError {
  const where = `${target.address}:${target.port ?? 22}`;
  if (hostKeyRejected || (err.level === 'handshake' && /host key/i.test(err.message))) return mismatch(label);
  if (err.level === 'client-authentication') {
    return new ExecError('EXEC_AUTH_FAILED', `${label}: ${where} refused the login of ${target.credential?.username ?? 'the user'}`, {
      hint: `Check the user and key of credential ${target.credential?.name ?? ''} in the appliance's credential store and the host's authorized_keys.`,
    });
  }
  if (err.level === 'client-timeout' || err.code === 'ETIMEDOUT') {
    return new ExecError('EXEC_CONNECT_TIMEOUT', `${label}: ${where} did not answer within ${target.connectTimeoutMs} ms`, { hint: 'Check that the host is up and reachable from the appliance.', recovery: 'backoff' });
  }
  if (err.level === 'client-socket' || err.level === 'client-dns') {
    return new ExecError('EXEC_CONNECT_FAILED', `${label}: cannot connect to ${where} (${err.code ?? err.message})`, { hint: 'Check the address and port in the site file and the host\'s SSH service.', recovery: 'backoff' });
  }
  return new ExecError('EXEC_CONNECT_FAILED', `${label}: SSH handshake with ${where} failed (${err.message})`, { hint: 'Check the host\'s SSH server version and settings.', recovery: 'backoff' });
}
