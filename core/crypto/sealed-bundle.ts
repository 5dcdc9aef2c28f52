import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { WritError } from '../errors/writ-error.js';

/**
 * Envelope encryption of a bundle to one or more appliance X25519 keys.
 *
 * Layout: "WRITSEAL1\n" | u32 header length | canonical header JSON | AES-256-GCM ciphertext | tag.
 * The header names the site, the algorithm and, per recipient, an ephemeral public key and the
 * content key wrapped under HKDF-SHA256(X25519(ephemeral, recipient)). The whole header is the
 * AEAD's associated data, so changing the site or a recipient breaks decryption.
 */
const MAGIC = new TextEncoder().encode('WRITSEAL1\n');
const ALG = 'X25519-HKDF-SHA256-A256GCM';

interface SealHeader {
  alg: string;
  site: string;
  iv: string;
  recipients: { kid: string; epk: string; iv: string; wrapped: string }[];
}

/** A site's bundle cannot be opened with this appliance key: not a recipient, or tampered. */
export class SealOpenError extends WritError {
  readonly code: 'REL_NOT_FOR_THIS_APPLIANCE' | 'REL_DECRYPT_FAILED';
  constructor(code: 'REL_NOT_FOR_THIS_APPLIANCE' | 'REL_DECRYPT_FAILED', message: string, hint: string) {
    super(message, { hint });
    this.code = code;
  }
}

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const unb64u = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));

export function x25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(raw) }, format: 'jwk' });
}

export function x25519PrivateKey(rawPrivate: Uint8Array, rawPublic: Uint8Array): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(rawPublic), d: b64u(rawPrivate) }, format: 'jwk' });
}

/** Short id of a recipient key: base64url of the first 12 bytes of its SHA-256. */
export function recipientKeyId(rawPublic: Uint8Array): string {
  return b64u(createHash('sha256').update(rawPublic).digest().subarray(0, 12));
}

function kek(shared: Buffer, epk: Uint8Array, rpk: Uint8Array, site: string): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([epk, rpk]), `writ-seal/v1 ${site}`, 32));
}

function rawPublic(key: KeyObject): Uint8Array {
  return unb64u(key.export({ format: 'jwk' }).x as string);
}

/**
 * Encrypts `plaintext` so that only the holders of the given X25519 keys can read it.
 *
 * @example
 * const sealed = sealBundle(bytes, 'clinic-northside', [applianceEncryptionKeyRaw]);
 */
export function sealBundle(plaintext: Uint8Array, site: string, recipients: readonly Uint8Array[]): Uint8Array {
  if (recipients.length === 0) throw new RangeError(`site ${site} has no appliance to encrypt to`);
  const dek = randomBytes(32);
  const recips: SealHeader['recipients'] = recipients.map((rpk) => {
    const eph = generateKeyPairSync('x25519');
    const epk = rawPublic(eph.publicKey);
    const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: x25519PublicKey(rpk) });
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', kek(shared, epk, rpk, site), iv);
    c.setAAD(Buffer.from(site, 'utf8'));
    const wrapped = Buffer.concat([c.update(dek), c.final(), c.getAuthTag()]);
    return { kid: recipientKeyId(rpk), epk: b64u(epk), iv: b64u(iv), wrapped: b64u(wrapped) };
  });
  const iv = randomBytes(12);
  const header: SealHeader = { alg: ALG, site, iv: b64u(iv), recipients: recips };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const c = createCipheriv('aes-256-gcm', dek, iv);
  c.setAAD(headerBytes);
  const body = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(headerBytes.length);
  return new Uint8Array(Buffer.concat([MAGIC, len, headerBytes, body]));
}

/**
 * Decrypts a sealed bundle with an appliance's X25519 key pair; checks that it was sealed for
 * `expectedSite`.
 */
export function openBundle(sealed: Uint8Array, expectedSite: string, privateRaw: Uint8Array, publicRaw: Uint8Array): Uint8Array {
  const buf = Buffer.from(sealed);
  const bad = (msg: string) => new SealOpenError('REL_DECRYPT_FAILED', msg, 'The bundle was altered or is not a writ bundle; do not use it. Re-run the release.');
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC))) throw bad('not a sealed writ bundle');
  const hlen = buf.readUInt32BE(MAGIC.length);
  if (hlen > 1 << 20 || MAGIC.length + 4 + hlen + 16 > buf.length) throw bad('sealed bundle header is malformed');
  const headerBytes = buf.subarray(MAGIC.length + 4, MAGIC.length + 4 + hlen);
  let header: SealHeader;
  try {
    header = JSON.parse(headerBytes.toString('utf8')) as SealHeader;
  } catch {
    throw bad('sealed bundle header is not JSON');
  }
  if (header.alg !== ALG) throw bad(`unknown sealing algorithm ${String(header.alg)}`);
  if (header.site !== expectedSite) {
    throw new SealOpenError('REL_NOT_FOR_THIS_APPLIANCE', `the bundle is sealed for site ${String(header.site)}, not ${expectedSite}`,
      'Use the bundle of your own site; each site\'s bundle is readable only by that site\'s appliance.');
  }
  const kid = recipientKeyId(publicRaw);
  const me = header.recipients?.find((r) => r.kid === kid);
  if (!me) {
    throw new SealOpenError('REL_NOT_FOR_THIS_APPLIANCE', `this appliance key (${kid}) is not a recipient of site ${expectedSite}'s bundle`,
      `Put this appliance's encryption_key in sites/${expectedSite}.yaml (writ appliance init prints it) and release again.`);
  }
  try {
    const epk = unb64u(me.epk);
    const shared = diffieHellman({ privateKey: x25519PrivateKey(privateRaw, publicRaw), publicKey: x25519PublicKey(epk) });
    const wrapped = unb64u(me.wrapped);
    const d1 = createDecipheriv('aes-256-gcm', kek(shared, epk, publicRaw, expectedSite), unb64u(me.iv));
    d1.setAAD(Buffer.from(expectedSite, 'utf8'));
    d1.setAuthTag(wrapped.subarray(wrapped.length - 16));
    const dek = Buffer.concat([d1.update(wrapped.subarray(0, wrapped.length - 16)), d1.final()]);
    const body = buf.subarray(MAGIC.length + 4 + hlen);
    const d2 = createDecipheriv('aes-256-gcm', dek, unb64u(header.iv));
    d2.setAAD(headerBytes);
    d2.setAuthTag(body.subarray(body.length - 16));
    return new Uint8Array(Buffer.concat([d2.update(body.subarray(0, body.length - 16)), d2.final()]));
  } catch (e) {
    if (e instanceof SealOpenError) throw e;
    throw bad('the bundle does not decrypt (authentication failed)');
  }
}
