import { createHash } from 'node:crypto';
import { canonicalJson } from '../bundle/canonical-json.js';
import { type TrustedKey, type TrustedKeys, verifyEnvelopeSignature } from './dsse.js';
import type { EvidenceCode } from './evidence-codes.js';

/** Longest evidence or checkpoint line accepted, in bytes (newline excluded). */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Why a line was refused: the EVD_ code and a message for a person. */
export interface LineRefusal {
  ok: false;
  code: Extract<EvidenceCode, 'EVD_MALFORMED' | 'EVD_UNKNOWN_KEY' | 'EVD_WRONG_KEY' | 'EVD_SIGNATURE_INVALID'>;
  message: string;
}

/** A line whose signature verified (or whose bytes a verified checkpoint vouches for) and whose payload parsed. */
export interface OpenedLine {
  ok: true;
  keyid: string;
  key: TrustedKey;
  /** The payload parsed as JSON; the caller checks its shape. */
  value: unknown;
}

// The canonical (RFC 8785) JSON of a one-signature DSSE envelope: key order payload, payloadType,
// signatures; keyid, sig. Base64 and hex need no escaping, so a strict template match is exact.
const LINE = /^\{"payload":"([A-Za-z0-9+/]*={0,2})","payloadType":"([^"\\\u0000-\u001f\u007f-\uffff]*)","signatures":\[\{"keyid":"([0-9a-f]{64})","sig":"([A-Za-z0-9+/]{86}==)"\}\]\}$/;

const refuse = (code: LineRefusal['code'], message: string): LineRefusal => ({ ok: false, code, message });

/**
 * Opens one stored line strictly, in the order STYLE §6 asks: shape of the envelope, payload type,
 * key, signature over the PAE of the raw payload bytes, and only then JSON.parse of the payload,
 * which must be canonical JSON. `authenticated` skips the Ed25519 check for bytes a verified
 * checkpoint's Merkle root already binds (the verifier's fast path); everything else still runs.
 *
 * @example
 * openEnvelopeLine(line, EVIDENCE_PAYLOAD_TYPE, keys, { appliance: 'northside-appl-1' });
 */
export function openEnvelopeLine(
  line: string,
  payloadType: string,
  keys: TrustedKeys,
  options: { appliance?: string; authenticated?: boolean } = {},
): OpenedLine | LineRefusal {
  if (line.length > MAX_LINE_BYTES) return refuse('EVD_MALFORMED', `line is ${line.length} bytes, over the ${MAX_LINE_BYTES}-byte cap`);
  const m = LINE.exec(line);
  if (!m) return refuse('EVD_MALFORMED', diagnose(line));
  const [, payloadB64, type, keyid, sigB64] = m as unknown as [string, string, string, string, string];
  if (type !== payloadType) return refuse('EVD_MALFORMED', `payloadType is ${JSON.stringify(type)}, expected ${payloadType}`);
  if (!isCanonicalBase64(payloadB64)) return refuse('EVD_MALFORMED', 'payload is not canonical base64');
  if (!isCanonicalBase64(sigB64)) return refuse('EVD_MALFORMED', 'signature is not canonical base64');
  const payload = Buffer.from(payloadB64, 'base64');
  const sig = Buffer.from(sigB64, 'base64');
  const key = keys.get(keyid);
  if (!key) return refuse('EVD_UNKNOWN_KEY', `signed by key ${keyid.slice(0, 16)}…, which the keys file does not list`);
  if (options.appliance !== undefined && key.appliance !== options.appliance) {
    return refuse('EVD_WRONG_KEY', `signed by the key of appliance ${key.appliance} (${keyid.slice(0, 16)}…), not of ${options.appliance}`);
  }
  if (!options.authenticated && !verifyEnvelopeSignature(payloadType, payload, sig, key.publicKey)) {
    return refuse('EVD_SIGNATURE_INVALID', `signature by ${key.appliance} (${keyid.slice(0, 16)}…) does not verify over the payload`);
  }
  // Only now are the payload bytes believed enough to parse.
  const text = payload.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse('EVD_MALFORMED', 'payload is not JSON');
  }
  if (!isCanonicalJson(text, value, payload)) return refuse('EVD_MALFORMED', 'payload is not canonical JSON (RFC 8785)');
  return { ok: true, keyid, key, value };
}

/** SHA-256 (hex) of a line's bytes without its newline: what the next record's `prev` names. */
export function lineHash(line: string): string {
  return createHash('sha256').update(line, 'latin1').digest('hex');
}

// Base64 digits whose low 4 (before "==") or low 2 (before "=") bits are zero: only those encode
// the last byte(s) canonically (RFC 4648 §3.5), so a decoded-then-re-encoded value is identical.
const ZERO_LOW4 = new Set('AQgw');
const ZERO_LOW2 = new Set('AEIMQUYcgkosw048');

/** Whether base64 text (already matched against the alphabet) is the one canonical encoding of its bytes. */
function isCanonicalBase64(b64: string): boolean {
  if (b64.length % 4 !== 0) return false;
  if (b64.endsWith('==')) return ZERO_LOW4.has(b64[b64.length - 3] ?? '');
  if (b64.endsWith('=')) return ZERO_LOW2.has(b64[b64.length - 2] ?? '');
  return true;
}

/**
 * Whether payload text is the RFC 8785 form of the value parsed from it. Fast path: JSON.stringify
 * serializes strings and numbers exactly as RFC 8785 does, so when its output equals the text and
 * every object's keys are already in UTF-16 code-unit order, the text is canonical. Anything else
 * (say, integer-like keys, which JavaScript reorders) is settled by the full canonicalizer.
 */
function isCanonicalJson(text: string, value: unknown, bytes: Buffer): boolean {
  if (JSON.stringify(value) === text && keysSorted(value)) return true;
  try {
    return bytes.equals(canonicalJson(value));
  } catch {
    return false;
  }
}

function keysSorted(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return true;
  if (Array.isArray(v)) return v.every(keysSorted);
  const keys = Object.keys(v);
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) return false;
  for (const k of keys) if (!keysSorted((v as Record<string, unknown>)[k])) return false;
  return true;
}

/** A precise reason for a line that does not match the canonical envelope template. */
function diagnose(line: string): string {
  if (line.length === 0) return 'empty line';
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'line is not JSON (a torn or edited line)';
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'line is not a DSSE envelope object';
  const e = v as Record<string, unknown>;
  const extra = Object.keys(e).filter((k) => !['payload', 'payloadType', 'signatures'].includes(k));
  if (extra.length > 0) return `envelope has unexpected field(s) ${extra.join(', ')}`;
  if (typeof e['payload'] !== 'string' || typeof e['payloadType'] !== 'string') return 'envelope lacks payload or payloadType strings';
  if (!Array.isArray(e['signatures'])) return 'envelope lacks a signatures array';
  if (e['signatures'].length !== 1) return `envelope carries ${e['signatures'].length} signatures; a writ line carries exactly one`;
  const s = e['signatures'][0] as Record<string, unknown> | null;
  if (typeof s?.['keyid'] !== 'string' || !/^[0-9a-f]{64}$/.test(s['keyid'])) return 'keyid is not 64 lowercase hex digits';
  if (typeof s['sig'] !== 'string' || !/^[A-Za-z0-9+/]{86}==$/.test(s['sig'])) return 'sig is not 64 bytes of base64';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(e['payload'])) return 'payload is not base64';
  return 'envelope is not in canonical JSON form (RFC 8785 key order, no spaces)';
}
