import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The unprivileged account SSH tests log in as (created by .ci/run; root's shell start-up is slow here). */
export const TEST_USER = 'writ-test';

export interface TestSshd {
  port: number;
  user: string;
  /** Private key that logs in as `user`. */
  clientKey: string;
  /** The server's host public key line ("ssh-ed25519 AAAA…"), for pinning. */
  hostKey: string;
  /** known_hosts file pinning the host key for 127.0.0.1:port. */
  knownHosts: string;
  dir: string;
  stop(): Promise<void>;
  /** Stops sshd at once and removes its folder, synchronously (for a signal handler). */
  stopNow(): void;
}

/** Fails with a clear message when the machine lacks what SSH tests need (never skips). */
export function requireSshTools(): void {
  const missing: string[] = [];
  for (const bin of ['/usr/sbin/sshd', '/usr/bin/ssh', '/usr/bin/ssh-keygen']) {
    try {
      execFileSync('test', ['-x', bin]);
    } catch {
      missing.push(bin);
    }
  }
  try {
    execFileSync('id', [TEST_USER], { stdio: 'ignore' });
  } catch {
    missing.push(`user ${TEST_USER}`);
  }
  if (missing.length) {
    throw new Error(`SSH tests need ${missing.join(', ')}. Run: bash .ci/setup (installs openssh-server and creates ${TEST_USER}).`);
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

/**
 * Starts a real OpenSSH sshd on a free loopback port with its own host key and key-only login for
 * TEST_USER. Extra sshd_config lines (for example a `Subsystem powershell …`) may be added.
 */
export async function startSshd(options: { extraConfig?: string[] } = {}): Promise<TestSshd> {
  requireSshTools();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'writ-sshd-'));
  chmodSync(dir, 0o755);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'writ-test-host', '-f', join(dir, 'host_ed25519')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'writ-test-client', '-f', join(dir, 'client_ed25519')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_ed25519.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  const hostKey = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');

  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = [
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
      `AllowUsers ${TEST_USER}`,
      'MaxSessions 100',
      'MaxStartups 100:30:200',
      'LogLevel ERROR',
      'Subsystem sftp internal-sftp',
      ...(options.extraConfig ?? []),
    ].join('\n');
    writeFileSync(join(dir, 'sshd_config'), config + '\n');
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
    return {
      port,
      user: TEST_USER,
      clientKey: join(dir, 'client_ed25519'),
      hostKey,
      knownHosts,
      dir,
      async stop() {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
      stopNow() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error('unreachable');
}
