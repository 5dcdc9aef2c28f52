import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookVerdict = 'ok' | 'WH_SIGNATURE_MISSING' | 'WH_SIGNATURE_INVALID';

/**
 * Checks GitHub's `X-Hub-Signature-256` (`sha256=<hex>`) against an HMAC-SHA256 of the exact raw
 * body bytes, in constant time, before anything parses the body (STYLE §6).
 *
 * @example
 * verifyWebhook(rawBody, req.headers['x-hub-signature-256'], secret); // 'ok'
 */
export function verifyWebhook(rawBody: Uint8Array, signatureHeader: string | string[] | undefined, secret: string): WebhookVerdict {
  if (typeof signatureHeader !== 'string' || signatureHeader === '') return 'WH_SIGNATURE_MISSING';
  const m = /^sha256=([0-9a-f]{64})$/i.exec(signatureHeader.trim());
  if (!m) return 'WH_SIGNATURE_INVALID';
  const given = Buffer.from(m[1]!, 'hex');
  const wanted = createHmac('sha256', secret).update(rawBody).digest();
  return given.length === wanted.length && timingSafeEqual(given, wanted) ? 'ok' : 'WH_SIGNATURE_INVALID';
}
