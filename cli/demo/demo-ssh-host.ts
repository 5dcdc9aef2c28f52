import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ensureSshKey, missingSshTools, startLoopbackSshd, type LoopbackSshd } from '../../adapters/sshd/loopback-sshd.js';

/** The unprivileged account the demo's sshd logs in as when writ runs as root (.ci/setup makes it). */
export const ROOT_SSH_USER = 'writ-test';

/** Whether the SSH host can take part, and why not. */
export type SshPlan = { use: true; user: string } | { use: false; reason: string };

/**
 * Decides whether the demo clinic gets its SSH host: not when asked (`--no-ssh`), not without
 * OpenSSH's sshd and ssh-keygen, and, as root, only through the unprivileged `writ-test` account
 * (the demo never lets anything log in as root).
 *
 * @example
 * planSshHost({ skip: false }); // { use: true, user: 'alice' }
 */
export function planSshHost(options: { skip: boolean }): SshPlan {
  if (options.skip) return { use: false, reason: 'skipped as asked (--no-ssh)' };
  const missing = missingSshTools();
  if (missing.length > 0) {
    return { use: false, reason: `OpenSSH is not installed (missing ${missing.join(', ')}); install openssh-server (Debian: apt-get install openssh-server) to add the SSH host` };
  }
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['-u', ROOT_SSH_USER], { stdio: 'ignore' });
    } catch {
      return { use: false, reason: `writ runs as root and the demo logs in over SSH only as the unprivileged account ${ROOT_SSH_USER}, which does not exist (bash .ci/setup creates it), or run the demo as an ordinary user` };
    }
    return { use: true, user: ROOT_SSH_USER };
  }
  return { use: true, user: userInfo().username };
}

export interface DemoSshHost {
  port: number;
  user: string;
  /** `ssh-ed25519 AAAA…`, pinned in the site file. */
  hostKey: string;
  /** The agent's copy of the client key (mode 0600). */
  clientKey: string;
  createdPrivsepDir: boolean;
  stop(): Promise<void>;
  stopNow(): void;
}

/**
 * Starts the demo's loopback sshd: host and client keys kept in `sshDir` (made once, so the pinned
 * host key stays the same across runs), sshd_config and authorized_keys in a fresh folder under
 * the system temp folder that the login user can read (removed on stop), the last port first.
 *
 * @example
 * const ssh = await startDemoSshHost({ sshDir: layout.ssh, secretsDir: layout.secrets, user: 'writ-test', preferredPort: 40022 });
 */
export async function startDemoSshHost(options: { sshDir: string; secretsDir: string; user: string; preferredPort?: number }): Promise<DemoSshHost> {
  mkdirSync(options.sshDir, { recursive: true, mode: 0o700 });
  mkdirSync(options.secretsDir, { recursive: true, mode: 0o700 });
  const hostKeyPath = join(options.sshDir, 'host_ed25519');
  const hostKey = ensureSshKey(hostKeyPath, 'writ-demo-host');
  ensureSshKey(join(options.sshDir, 'client_ed25519'), 'writ-demo-agent');
  const clientKey = join(options.secretsDir, 'ssh-client.key');
  copyFileSync(join(options.sshDir, 'client_ed25519'), clientKey);
  chmodSync(clientKey, 0o600);

  // sshd reads authorized_keys as the login user, who may not reach the state folder.
  const runDir = mkdtempSync(join(tmpdir(), 'writ-demo-sshd-'));
  chmodSync(runDir, 0o755);
  const authorizedKeys = join(runDir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(join(options.sshDir, 'client_ed25519.pub')), { mode: 0o644 });
  let sshd: LoopbackSshd;
  try {
    sshd = await startLoopbackSshd({
      runDir, hostKeyPath, authorizedKeysPath: authorizedKeys, user: options.user,
      ...(options.preferredPort !== undefined ? { preferredPort: options.preferredPort } : {}),
    });
  } catch (e) {
    rmSync(runDir, { recursive: true, force: true });
    throw e;
  }
  // The temp folder goes on any exit Node sees, like sshd itself (startLoopbackSshd).
  const removeRunDir = () => rmSync(runDir, { recursive: true, force: true });
  process.once('exit', removeRunDir);
  return {
    port: sshd.port, user: options.user, hostKey, clientKey, createdPrivsepDir: sshd.createdPrivsepDir,
    async stop() {
      await sshd.stop();
      process.off('exit', removeRunDir);
      removeRunDir();
    },
    stopNow() {
      sshd.stopNow();
      process.off('exit', removeRunDir);
      removeRunDir();
    },
  };
}
