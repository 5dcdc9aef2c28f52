import { type TrustedKey, trustedKey } from './dsse.js';
import { parseYamlFile } from '../load/parse-yaml-file.js';
import type { SourceFile } from '../load/source-file.js';

/** The keys a keys file lists, or why it lists none. */
export type KeysFromFile = { ok: true; keys: TrustedKey[]; site?: string } | { ok: false; problem: string };

/**
 * The public keys a keys file lists: a site file (`kind: Site`, every `appliances:` entry's
 * `signing_key`, retired ones included) or a plain map `{ appliances: [{ id, signing_key }] }` in
 * YAML or JSON; keys are base64url of the raw 32 bytes. Never throws: a file that is not a keys
 * file, or lists no valid key, is `{ ok: false, problem }`. Pure: the caller reads the bytes
 * (from disk for `writ evidence verify`, from the default branch through the API for the App).
 *
 * @example
 * const r = keysFromKeysFile({ path: 'sites/clinic-a.yaml', bytes, size: bytes.length });
 * if (r.ok) verify(lines, trustedKeyMap(r.keys));
 */
export function keysFromKeysFile(source: SourceFile): KeysFromFile {
  const parsed = parseYamlFile(source);
  const error = parsed.findings.find((f) => f.severity === 'error');
  if (error) return { ok: false, problem: `${error.message} (line ${error.line})` };
  const value = parsed.value as { kind?: unknown; id?: unknown; appliances?: unknown } | null;
  if (typeof value !== 'object' || value === null || !Array.isArray(value.appliances)) return { ok: false, problem: 'it has no appliances list' };
  const site = value.kind === 'Site' && typeof value.id === 'string' ? value.id : undefined;
  const keys: TrustedKey[] = [];
  for (const [i, a] of (value.appliances as unknown[]).entries()) {
    const entry = a as { id?: unknown; signing_key?: unknown; retired?: unknown } | null;
    if (typeof entry?.id !== 'string' || typeof entry.signing_key !== 'string' || !/^[A-Za-z0-9_-]{43}=?$/.test(entry.signing_key)) {
      return { ok: false, problem: `appliances[${i}] needs an id and a signing_key (43 base64url characters)` };
    }
    keys.push(trustedKey(entry.id, new Uint8Array(Buffer.from(entry.signing_key, 'base64url')), { retired: entry.retired === true, ...(site ? { site } : {}) }));
  }
  if (keys.length === 0) return { ok: false, problem: 'the appliances list is empty' };
  return { ok: true, keys, ...(site ? { site } : {}) };
}
