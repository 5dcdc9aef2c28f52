import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real OpenSSH sshd on a loopback port for benchmarks (the bench copy of test/helpers/sshd.ts:
 * tsconfig builds bench/ but not test/). Key-only login as BENCH_SSH_USER, its own host key.
 */

/** The unprivileged account benchmarks log in as (created by .ci/setup for the SSH tests). */
export const BENCH_SSH_USER = 'writ-test';

export interface LoopbackSshd {
  port: number;
  user: string;
  /** Private key that logs in as `user`. */
  clientKey: string;
  /** The server's host public key line ("ssh-ed25519 AAAA…"), for pinning. */
  hostKey: string;
  /** known_hosts file pinning the host key for [127.0.0.1]:port. */
  knownHosts: string;
  dir: string;
  /** Stops sshd and removes its folder. */
  stop(): Promise<void>;
  /** The same, synchronously and without waiting (a signal handler). */
  stopNow(): void;
}

/** Throws with what to install when sshd, ssh, ssh-keygen or the login user is missing. */
export function requireLoopbackSshTools(): void {
  const missing: string[] = [];
  for (const bin of ['/usr/sbin/sshd', '/usr/bin/ssh', '/usr/bin/ssh-keygen']) {
    try {
      execFileSync('test', ['-x', bin]);
    } catch {
      missing.push(bin);
    }
  }
  try {
    execFileSync('id', [BENCH_SSH_USER], { stdio: 'ignore' });
  } catch {
    missing.push(`user ${BENCH_SSH_USER}`);
  }
  if (missing.length) throw new Error(`this benchmark needs ${missing.join(', ')}. Run: bash .ci/setup (installs openssh-server and creates ${BENCH_SSH_USER}).`);
}

/**
 * Starts sshd on a free 127.0.0.1 port with a fresh ed25519 host key and client key.
 *
 * @example
 * const sshd = await startLoopbackSshd();
 * try { … ssh -p sshd.port -i sshd.clientKey … } finally { await sshd.stop(); }
 */
export async function startLoopbackSshd(): Promise<LoopbackSshd> {
  requireLoopbackSshTools();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'writ-bench-sshd-'));
  chmodSync(dir, 0o755);
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'writ-bench-host', '-f', join(dir, 'host_ed25519')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'writ-bench-client', '-f', join(dir, 'client_ed25519')]);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_ed25519.pub')));
    chmodSync(join(dir, 'authorized_keys'), 0o644);
    const hostKey = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');

    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      writeFileSync(join(dir, 'sshd_config'), [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_ed25519')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'StrictModes no',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'PermitRootLogin no',
        `AllowUsers ${BENCH_SSH_USER}`,
        'MaxSessions 100',
        // 20 host sessions per sshd arrive at once in the memory run.
        'MaxStartups 100:30:200',
        'LogLevel ERROR',
      ].join('\n') + '\n');
      const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += String(d)));
      try {
        await waitForPort(port, child, 5000);
      } catch (e) {
        child.kill('SIGKILL');
        if (attempt === 4) throw new Error(`${(e as Error).message}: ${stderr}`);
        continue;
      }
      const knownHosts = join(dir, 'known_hosts');
      writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKey}\n`);
      const stopNow = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      };
      return {
        port, user: BENCH_SSH_USER, clientKey: join(dir, 'client_ed25519'), hostKey, knownHosts, dir, stopNow,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            await exited;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    throw new Error('sshd did not start');
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
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
