import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EVIDENCE_PAYLOAD_TYPE, ed25519EvidenceSigner, envelopeLine, keyIdOf, pae, signEnvelope, trustedKey, verifyEnvelopeSignature } from '../../../../core/evidence/dsse.js';
import { canonicalJson } from '../../../../core/bundle/canonical-json.js';

const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('DSSE PAE', () => {
  it('matches the DSSE v1 spec example', () => {
    expect(text(pae('http://example.com/HelloWorld', Buffer.from('hello world')))).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('counts bytes, not characters, and keeps an empty body', () => {
    expect(text(pae('t', new Uint8Array()))).toBe('DSSEv1 1 t 0 ');
    expect(pae('t', Buffer.from('é', 'utf8')).length).toBe('DSSEv1 1 t 2 '.length + 2);
    expect(text(pae(EVIDENCE_PAYLOAD_TYPE, Buffer.from('{}')))).toBe('DSSEv1 34 application/vnd.writ.evidence+json 2 {}');
  });
});

describe('DSSE signing', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'));
  const signer = ed25519EvidenceSigner(privateKey);

  it('names the key by the SHA-256 of its raw 32 bytes', () => {
    expect(signer.keyid).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(keyIdOf(raw)).toMatch(/^[0-9a-f]{64}$/);
    expect(trustedKey('appl-1', raw).keyid).toBe(signer.keyid);
  });

  it('signs the PAE of the payload bytes and verifies only those bytes', () => {
    const payload = canonicalJson({ b: 1, a: 'x' });
    const env = signEnvelope(EVIDENCE_PAYLOAD_TYPE, payload, signer);
    expect(Buffer.from(env.payload, 'base64').toString()).toBe('{"a":"x","b":1}');
    const sig = Buffer.from(env.signatures[0]!.sig, 'base64');
    const key = trustedKey('appl-1', raw).publicKey;
    expect(verifyEnvelopeSignature(EVIDENCE_PAYLOAD_TYPE, payload, sig, key)).toBe(true);
    expect(verifyEnvelopeSignature('application/other', payload, sig, key)).toBe(false);
    expect(verifyEnvelopeSignature(EVIDENCE_PAYLOAD_TYPE, canonicalJson({ b: 2, a: 'x' }), sig, key)).toBe(false);
    expect(verifyEnvelopeSignature(EVIDENCE_PAYLOAD_TYPE, payload, sig.subarray(1), key)).toBe(false);
  });

  it('stores an envelope as its canonical JSON on one line', () => {
    const env = signEnvelope(EVIDENCE_PAYLOAD_TYPE, canonicalJson({ a: 1 }), signer);
    const line = envelopeLine(env);
    expect(line).toBe(text(canonicalJson(env)));
    expect(line).not.toContain('\n');
  });
});
