import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { PowerShell } from 'node-powershell';
import { ExecError } from '../../core/errors/exec-error.js';
import { unfinishedOutcome } from '../../core/exec/linux-batch.js';
import {
  buildCloseSession,
  buildLoadPrelude,
  buildSshOpen,
  buildStepInvocation,
  buildWinRmOpen,
  classifyPowerShellOpenFailure,
  outcomeFromPowerShellFrame,
  pinnedKnownHosts,
  powershellPrelude,
  powershellStepTimeoutMs,
  POWERSHELL_STOP_GRACE_MS,
  readPowerShellResult,
  refusePowerShellSteps,
  type PowerShellOpenFrame,
} from '../../core/exec/powershell-invocation.js';
import type { HostSession, HostTarget, StepOutcome, StepRequest, Transport } from '../../core/exec/step.js';

export interface PowerShellTransportOptions {
  /** The pwsh executable; default `pwsh` on PATH, else /opt/writ/tools/pwsh (see defaultPwshPath). */
  pwshPath?: string;
  /** Per step and per stream, in UTF-16 code units; default 1 Mi (core/exec/powershell-invocation.ts). */
  maxOutputChars?: number;
  /** Extra time a step may take beyond its timeout and stop grace before pwsh counts as hung and is killed; default 30 s. */
  watchdogMarginMs?: number;
  /** How long pwsh may take to start and load the prelude; default 60 s. */
  startTimeoutMs?: number;
}

/** Where .ci/setup installs PowerShell (a dotnet tool) when the machine has none on PATH. */
const TOOL_PWSH = '/opt/writ/tools/pwsh';
const DEFAULT_WINRM_PORT = 5986;
const DEFAULT_SSH_PORT = 22;

/**
 * pwsh on PATH, else /opt/writ/tools/pwsh, else undefined.
 *
 * @example
 * defaultPwshPath(); // → '/usr/bin/pwsh'
 */
export function defaultPwshPath(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'pwsh'))) return join(dir, 'pwsh');
  }
  return isExecutable(TOOL_PWSH) ? TOOL_PWSH : undefined;
}

/**
 * Runs Windows steps through PowerShell remoting, for hosts with transport `powershell-ssh` (PSSession
 * over OpenSSH) or `winrm` (PSSession over WinRM HTTPS).
 *
 * One long-lived pwsh (node-powershell, `-NoProfile -NonInteractive`) holds every host's PSSession.
 * It is one runspace, so every command to it is serialized: while one host's step runs, the other
 * Windows hosts of this transport wait. Concurrency across Windows hosts is therefore 1 per transport
 * instance; an agent that needs more creates more instances (one pwsh each). node-powershell lets the
 * NODE_POWERSHELL environment variable override the pwsh path.
 *
 * What travels (core/exec/powershell-invocation.ts): fixed PowerShell text plus base64 literals and
 * writ-generated digits; scripts and parameter values reach the host as remoting arguments and are
 * bound by the script's param() block, never parsed as code.
 *
 * Safety: powershell-ssh trusts only the pinned host_key (a private known_hosts file holding just that
 * key, StrictHostKeyChecking=yes, BatchMode=yes): an unknown or changed key is refused before login
 * (EXEC_HOST_KEY_MISMATCH), no pin is EXEC_HOST_KEY_MISSING. winrm first checks from Node that the
 * host's HTTPS certificate has the pinned SHA-256 (EXEC_TLS_PIN_MISMATCH, nothing sent), then lets
 * pwsh open the session; pwsh's WSMan client also validates the certificate chain itself, so the
 * certificate must be trusted by the appliance as well. pwsh on Linux ships without a WSMan client:
 * winrm then fails with EXEC_TRANSPORT_UNAVAILABLE.
 *
 * When pwsh dies or hangs past a step's deadline, in-flight steps get EXEC_CONNECTION_LOST and the next
 * open or run starts a new pwsh (sessions reopen on their next run).
 *
 * @example
 * const transport = new PowerShellTransport();
 * const session = await transport.open({ site: 'clinic-a', hostId: 'fd-01', transport: 'powershell-ssh', platform: 'windows', address: '10.0.0.7', hostKey: 'ssh-ed25519 AAAA…', credential, connectTimeoutMs: 10_000 });
 * const outcomes = await session.run(steps);
 * await session.close();
 * await transport.close();
 */
export class PowerShellTransport implements Transport {
  readonly #options: PowerShellTransportOptions;
  readonly #sessions = new Set<PowerShellSession>();
  #shell: ShellHandle | undefined;
  #generation = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #dir: Promise<string> | undefined;
  #files = 0;
  #closed = false;

  constructor(options: PowerShellTransportOptions = {}) {
    this.#options = options;
  }

  async open(target: HostTarget): Promise<HostSession> {
    const label = `${target.site}/${target.hostId}`;
    if (this.#closed) throw new ExecError('EXEC_TRANSPORT_UNAVAILABLE', `${label}: the PowerShell transport was closed`, { hint: 'Create a new transport.' });
    if (target.transport !== 'powershell-ssh' && target.transport !== 'winrm') {
      throw new ExecError('EXEC_TRANSPORT_UNAVAILABLE', `${label}: the PowerShell transport cannot serve transport ${target.transport}`, { hint: 'Use the transport the site file names for this host.' });
    }
    if (target.platform !== 'windows') {
      throw new ExecError('EXEC_PLATFORM_MISMATCH', `${label}: the PowerShell transport runs Windows steps, the host is ${target.platform}`, { hint: 'Use transport ssh for Linux hosts in the site file.' });
    }
    const opened = await this.#openRemote(target, label);
    const session = new PowerShellSession(label, opened, {
      invoke: (command, deadlineMs) => this.#invoke(command, deadlineMs),
      reopen: () => this.#openRemote(target, label),
      current: (o) => this.#shell?.alive === true && this.#shell.generation === o.generation,
      maxOutputChars: this.#options.maxOutputChars,
      watchdogMarginMs: this.#options.watchdogMarginMs ?? 30_000,
      forget: (s) => this.#sessions.delete(s),
    });
    this.#sessions.add(session);
    return session;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#sessions].map((s) => s.close()));
    const shell = this.#shell;
    this.#shell = undefined;
    if (shell) await this.#enqueue(() => disposeShell(shell, 'SIGTERM'));
    const dir = this.#dir;
    this.#dir = undefined;
    const path = await dir?.catch(() => undefined);
    if (path) await rm(path, { recursive: true, force: true }).catch(() => {});
  }

  async #openRemote(target: HostTarget, label: string): Promise<OpenedSession> {
    const credential = target.credential;
    if (!credential) {
      throw new ExecError('EXEC_CREDENTIAL_MISSING', `${label}: no credential for the host`, { hint: 'Name a credential for the host in the site file and add it to the agent config.' });
    }
    if (!target.address) throw new ExecError('EXEC_CONNECT_FAILED', `${label}: no address in the site file`, { hint: 'Add the host\'s address to the site file.' });

    if (target.transport === 'winrm') {
      const pin = normalizePin(target.tlsCertSha256, label);
      if (!credential.passwordPath) {
        throw new ExecError('EXEC_CREDENTIAL_MISSING', `credential ${credential.name} has no password file (WinRM logs in with a password)`, { hint: 'Set passwordPath for it in the agent config.' });
      }
      await readable(credential.passwordPath, 'password', credential.name);
      const port = target.port ?? DEFAULT_WINRM_PORT;
      // Node checks the pin before pwsh sends anything: a mismatch ends here.
      await checkTlsPin(target.address, port, pin, target.connectTimeoutMs, label);
      const command = buildWinRmOpen({ computerName: target.address, port, userName: credential.username, passwordFile: credential.passwordPath });
      return this.#openWith(command, target, label, 'winrm');
    }

    const knownHosts = pinnedKnownHosts(target.hostKey, label);
    if (!credential.privateKeyPath) {
      throw new ExecError('EXEC_CREDENTIAL_MISSING', `credential ${credential.name} has no private key (powershell-ssh logs in with a key)`, { hint: 'Set privateKeyPath for it in the agent config.' });
    }
    await readable(credential.privateKeyPath, 'private key', credential.name);
    const dir = await this.#privateDir();
    const knownHostsFile = join(dir, `known_hosts-${++this.#files}`);
    const command = buildSshOpen({
      hostName: target.address,
      port: target.port ?? DEFAULT_SSH_PORT,
      userName: credential.username,
      keyFilePath: credential.privateKeyPath,
      knownHostsFile,
      connectTimeoutMs: target.connectTimeoutMs,
    });
    await writeFile(knownHostsFile, knownHosts, { mode: 0o600 });
    try {
      return { ...(await this.#openWith(command, target, label, 'powershell-ssh')), knownHostsFile };
    } catch (e) {
      await rm(knownHostsFile, { force: true });
      throw e;
    }
  }

  async #openWith(command: string, target: HostTarget, label: string, transport: 'powershell-ssh' | 'winrm'): Promise<OpenedSession> {
    const started = performance.now();
    let result: Invocation;
    try {
      result = await this.#invoke(command, target.connectTimeoutMs + 30_000);
    } catch (e) {
      if (e instanceof ExecError) throw e;
      throw new ExecError('EXEC_CONNECTION_LOST', `${label}: pwsh stopped while opening the session`, { hint: 'It is restarted on the next attempt; look at the agent log if this repeats.', recovery: 'retry', cause: e });
    }
    const frame = result.payload as PowerShellOpenFrame | undefined;
    if (frame?.ok === true && typeof frame.sessionId === 'number') return { sessionId: frame.sessionId, generation: result.generation };
    if (!frame) {
      throw new ExecError('EXEC_RUNNER_FAILED', `${label}: pwsh printed no result for the session open`, { hint: 'Check the appliance\'s pwsh (PowerShell 7.3 or newer).', data: { stderr: result.stderr.slice(0, 2000) } });
    }
    // pwsh passes what ssh prints about a failed connection through to its console (stdout here).
    const sshOutput = `${result.stdout.replace(/^.*WRIT-RESULT .*$/gm, '')}\n${result.stderr}`;
    throw classifyPowerShellOpenFailure(frame, sshOutput, performance.now() - started, target.connectTimeoutMs, label, transport);
  }

  /** Runs one command in pwsh, after every command queued before it. */
  #invoke(command: string, deadlineMs: number): Promise<Invocation> {
    return this.#enqueue(async () => {
      const shell = await this.#ensureShell();
      return runOnShell(shell, command, deadlineMs);
    });
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task);
    this.#queue = result.catch(() => {});
    return result;
  }

  async #ensureShell(): Promise<ShellHandle> {
    if (this.#shell?.alive) return this.#shell;
    if (this.#closed) throw new ExecError('EXEC_TRANSPORT_UNAVAILABLE', 'the PowerShell transport was closed', { hint: 'Create a new transport.' });
    const executable = this.#options.pwshPath ?? defaultPwshPath();
    if (!executable || !isExecutable(executable)) {
      throw new ExecError('EXEC_TRANSPORT_UNAVAILABLE', `PowerShell 7 (pwsh) is not available${executable ? ` at ${executable}` : ' on PATH or at ' + TOOL_PWSH}`, {
        hint: 'Install PowerShell 7.3 or newer on the appliance (bash .ci/setup installs it as a dotnet tool into /opt/writ/tools), or set the pwsh path in the agent config.',
      });
    }
    const dir = await this.#privateDir();
    const preludeFile = join(dir, 'writ-prelude.ps1');
    await writeFile(preludeFile, powershellPrelude(), { mode: 0o600 });
    const shell = startShell(executable, ++this.#generation);
    this.#shell = shell;
    const loaded = await runOnShell(shell, buildLoadPrelude(preludeFile, shell.tag), this.#options.startTimeoutMs ?? 60_000).catch((e: unknown) => e as Error);
    if (loaded instanceof Error || loaded.payload?.['ready'] !== true) {
      await disposeShell(shell, 'SIGKILL');
      const stderr = loaded instanceof Error ? loaded.message : loaded.stderr;
      throw new ExecError('EXEC_TRANSPORT_UNAVAILABLE', `pwsh at ${executable} did not start: ${stderr.trim().slice(0, 500) || 'no output'}`, {
        hint: 'Run it by hand (`pwsh -NoProfile -Command $PSVersionTable`) to see why; writ needs PowerShell 7.3 or newer.',
        recovery: 'retry',
      });
    }
    return shell;
  }

  #privateDir(): Promise<string> {
    // mkdtemp creates the directory with mode 0700: known_hosts files and the prelude stay private.
    this.#dir ??= mkdtemp(join(tmpdir(), 'writ-pwsh-'));
    return this.#dir;
  }
}

/** A PSSession in a given pwsh generation (a restarted pwsh holds none of the old sessions). */
interface OpenedSession {
  sessionId: number;
  generation: number;
  knownHostsFile?: string;
}

interface Invocation {
  payload: Record<string, unknown> | undefined;
  stdout: string;
  stderr: string;
  generation: number;
}

interface SessionHooks {
  invoke(command: string, deadlineMs: number): Promise<Invocation>;
  reopen(): Promise<OpenedSession>;
  current(opened: OpenedSession): boolean;
  maxOutputChars: number | undefined;
  watchdogMarginMs: number;
  forget(session: PowerShellSession): void;
}

class PowerShellSession implements HostSession {
  readonly #label: string;
  readonly #hooks: SessionHooks;
  #opened: OpenedSession;
  #broken = false;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(label: string, opened: OpenedSession, hooks: SessionHooks) {
    this.#label = label;
    this.#opened = opened;
    this.#hooks = hooks;
  }

  run(steps: readonly StepRequest[]): Promise<StepOutcome[]> {
    const result = this.#queue.then(() => this.#runNow(steps));
    this.#queue = result.catch(() => {});
    return result;
  }

  async #runNow(steps: readonly StepRequest[]): Promise<StepOutcome[]> {
    if (this.#closed) return steps.map((s) => unfinishedOutcome(s, 'transport-error', 'EXEC_CONNECTION_LOST', `${this.#label}: the session was closed`));
    const refused = refusePowerShellSteps(steps);
    if (refused) return refused;
    if (steps.length === 0) return [];
    // A broken session, or one that lived in a pwsh that has since died, is opened again.
    if (this.#broken || !this.#hooks.current(this.#opened)) {
      try {
        const previous = this.#opened.knownHostsFile;
        this.#opened = await this.#hooks.reopen();
        this.#broken = false;
        if (previous) await rm(previous, { force: true });
      } catch (e) {
        const code = e instanceof ExecError ? e.code : 'EXEC_CONNECTION_LOST';
        const message = e instanceof Error ? e.message : String(e);
        return steps.map((s) => unfinishedOutcome(s, 'transport-error', code, `${this.#label}: the session could not be opened again: ${message}`));
      }
    }
    const outcomes: StepOutcome[] = [];
    let lostAt: string | undefined;
    for (const step of steps) {
      if (lostAt !== undefined) {
        outcomes.push(unfinishedOutcome(step, 'transport-error', 'EXEC_CONNECTION_LOST', `${this.#label}: not run: the session broke during step ${lostAt}`));
        continue;
      }
      const outcome = await this.#runStep(step);
      outcomes.push(outcome);
      if (this.#broken) lostAt = step.key;
    }
    return outcomes;
  }

  async #runStep(step: StepRequest): Promise<StepOutcome> {
    const options = this.#hooks.maxOutputChars === undefined ? {} : { maxOutputChars: this.#hooks.maxOutputChars };
    const command = buildStepInvocation(this.#opened.sessionId, step, options);
    const deadlineMs = powershellStepTimeoutMs(step.timeoutMs) + POWERSHELL_STOP_GRACE_MS + this.#hooks.watchdogMarginMs;
    let result: Invocation;
    try {
      result = await this.#hooks.invoke(command, deadlineMs);
    } catch (e) {
      this.#broken = true;
      if (e instanceof ExecError) return unfinishedOutcome(step, 'transport-error', e.code, `${this.#label}: ${e.message}`);
      return unfinishedOutcome(step, 'transport-error', 'EXEC_CONNECTION_LOST', `${this.#label}: ${step.runbookId} ${step.step}: ${(e as Error).message}`);
    }
    if (!result.payload || result.payload['lost'] === true) this.#broken = true;
    return outcomeFromPowerShellFrame(step, result.payload);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#hooks.forget(this);
    if (!this.#broken && this.#hooks.current(this.#opened)) {
      await this.#hooks.invoke(buildCloseSession(this.#opened.sessionId), 30_000).catch(() => undefined);
    }
    if (this.#opened.knownHostsFile) await rm(this.#opened.knownHostsFile, { force: true });
  }
}

/** pwsh died or hung; its sessions are gone. */
class PwshLostError extends Error {}

interface ShellHandle {
  ps: PowerShell;
  generation: number;
  alive: boolean;
  /** Marks this pwsh's result lines (core/exec/powershell-invocation.ts). */
  tag: string;
}

function startShell(executable: string, generation: number): ShellHandle {
  const ps = new PowerShell({
    executable,
    executableOptions: { '-NoProfile': true, '-NonInteractive': true },
    throwOnInvocationError: false,
    spawnOptions: { env: { ...process.env, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' } },
  });
  const shell: ShellHandle = { ps, generation, alive: true, tag: randomBytes(16).toString('hex') };
  ps.streams.stdout.once('close', () => {
    shell.alive = false;
  });
  // node-powershell keeps the process's exit as a private promise that rejects on an unclean exit; it
  // is awaited only during an invocation, so one that dies while idle must not become an unhandled rejection.
  (ps as unknown as { exitPromise?: Promise<unknown> }).exitPromise?.catch(() => {});
  return shell;
}

async function runOnShell(shell: ShellHandle, command: string, deadlineMs: number): Promise<Invocation> {
  if (!shell.alive) throw new PwshLostError('pwsh is not running');
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PwshLostError(`pwsh did not answer within ${Math.round(deadlineMs / 1000)} s and was killed`)), deadlineMs);
  });
  try {
    const record = await Promise.race([shell.ps.invoke(command), watchdog]);
    // node-powershell leaves stdout unset when the process ended during the invocation.
    if (record.stdout === undefined) throw new PwshLostError('pwsh exited');
    const stdout = record.stdout?.toString('utf8') ?? '';
    const stderr = record.stderr?.toString('utf8') ?? '';
    const payload = readPowerShellResult(stdout, shell.tag);
    if (!payload && !shell.alive) throw new PwshLostError('pwsh exited');
    return { payload, stdout, stderr, generation: shell.generation };
  } catch (e) {
    // A watchdog expiry or a dead process: this pwsh is done for; the next command starts another.
    await disposeShell(shell, 'SIGKILL');
    throw e instanceof PwshLostError ? e : new PwshLostError(`pwsh stopped: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

async function disposeShell(shell: ShellHandle, signal: NodeJS.Signals): Promise<void> {
  shell.alive = false;
  await shell.ps.dispose(signal).catch(() => {});
}

function normalizePin(pin: string | undefined, label: string): string {
  if (!pin?.trim()) {
    throw new ExecError('EXEC_TLS_PIN_MISSING', `${label}: no tls_cert_sha256 is pinned for this WinRM host; nothing was sent`, {
      hint: 'Add the SHA-256 fingerprint of the host\'s WinRM HTTPS certificate (checked out of band) as tls_cert_sha256 in the site file.',
    });
  }
  const hex = pin.trim().replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new ExecError('EXEC_TLS_PIN_MISSING', `${label}: tls_cert_sha256 is not a SHA-256 fingerprint`, { hint: 'Write tls_cert_sha256 as 64 hex digits (colons allowed).' });
  }
  return hex;
}

/**
 * Connects with TLS, compares the SHA-256 of the certificate the host presents with the pin, and
 * hangs up without sending any application data.
 */
function checkTlsPin(address: string, port: number, pin: string, timeoutMs: number, label: string): Promise<void> {
  const where = `${address}:${port}`;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const socket = tlsConnect({ host: address, port, rejectUnauthorized: false, ...(isIP(address) ? {} : { servername: address }) });
    const settle = (error?: ExecError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () => settle(new ExecError('EXEC_CONNECT_TIMEOUT', `${label}: ${where} did not complete a TLS handshake within ${timeoutMs} ms`, { hint: 'Check that the host is up and its WinRM HTTPS listener runs.', recovery: 'backoff' })),
      Math.max(1, timeoutMs),
    );
    socket.once('secureConnect', () => {
      const actual = socket.getPeerCertificate()?.fingerprint256?.replace(/:/g, '').toLowerCase();
      if (actual === pin) return settle();
      settle(
        new ExecError('EXEC_TLS_PIN_MISMATCH', `${label}: ${where} presented a certificate other than the pinned tls_cert_sha256; nothing was sent`, {
          hint: 'Confirm out of band that the host\'s WinRM certificate was renewed (not impersonated) before changing tls_cert_sha256 in the site file.',
          data: { presentedSha256: actual ?? null },
        }),
      );
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code === 'ETIMEDOUT' ? 'EXEC_CONNECT_TIMEOUT' : 'EXEC_CONNECT_FAILED';
      settle(new ExecError(code, `${label}: cannot connect to ${where} (${err.code ?? err.message})`, { hint: 'Check the address and port in the site file and the host\'s WinRM HTTPS listener.', recovery: 'backoff' }));
    });
  });
}

async function readable(path: string, what: string, credentialName: string): Promise<void> {
  try {
    await access(path, fsConstants.R_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ExecError('EXEC_CREDENTIAL_MISSING', `credential ${credentialName}: the ${what} file cannot be read (${code})`, { hint: `Check that ${path} exists and is readable by the agent (mode 0600).` });
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
