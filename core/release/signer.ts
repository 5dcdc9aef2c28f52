/**
 * Signs bytes with one Ed25519 key. Handed into core by the program so private keys never touch it.
 * `publicKey` is the raw 32-byte public key.
 */
export interface Signer {
  keyId: string;
  publicKey: Uint8Array;
  sign(data: Uint8Array): Uint8Array;
}

/** TUF's top-level roles. */
export type TopRole = 'root' | 'targets' | 'snapshot' | 'timestamp';
export const TOP_ROLES: readonly TopRole[] = ['root', 'targets', 'snapshot', 'timestamp'];
