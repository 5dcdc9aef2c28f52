import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/**
 * Writes a secret (a private key) readable by its owner only (mode 0600), refusing to overwrite
 * an existing file, and flushes it to disk.
 */
export function writeSecretFile(path: string, content: string | Uint8Array): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
