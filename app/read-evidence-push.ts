import type { TrustedKey } from '../core/evidence/dsse.js';
import { keysFromKeysFile } from '../core/evidence/keys-from-keys-file.js';
import { applianceOfEvidencePath, type EvidenceChunk } from '../core/escalation/signals-from-evidence.js';
import type { GitHubRequest } from './github-request.js';

export interface EvidenceReadLimits {
  /** Largest evidence file fetched, in bytes (larger ones are skipped and logged). */
  maxFileBytes: number;
  /** Most bytes fetched for one push. */
  maxPushBytes: number;
  /** Most changed evidence files read for one push. */
  maxFiles: number;
}

export const DEFAULT_EVIDENCE_READ_LIMITS: EvidenceReadLimits = { maxFileBytes: 32 * 1024 * 1024, maxPushBytes: 128 * 1024 * 1024, maxFiles: 500 };

/** Largest site file read for keys (the contents API serves files up to 1 MB inline). */
const MAX_SITE_FILE_BYTES = 1024 * 1024;

const ZERO_SHA = /^0{40}$/;

interface TreeEntry { path: string; mode: string; type: string; sha: string; size?: number }

/** A file the App did not read, and why. */
export interface FileSkip {
  code: 'WH_EVIDENCE_TOO_LARGE' | 'WH_TREE_TRUNCATED';
  file: string;
  message: string;
}

/** The result of reading the site's keys from the default branch. */
export type SiteKeys = { ok: true; keys: TrustedKey[] } | { ok: false; message: string };

/**
 * Reads the appliance public keys of one site from `sites/<site>.yaml` on the repository's DEFAULT
 * branch (the contents API without a ref), never from the evidence branch: a key added next to the
 * evidence it signs would vouch for itself. The file must be a site file whose `id` is the site.
 *
 * @example
 * const keys = await readSiteKeys(request, 'acme', 'policy', 'clinic-a');
 */
export async function readSiteKeys(request: GitHubRequest, owner: string, repo: string, site: string): Promise<SiteKeys> {
  const path = `sites/${site}.yaml`;
  let data: { type?: string; size?: number; encoding?: string; content?: string };
  try {
    data = (await request('GET /repos/{owner}/{repo}/contents/{path}', { owner, repo, path })).data as typeof data;
  } catch (e) {
    if ((e as { status?: number }).status === 404) return { ok: false, message: `${path} is not on the default branch` };
    throw e;
  }
  if (data.type !== 'file' || data.encoding !== 'base64' || typeof data.content !== 'string' || (data.size ?? 0) > MAX_SITE_FILE_BYTES) {
    return { ok: false, message: `${path} on the default branch is not a readable file of at most ${MAX_SITE_FILE_BYTES} bytes` };
  }
  const bytes = new Uint8Array(Buffer.from(data.content, 'base64'));
  const read = keysFromKeysFile({ path, bytes, size: bytes.length });
  if (!read.ok) return { ok: false, message: `${path} on the default branch: ${read.problem}` };
  if (read.site !== site) return { ok: false, message: `${path} on the default branch is not the site file of ${site} (kind: Site, id: ${site})` };
  return { ok: true, keys: read.keys };
}

/**
 * The new lines a push added to a site's daily evidence files (`<site>/<appliance>/YYYY-MM-DD.jsonl`),
 * read through the API at `after`: the recursive trees of `before` and `after`, then `git/blobs` for
 * each file whose blob changed. When the file at `before` is a whole-line prefix by size, only the
 * lines after it are returned (every line is verified on its own, so a wrong offset can only make
 * lines fail); otherwise the whole file. Checkpoints and quarantine files are not read. Files over
 * the limits are skipped with a reason.
 *
 * @example
 * const { chunks, skipped } = await readEvidencePush(request, 'acme', 'policy', 'clinic-a', before, after);
 */
export async function readEvidencePush(
  request: GitHubRequest, owner: string, repo: string, site: string, before: string, after: string, limits: EvidenceReadLimits = DEFAULT_EVIDENCE_READ_LIMITS,
): Promise<{ chunks: EvidenceChunk[]; skipped: FileSkip[] }> {
  const skipped: FileSkip[] = [];
  const listing = async (sha: string): Promise<Map<string, TreeEntry>> => {
    const { data } = await request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo, tree_sha: sha, recursive: '1' });
    const tree = data as { tree: TreeEntry[]; truncated?: boolean };
    if (tree.truncated) skipped.push({ code: 'WH_TREE_TRUNCATED', file: '.', message: `GitHub truncated the tree listing of ${sha}; some evidence files were not read` });
    const out = new Map<string, TreeEntry>();
    for (const e of tree.tree) if (e.type === 'blob' && e.mode !== '120000' && applianceOfEvidencePath(e.path, site) !== undefined) out.set(e.path, e);
    return out;
  };
  const now = await listing(after);
  let then = new Map<string, TreeEntry>();
  if (!ZERO_SHA.test(before)) {
    try {
      then = await listing(before);
    } catch (e) {
      // A force push may name a commit GitHub no longer has: read the files whole (replays are harmless).
      if ((e as { status?: number }).status !== 404 && (e as { status?: number }).status !== 422) throw e;
    }
  }
  const changed = [...now.values()].filter((e) => then.get(e.path)?.sha !== e.sha).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (changed.length > limits.maxFiles) {
    skipped.push({ code: 'WH_EVIDENCE_TOO_LARGE', file: '.', message: `${changed.length} changed evidence files exceed the cap of ${limits.maxFiles}; the rest were not read` });
    changed.length = limits.maxFiles;
  }
  const chunks: EvidenceChunk[] = [];
  let total = 0;
  for (const e of changed) {
    const size = e.size ?? 0;
    if (size > limits.maxFileBytes || total + size > limits.maxPushBytes) {
      skipped.push({ code: 'WH_EVIDENCE_TOO_LARGE', file: e.path, message: `${size} bytes exceed the cap (${limits.maxFileBytes} per file, ${limits.maxPushBytes} per push)` });
      continue;
    }
    const { data } = await request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { owner, repo, file_sha: e.sha });
    const blob = data as { content: string; encoding: string };
    const bytes = Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8');
    if (bytes.length > limits.maxFileBytes) {
      skipped.push({ code: 'WH_EVIDENCE_TOO_LARGE', file: e.path, message: `${bytes.length} bytes exceed the cap of ${limits.maxFileBytes}` });
      continue;
    }
    total += bytes.length;
    const old = then.get(e.path)?.size ?? 0;
    const from = old > 0 && old < bytes.length && bytes[old - 1] === 0x0a ? old : 0;
    let firstLine = 1;
    for (let i = bytes.indexOf(0x0a); i >= 0 && i < from; i = bytes.indexOf(0x0a, i + 1)) firstLine++;
    // Evidence lines are ASCII; latin1 keeps any other byte as one character, so nothing is reinterpreted.
    chunks.push({ path: e.path, text: bytes.subarray(from).toString('latin1'), firstLine });
  }
  return { chunks, skipped };
}
