import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

/** Where Debian's openssh-server and openssh-client put their programs. */
export const SSHD_PATH = '/usr/sbin/sshd';
export const SSH_KEYGEN_PATH = '/usr/bin/ssh-keygen';
/** util-linux's setpriv (Debian: always installed), for PR_SET_PDEATHSIG. */
const SETPRIV_PATH = '/usr/bin/setpriv';
/** sshd's privilege separation folder; it must exist when sshd starts as root. */
const PRIVSEP_DIR = '/run/sshd';

export interface LoopbackSshdOptions {
  /** Folder for sshd_config and the pid file; sshd's user must be able to read it. */
  runDir: string;
  /** Private host key (OpenSSH format, mode 0600). */
  hostKeyPath: string;
  /** authorized_keys file; sshd reads it as `user`, so `user` must be able to reach and read it. */
  authorizedKeysPath: string;
  /** The only account that may log in (key only; never root). */
  user: string;
  /** Port to try first (a port this sshd had before); otherwise a free one is picked. */
  preferredPort?: number;
  /** Extra sshd_config lines (for example a `Subsystem powershell …`). */
  extraConfig?: string[];
  /** How long to wait for sshd to listen; default 5000 ms. */
  startTimeoutMs?: number;
}

export interface LoopbackSshd {
  port: number;
  user: string;
  /** True when this start created /run/sshd (sshd run as root needs it). */
  createdPrivsepDir: boolean;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL at once, synchronously (for a signal handler). */
  stopNow(): void;
}

/**
 * Which of sshd and ssh-keygen are missing (empty when both are installed and executable).
 *
 * @example
 * missingSshTools(); // ['/usr/sbin/sshd'] on a machine without openssh-server
 */
export function missingSshTools(): string[] {
  return [SSHD_PATH, SSH_KEYGEN_PATH].filter((path) => {
    try {
      accessSync(path, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * Makes an Ed25519 key pair with ssh-keygen at `path` (private, mode 0600) and `path.pub`, unless
 * the private key is already there. Returns the public key as `ssh-ed25519 AAAA…` (no comment).
 *
 * @example
 * const hostKey = ensureSshKey('/demo/ssh/host_ed25519', 'writ-demo-host');
 */
export function ensureSshKey(path: string, comment: string): string {
  if (!existsSync(path)) execFileSync(SSH_KEYGEN_PATH, ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  const fields = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/);
  if (fields[0] !== 'ssh-ed25519' || !fields[1]) throw new Error(`${path}.pub is not an ssh-ed25519 public key`);
  return `${fields[0]} ${fields[1]}`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/**
 * Starts a real OpenSSH sshd in the foreground on 127.0.0.1 with its own host key and config:
 * key-only login for one user, no PAM, no root login, errors only in its log. It stops with this
 * process however that ends (an exit hook, and a parent-death signal through setpriv where util-linux
 * has it). As root it logs in
 * `user` like any sshd; as another user it can only log in that same user. Tries
 * `preferredPort` first, then up to five free ports. Throws with sshd's own message when it
 * cannot start.
 *
 * @example
 * const sshd = await startLoopbackSshd({ runDir, hostKeyPath, authorizedKeysPath, user: 'writ-test' });
 * // … connect to 127.0.0.1:sshd.port …
 * await sshd.stop();
 */
export async function startLoopbackSshd(options: LoopbackSshdOptions): Promise<LoopbackSshd> {
  let createdPrivsepDir = false;
  if (process.getuid?.() === 0 && !existsSync(PRIVSEP_DIR)) {
    mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
    createdPrivsepDir = true;
  }
  let lastError = '';
  for (let attempt = 0; attempt < 6; attempt++) {
    const port = attempt === 0 && options.preferredPort !== undefined ? options.preferredPort : await freePort();
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${options.hostKeyPath}`,
      `PidFile ${join(options.runDir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${options.authorizedKeysPath}`,
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin no',
      `AllowUsers ${options.user}`,
      'MaxSessions 100',
      'MaxStartups 100:30:200',
      'LogLevel ERROR',
      'Subsystem sftp internal-sftp',
      ...(options.extraConfig ?? []),
    ].join('\n');
    const configPath = join(options.runDir, 'sshd_config');
    writeFileSync(configPath, config + '\n', { mode: 0o644 });
    const sshdArgs = ['-D', '-e', '-f', configPath];
    // With util-linux's setpriv, the kernel kills sshd when this process dies, SIGKILL included.
    const child = existsSync(SETPRIV_PATH)
      ? spawn(SETPRIV_PATH, ['--pdeathsig', 'KILL', '--', SSHD_PATH, ...sshdArgs], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(SSHD_PATH, sshdArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-4096)));
    child.on('error', (e) => (stderr += e.message));
    try {
      await waitForPort(port, child, options.startTimeoutMs ?? 5000);
    } catch (e) {
      child.kill('SIGKILL');
      lastError = `${(e as Error).message}${stderr ? `: ${stderr.trim()}` : ''}`;
      continue;
    }
    const running = () => child.exitCode === null && child.signalCode === null;
    // sshd would outlive a process that ends without stopping it (an uncaught error, EPIPE on
    // stdout): the exit hook kills it on every exit Node sees; setpriv's death signal covers the rest.
    const onExit = () => {
      if (running()) child.kill('SIGKILL');
    };
    process.once('exit', onExit);
    return {
      port,
      user: options.user,
      createdPrivsepDir,
      async stop() {
        process.off('exit', onExit);
        if (running()) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
      },
      stopNow() {
        process.off('exit', onExit);
        if (running()) child.kill('SIGKILL');
      },
    };
  }
  throw new Error(lastError || 'sshd did not start');
}
