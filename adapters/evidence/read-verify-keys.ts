import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors/writ-error.js';
import type { TrustedKey } from '../../core/evidence/dsse.js';
import { keysFromKeysFile } from '../../core/evidence/keys-from-keys-file.js';

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
  const read = keysFromKeysFile({ path, bytes: new Uint8Array(bytes), size: bytes.length });
  if (!read.ok) {
    throw new UsageError(`${path} is not a keys file: ${read.problem}`, { hint: 'Pass a site file (sites/<id>.yaml) or a file with appliances: [{ id, signing_key }] (signing_key: base64url of the 32-byte Ed25519 public key).' });
  }
  return read.keys;
}
