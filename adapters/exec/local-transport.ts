import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { homedir } from 'node:os';
import { ExecError } from '../../core/errors/exec-error.js';
import type { HostSession, HostTarget, StepOutcome, StepRequest, Transport } from '../../core/exec/step.js';
import { runLinuxBatch, type RunnerEnd, type RunnerProcess } from './run-linux-batch.js';

export interface LocalTransportOptions {
  /** Per step and per stream; default 1 MiB (core/exec/linux-batch.ts). */
  maxOutputBytes?: number;
  /** Extra time a batch may take beyond its steps' timeouts before the runner is stopped; default 15 s. */
  watchdogMarginMs?: number;
  /** The bash to start; default `bash` from a fixed PATH. */
  bashPath?: string;
}

const PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
/** After SIGTERM (the runner then stops its step's process group), SIGKILL this much later. */
const KILL_AFTER_MS = 3_000;

/**
 * Runs Linux steps on the appliance itself (transport `local`): each `run` starts one
 * `bash --norc --noprofile -c <bootstrap>` (child_process.spawn, argument vector, no shell in between) that speaks the
 * same batch protocol as the SSH transport (core/exec/linux-batch.ts), with a minimal environment.
 * `credential.sudo` runs the runner through `sudo -n --`.
 *
 * @example
 * const session = await new LocalTransport().open({ site: 'clinic-a', hostId: 'appliance', transport: 'local', platform: 'linux', connectTimeoutMs: 0 });
 * const outcomes = await session.run(steps);
 */
export class LocalTransport implements Transport {
  readonly #options: LocalTransportOptions;
  readonly #sessions = new Set<LocalSession>();

  constructor(options: LocalTransportOptions = {}) {
    this.#options = options;
  }

  async open(target: HostTarget): Promise<HostSession> {
    const label = `${target.site}/${target.hostId}`;
    if (target.transport !== 'local') {
      throw new ExecError('EXEC_TRANSPORT_UNAVAILABLE', `${label}: the local transport cannot serve transport ${target.transport}`, { hint: 'Use the transport the site file names for this host.' });
    }
    if (target.platform !== 'linux') {
      throw new ExecError('EXEC_PLATFORM_MISMATCH', `${label}: the local transport runs Linux steps only (the appliance is Linux)`, { hint: 'Fix the platform of the appliance host in the site file.' });
    }
    const session = new LocalSession(this.#options, target.credential?.sudo === true, () => this.#sessions.delete(session));
    this.#sessions.add(session);
    return session;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#sessions].map((s) => s.close()));
  }
}

class LocalSession implements HostSession {
  readonly #options: LocalTransportOptions;
  readonly #sudo: boolean;
  readonly #onClose: () => void;
  readonly #running = new Set<ChildProcessWithoutNullStreams>();
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: LocalTransportOptions, sudo: boolean, onClose: () => void) {
    this.#options = options;
    this.#sudo = sudo;
    this.#onClose = onClose;
  }

  run(steps: readonly StepRequest[]): Promise<StepOutcome[]> {
    const result = this.#queue.then(() =>
      runLinuxBatch(steps, (command) => this.#start(command), {
        sudo: this.#sudo,
        ...(this.#options.maxOutputBytes === undefined ? {} : { maxOutputBytes: this.#options.maxOutputBytes }),
        ...(this.#options.watchdogMarginMs === undefined ? {} : { watchdogMarginMs: this.#options.watchdogMarginMs }),
      }),
    );
    this.#queue = result.catch(() => {});
    return result;
  }

  async #start(command: string): Promise<RunnerProcess> {
    if (this.#closed) {
      throw new ExecError('EXEC_RUNNER_FAILED', 'the local session is closed', { hint: 'Open a new session.' });
    }
    // The bootstrap command starts the runner under `env -i`; this only keeps the agent's own
    // environment (tokens, proxies) away from the bootstrap shell.
    const env: NodeJS.ProcessEnv = { PATH, HOME: homedir(), LANG: 'C.UTF-8' };
    // --norc: Node's stdio pipes are socketpairs, and bash sources ~/.bashrc when stdin is a socket.
    const child = spawn(this.#options.bashPath ?? 'bash', ['--norc', '--noprofile', '-c', command], { stdio: ['pipe', 'pipe', 'pipe'], env, cwd: '/' });
    this.#running.add(child);
    const ended = new Promise<RunnerEnd>((resolve) => {
      child.once('error', () => {
        // spawn failed (no bash): no exit code, but the link is local, so it counts as exited.
        resolve({ exited: true, code: null, signal: null });
      });
      child.once('close', (code, signal) => resolve({ exited: true, code, signal }));
    }).finally(() => this.#running.delete(child));
    return { stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, ended, abort: () => stop(child) };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const child of this.#running) stop(child);
    await this.#queue;
    this.#onClose();
  }
}

function stop(child: ChildProcessWithoutNullStreams): void {
  if (child.exitCode !== null || child.signalCode !== null) {
    // The runner is gone, but a process that escaped a step may still hold its output open.
    child.stdout.destroy();
    child.stderr.destroy();
    return;
  }
  // TERM lets the runner kill its step's process group and remove its folder; KILL if it hangs.
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  timer.unref();
  child.once('close', () => clearTimeout(timer));
}
