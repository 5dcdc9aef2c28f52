import { Metadata, Signature, type Root, type Snapshot, type Targets, type Timestamp } from '@tufjs/models';
import type { Signer } from './signer.js';

/**
 * Adds each signer's signature over the canonical form of the metadata's signed part.
 *
 * @example
 * signMetadata(targetsMd, [targetsSigner]);
 */
export function signMetadata<T extends Root | Targets | Snapshot | Timestamp>(md: Metadata<T>, signers: readonly Signer[]): Metadata<T> {
  for (const s of signers) {
    md.sign((data) => new Signature({ keyID: s.keyId, sig: Buffer.from(s.sign(data)).toString('hex') }), true);
  }
  return md;
}

/** The bytes of a metadata file: compact JSON of its TUF form. */
export function metadataBytes(md: Metadata<Root | Targets | Snapshot | Timestamp>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(md.toJSON()));
}
