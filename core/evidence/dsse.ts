import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** DSSE payloadType of an evidence record (core/evidence/evidence-record.ts). */
export const EVIDENCE_PAYLOAD_TYPE = 'application/vnd.writ.evidence+json';
/** DSSE payloadType of a checkpoint (core/evidence/checkpoint.ts). */
export const CHECKPOINT_PAYLOAD_TYPE = 'application/vnd.writ.checkpoint+json';

/**
 * A DSSE envelope (https://github.com/secure-systems-lab/dsse, protocol v1). writ lines carry
 * exactly one signature. `payload` and `sig` are standard base64 with padding; `keyid` is the
 * lowercase hex SHA-256 of the signer's raw 32-byte Ed25519 public key.
 */
export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

/** Signs evidence: a key id and a function over the PAE bytes. The private key never reaches core. */
export interface EvidenceSigner {
  keyid: string;
  sign(data: Uint8Array): Uint8Array;
}

/** A public key that verifies one appliance's evidence. */
export interface TrustedKey {
  appliance: string;
  keyid: string;
  publicKey: KeyObject;
  /** From the site file: the appliance is retired; its key still verifies its old evidence. */
  retired?: boolean;
  /** The site the key came from, when known (for messages). */
  site?: string;
}

/** Trusted keys by keyid. */
export type TrustedKeys = ReadonlyMap<string, TrustedKey>;

const enc = new TextEncoder();

/**
 * DSSE v1 pre-authentication encoding: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths
 * in bytes as ASCII decimal. Signatures are made and checked over these bytes, never over the JSON.
 *
 * @example
 * pae('http://example.com/HelloWorld', enc('hello world')); // "DSSEv1 29 http://example.com/HelloWorld 11 hello world"
 */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = enc.encode(payloadType);
  const head = enc.encode(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

/**
 * The DSSE keyid writ uses: lowercase hex SHA-256 of the raw 32-byte Ed25519 public key (the
 * `signing_key` of a site file's appliance, base64url-decoded).
 *
 * @example
 * keyIdOf(Buffer.from(site.appliances[0].signing_key, 'base64url')); // '3f1c…' (64 hex digits)
 */
export function keyIdOf(publicRaw: Uint8Array): string {
  return createHash('sha256').update(publicRaw).digest('hex');
}

/** A KeyObject for a raw 32-byte Ed25519 public key; throws a TypeError on another length. */
export function ed25519PublicKey(publicRaw: Uint8Array): KeyObject {
  if (publicRaw.length !== 32) throw new TypeError(`an Ed25519 public key has 32 bytes, not ${publicRaw.length}`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicRaw).toString('base64url') }, format: 'jwk' });
}

/**
 * A trusted key entry for an appliance from its raw public key.
 *
 * @example
 * trustedKey('northside-appl-1', Buffer.from(signingKey, 'base64url'));
 */
export function trustedKey(appliance: string, publicRaw: Uint8Array, extra: { retired?: boolean; site?: string } = {}): TrustedKey {
  return { appliance, keyid: keyIdOf(publicRaw), publicKey: ed25519PublicKey(publicRaw), ...extra };
}

/** Collects keys into the lookup the verifier takes (a later duplicate keyid keeps the first). */
export function trustedKeyMap(keys: Iterable<TrustedKey>): Map<string, TrustedKey> {
  const map = new Map<string, TrustedKey>();
  for (const k of keys) if (!map.has(k.keyid)) map.set(k.keyid, k);
  return map;
}

/**
 * An evidence signer over an Ed25519 private KeyObject (or PKCS#8 PEM text the caller already read).
 *
 * @example
 * const signer = ed25519EvidenceSigner(createPrivateKey(keys.signingPem));
 */
export function ed25519EvidenceSigner(privateKey: KeyObject | string): EvidenceSigner {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') throw new TypeError(`expected an Ed25519 private key, got ${key.type} ${key.asymmetricKeyType ?? ''}`);
  const publicRaw = Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x as string, 'base64url');
  return { keyid: keyIdOf(publicRaw), sign: (data) => new Uint8Array(sign(null, data, key)) };
}

/**
 * Signs payload bytes into a one-signature envelope.
 *
 * @example
 * signEnvelope(EVIDENCE_PAYLOAD_TYPE, canonicalJson(statement), signer);
 */
export function signEnvelope(payloadType: string, payload: Uint8Array, signer: EvidenceSigner): DsseEnvelope {
  const sig = signer.sign(pae(payloadType, payload));
  return { payloadType, payload: Buffer.from(payload).toString('base64'), signatures: [{ keyid: signer.keyid, sig: Buffer.from(sig).toString('base64') }] };
}

/**
 * Checks an Ed25519 signature over the PAE of the exact payload bytes (before anyone parses them).
 *
 * @example
 * verifyEnvelopeSignature(EVIDENCE_PAYLOAD_TYPE, payloadBytes, sigBytes, key.publicKey); // true
 */
export function verifyEnvelopeSignature(payloadType: string, payload: Uint8Array, sig: Uint8Array, publicKey: KeyObject): boolean {
  if (sig.length !== 64) return false;
  try {
    return verify(null, pae(payloadType, payload), publicKey, sig);
  } catch {
    return false;
  }
}

/**
 * The one line an envelope is stored as: its RFC 8785 canonical JSON, which for this fixed shape
 * is the template below (base64 and hex never need escaping). Lines are ASCII.
 */
export function envelopeLine(envelope: DsseEnvelope): string {
  const [s] = envelope.signatures;
  if (envelope.signatures.length !== 1 || !s) throw new TypeError('a writ evidence envelope carries exactly one signature');
  return `{"payload":"${envelope.payload}","payloadType":${JSON.stringify(envelope.payloadType)},"signatures":[{"keyid":"${s.keyid}","sig":"${s.sig}"}]}`;
}
