import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSshKey, startLoopbackSshd, type LoopbackSshd } from '../adapters/sshd/loopback-sshd.js';

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

/**
 * Starts a real OpenSSH sshd on a free loopback port with its own host key and key-only login for
 * TEST_USER. Extra sshd_config lines (for example a `Subsystem powershell …`) may be added.
 */
export async function startSshd(options: { extraConfig?: string[] } = {}): Promise<TestSshd> {
  requireSshTools();
  const dir = mkdtempSync(join(tmpdir(), 'writ-sshd-'));
  chmodSync(dir, 0o755);
  const hostKey = ensureSshKey(join(dir, 'host_ed25519'), 'writ-test-host');
  ensureSshKey(join(dir, 'client_ed25519'), 'writ-test-client');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_ed25519.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  let sshd: LoopbackSshd;
  try {
    sshd = await startLoopbackSshd({
      runDir: dir, hostKeyPath: join(dir, 'host_ed25519'), authorizedKeysPath: join(dir, 'authorized_keys'), user: TEST_USER,
      ...(options.extraConfig ? { extraConfig: options.extraConfig } : {}),
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${hostKey}\n`);
  return {
    port: sshd.port,
    user: TEST_USER,
    clientKey: join(dir, 'client_ed25519'),
    hostKey,
    knownHosts,
    dir,
    async stop() {
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    stopNow() {
      sshd.stopNow();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
