import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir, writeFileAtomic } from '../adapters/fs/write-file-atomic.js';

/** Delivery ids remembered for replay detection (oldest forgotten first). */
export const DELIVERY_MEMORY = 10_000;

/** What a GitHub delivery id looks like (a GUID); anything else is refused before it is remembered or logged. */
export const DELIVERY_ID = /^[A-Za-z0-9-]{1,64}$/;

const FILE = 'seen';

/**
 * The delivery ids the App has handled, so a replayed delivery is answered without side effects.
 * In memory, bounded to the last `limit` ids. With a state folder, every id handled to the end is
 * also appended (one fsynced line) to `<stateDir>/deliveries/seen` and read back on start, so a
 * replay after a restart is still recognised. The file is rewritten atomically (write-file-atomic)
 * with only the last `limit` ids once it holds twice that many lines; a line torn by a crash is
 * ignored on reading. An id is persisted only once its review finished: a delivery cut off by a
 * crash is reviewed again when GitHub redelivers it.
 *
 * @example
 * const memory = openDeliveryMemory('/var/lib/writ-app');
 * if (!memory.has(id)) { memory.add(id); ...; memory.persist(id); }
 */
export interface DeliveryMemory {
  has(id: string): boolean;
  /** Remembers an id in memory (accepted, being handled). */
  add(id: string): void;
  /** Forgets an id (its handling failed: GitHub may redeliver it under the same id). */
  delete(id: string): void;
  /** Records a handled id on disk (no-op without a state folder). */
  persist(id: string): void;
}

/**
 * Opens the memory, reading `<stateDir>/deliveries/seen` when a state folder is given.
 *
 * @example
 * const memory = openDeliveryMemory(config.stateDir);
 */
export function openDeliveryMemory(stateDir: string | undefined, limit = DELIVERY_MEMORY): DeliveryMemory {
  const seen = new Set<string>();
  const remember = (id: string) => {
    seen.delete(id);
    seen.add(id);
    if (seen.size > limit) seen.delete(seen.values().next().value!);
  };
  if (stateDir === undefined) {
    return { has: (id) => seen.has(id), add: remember, delete: (id) => void seen.delete(id), persist: () => undefined };
  }
  const dir = join(stateDir, 'deliveries');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, FILE);
  let lines = 0;
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  // Only whole lines count: a crash mid-append leaves a line without its newline.
  const complete = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((l) => DELIVERY_ID.test(l));
  for (const id of complete) remember(id);
  lines = complete.length;
  const onDisk = new Set(seen);

  const compact = () => {
    writeFileAtomic(path, [...onDisk].map((id) => `${id}\n`).join(''), 0o600);
    lines = onDisk.size;
  };
  if (text.length > 0 && !text.endsWith('\n')) compact();

  return {
    has: (id) => seen.has(id),
    add: remember,
    delete: (id) => void seen.delete(id),
    persist(id) {
      if (!DELIVERY_ID.test(id)) return;
      onDisk.delete(id);
      onDisk.add(id);
      if (onDisk.size > limit) onDisk.delete(onDisk.values().next().value!);
      if (lines + 1 > 2 * limit) {
        compact();
        return;
      }
      const fd = openSync(path, 'a', 0o600);
      try {
        writeSync(fd, `${id}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (lines === 0) fsyncDir(dir);
      lines++;
    },
  };
}
