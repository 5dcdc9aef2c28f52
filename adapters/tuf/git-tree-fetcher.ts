import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReleaseError } from '../../core/errors/release-error.js';
// tuf-js does not re-export its errors; a 404 must be its own DownloadHTTPError to mean "no newer root".
import tufErrors from 'tuf-js/dist/error.js';

/** Reads one file of the fetched release commit; null when absent. Must refuse files over maxBytes. */
export type ReleaseFileReader = (path: string, maxBytes: number) => Promise<Uint8Array | null>;

export const RELEASE_URL_PREFIX = 'writ-release://';

/**
 * tuf-js fetcher that serves metadata and targets from the release commit already fetched from
 * git, instead of from the network. URLs look like writ-release://metadata/2.root.json.
 * Size caps come from tuf-js (metadata limits, target lengths) and are enforced while reading.
 */
export class GitTreeFetcher {
  readonly reads: string[] = [];

  constructor(private readonly read: ReleaseFileReader) {}

  private pathOf(url: string): string {
    if (!url.startsWith(RELEASE_URL_PREFIX)) throw new ReleaseError('REL_METADATA_INVALID', `unexpected URL ${url}`, { hint: 'This is a bug in writ.' });
    const path = url.slice(RELEASE_URL_PREFIX.length).replace(/^\/+/, '');
    if (path.split('/').some((s) => s === '..' || s === '')) throw new ReleaseError('REL_METADATA_INVALID', `refused path ${path}`, { hint: 'The release names a path outside its tree.' });
    return path;
  }

  async downloadBytes(url: string, maxLength: number): Promise<Buffer> {
    const path = this.pathOf(url);
    this.reads.push(path);
    let bytes: Uint8Array | null;
    try {
      bytes = await this.read(path, maxLength);
    } catch (e) {
      if ((e as { code?: string }).code === 'GIT_BLOB_TOO_LARGE') throw new tufErrors.DownloadLengthMismatchError(`${path} is over ${maxLength} bytes`);
      throw e;
    }
    if (bytes !== null && bytes.length > maxLength) throw new tufErrors.DownloadLengthMismatchError(`${path} is over ${maxLength} bytes`);
    if (bytes === null) {
      throw new tufErrors.DownloadHTTPError(`not found: ${path}`, 404);
    }
    return Buffer.from(bytes);
  }

  async downloadFile<T>(url: string, maxLength: number, handler: (file: string) => Promise<T>): Promise<T> {
    const bytes = await this.downloadBytes(url, maxLength);
    const dir = mkdtempSync(join(tmpdir(), 'writ-target-'));
    try {
      const file = join(dir, 'target');
      writeFileSync(file, bytes, { mode: 0o600 });
      return await handler(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
