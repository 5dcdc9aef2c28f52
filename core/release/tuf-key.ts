import { createHash } from 'node:crypto';
import { Key } from '@tufjs/models';
import { canonicalJson } from '../bundle/canonical-json.js';

/**
 * The TUF key object of a raw Ed25519 public key, with its key id (SHA-256 of the canonical key
 * JSON, as the TUF specification defines it).
 *
 * @example
 * const { keyId, key } = tufEd25519Key(publicRaw);
 */
export function tufEd25519Key(publicRaw: Uint8Array): { keyId: string; key: Key } {
  const keyVal = { public: Buffer.from(publicRaw).toString('hex') };
  const keyId = createHash('sha256').update(canonicalJson({ keytype: 'ed25519', keyval: keyVal, scheme: 'ed25519' })).digest('hex');
  return { keyId, key: new Key({ keyID: keyId, keyType: 'ed25519', scheme: 'ed25519', keyVal: keyVal }) };
}
