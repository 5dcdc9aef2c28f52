import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { WritError } from '../../core/errors/writ-error.js';

/** Another live process holds the lock. */
export class LockedError extends WritError {
  readonly code = 'AGT_LOCKED';
}

export interface PidLock {
  release(): void;
}

/**
 * Takes an exclusive lock file holding this process's pid (created with O_EXCL). A lock left by a
 * process that no longer exists is taken over; one held by a live process gives LockedError.
 *
 * @example
 * const lock = acquirePidLock('/var/lib/writ/agent.lock'); try { … } finally { lock.release(); }
 */
export function acquirePidLock(path: string): PidLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          // Only remove the lock if it is still ours.
          if (readPid(path) === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readPid(path);
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
        throw new LockedError(`another writ agent (pid ${holder}) holds ${path}`, {
          hint: 'Stop the other agent first (systemctl stop writ-agent). A lock whose process has exited is taken over automatically.',
          data: { pid: holder, path },
        });
      }
      // Stale (the holder is gone) or unreadable: remove and try again.
      rmSync(path, { force: true });
    }
  }
  throw new LockedError(`could not take the lock ${path}`, { hint: 'Another agent keeps taking it; stop the other agents.', recovery: 'retry' });
}

function readPid(path: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
