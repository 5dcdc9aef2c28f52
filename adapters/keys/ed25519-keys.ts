import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { Signer } from '../../core/release/signer.js';
import { tufEd25519Key } from '../../core/release/tuf-key.js';

/** A new Ed25519 key pair: the private key as PKCS#8 PEM, the public key as 32 raw bytes. */
export function generateEd25519(): { privatePem: string; publicRaw: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicRaw: new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url')),
  };
}

/**
 * A TUF signer over an Ed25519 private key in PEM form.
 *
 * @example
 * const signer = ed25519Signer(readFileSync('targets-1.key', 'utf8'));
 */
export function ed25519Signer(privatePem: string): Signer {
  const key = createPrivateKey(privatePem);
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`expected an ed25519 key, got ${key.asymmetricKeyType}`);
  const publicRaw = new Uint8Array(Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x as string, 'base64url'));
  return { keyId: tufEd25519Key(publicRaw).keyId, publicKey: publicRaw, sign: (data) => new Uint8Array(sign(null, data, key)) };
}
