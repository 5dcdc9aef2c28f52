import canonicalizeModule from 'canonicalize';

const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/**
 * RFC 8785 (JSON Canonicalization Scheme) bytes of a value: what bundles are digested, encrypted
 * and signed over, so every party computes the same digest from the same data.
 *
 * @example
 * canonicalJson({ b: 1, a: [true] }); // bytes of '{"a":[true],"b":1}'
 */
export function canonicalJson(value: unknown): Uint8Array {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be canonicalized');
  return new TextEncoder().encode(text);
}
