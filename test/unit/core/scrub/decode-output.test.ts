import { describe, expect, it } from 'vitest';
import { createOutputDecoder, decodeOutput, sniffEncoding } from '../../../../core/scrub/decode-output.js';

const utf16le = (s: string, bom = true) => {
  const b = Buffer.from(s, 'utf16le');
  return new Uint8Array(bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), b]) : b);
};
const utf16be = (s: string) => {
  const le = Buffer.from(s, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1]!;
    be[i + 1] = le[i]!;
  }
  return new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
};

describe('decodeOutput', () => {
  const text = 'Account Name: jsmith — Müller 😀\r\n';
  it.each([
    ['UTF-8', new Uint8Array(Buffer.from(text, 'utf8')), 'utf-8', 0],
    ['UTF-8 with BOM', new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])), 'utf-8', 3],
    ['UTF-16LE with BOM (PowerShell)', utf16le(text), 'utf-16le', 2],
    ['UTF-16LE without BOM', utf16le(text, false), 'utf-16le', 0],
    ['UTF-16BE with BOM', utf16be(text), 'utf-16be', 2],
  ] as const)('%s', (_name, bytes, encoding, bomBytes) => {
    expect(sniffEncoding(bytes)).toEqual({ encoding, bomBytes });
    expect(decodeOutput(bytes)).toBe(text);
  });

  it('streams, completing characters split across chunks (surrogate pairs, UTF-16 code units)', () => {
    const long = 'Patient: Ana Ruiz 😀 '.repeat(20);
    for (const bytes of [utf16le(long), new Uint8Array(Buffer.from(long, 'utf8'))]) {
      for (const size of [1, 3, 7, 64, 1000]) {
        const d = createOutputDecoder();
        let out = '';
        for (let i = 0; i < bytes.length; i += size) out += d.push(bytes.subarray(i, i + size));
        expect(out + d.end()).toBe(long);
      }
    }
  });
});
