import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors/writ-error.js';
import { type TrustedKey, trustedKey } from '../../core/evidence/dsse.js';
import { parseYamlFile } from '../../core/load/parse-yaml-file.js';

/**
 * Reads the public keys `writ evidence verify --keys FILE` trusts: a site file (`kind: Site`, every
 * `appliances:` entry's `signing_key`, retired ones included) or a plain map
 * `{ appliances: [{ id, signing_key }] }` in YAML or JSON. Keys are base64url of the raw 32 bytes.
 * Throws UsageError (exit 2) when the file is unreadable or holds no valid key.
 *
 * @example
 * const keys = trustedKeyMap(readVerifyKeys('sites/clinic-northside.yaml'));
 */
export function readVerifyKeys(path: string): TrustedKey[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read the keys file ${path}`, { hint: 'Pass a site file (sites/<id>.yaml) or a file with appliances: [{ id, signing_key }] to --keys.', cause: e });
  }
  const parsed = parseYamlFile({ path, bytes: new Uint8Array(bytes), size: bytes.length });
  const bad = (why: string) => new UsageError(`${path} is not a keys file: ${why}`, { hint: 'Pass a site file (sites/<id>.yaml) or a file with appliances: [{ id, signing_key }] (signing_key: base64url of the 32-byte Ed25519 public key).' });
  const error = parsed.findings.find((f) => f.severity === 'error');
  if (error) throw bad(`${error.message} (line ${error.line})`);
  const value = parsed.value as { kind?: unknown; id?: unknown; appliances?: unknown } | null;
  if (typeof value !== 'object' || value === null || !Array.isArray(value.appliances)) throw bad('it has no appliances list');
  const site = value.kind === 'Site' && typeof value.id === 'string' ? value.id : undefined;
  const keys: TrustedKey[] = [];
  value.appliances.forEach((a: unknown, i: number) => {
    const entry = a as { id?: unknown; signing_key?: unknown; retired?: unknown } | null;
    if (typeof entry?.id !== 'string' || typeof entry.signing_key !== 'string' || !/^[A-Za-z0-9_-]{43}=?$/.test(entry.signing_key)) {
      throw bad(`appliances[${i}] needs an id and a signing_key (43 base64url characters)`);
    }
    keys.push(trustedKey(entry.id, new Uint8Array(Buffer.from(entry.signing_key, 'base64url')), { retired: entry.retired === true, ...(site ? { site } : {}) }));
  });
  if (keys.length === 0) throw bad('the appliances list is empty');
  return keys;
}
