import { describe, expect, it } from 'vitest';
import { PHI_CODES } from '../../../../core/scrub/phi-codes.js';
import { scrubErrorText } from '../../../../core/scrub/scrub-error-text.js';
import { scrubOutput } from '../../../../core/scrub/scrub-output.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe('scrubOutput fails closed', () => {
  it('scrubs stdout and stderr alike, UTF-16LE included', () => {
    const le = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Get-ADUser : Cannot find an object with identity: \'jsmith\'\r\n', 'utf16le')]));
    expect(scrubOutput(le, { maxBytes: 1000 })).toEqual({ ok: true, text: "Get-ADUser : Cannot find an object with identity: '[PHI:NAME]'\r\n", counts: expect.objectContaining({ NAME: 1 }) });
  });

  it('withholds output over the cap, saying only sizes', () => {
    const r = scrubOutput(bytes('Patient: Ana Ruiz '.repeat(100)), { maxBytes: 100 });
    expect(r).toEqual({ ok: false, reasonCode: 'PHI_OVER_CAP', message: expect.stringMatching(/^output of 1800 bytes is over the scrubber's cap of 100 bytes; withheld$/) });
  });

  it('withholds output when scrubbing throws, and never echoes the text', () => {
    // an options object whose getter throws stands in for any fault inside the scrubber
    const options = Object.defineProperty({ maxBytes: 1000 }, 'keepAddresses', { get() { throw new Error('boom while reading Ana Ruiz'); } });
    const r = scrubOutput(bytes('Patient: Ana Ruiz'), options);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reasonCode).toBe('PHI_SCRUB_FAILED');
      expect(r.message).not.toContain('Ana');
    }
  });

  it('format json scrubs the parsed value; bad JSON is withheld without quoting it', () => {
    expect(scrubOutput(bytes('{"status":"fail","observed":{"LastUser":"jsmith","user":"jsmith"}}'), { maxBytes: 1000, format: 'json' })).toMatchObject({ ok: true, text: '{"status":"fail","observed":{"LastUser":"jsmith","user":"[PHI:NAME]"}}' });
    const bad = scrubOutput(bytes('{"patient": "Ana Ruiz"'), { maxBytes: 1000, format: 'json' });
    expect(bad).toMatchObject({ ok: false, reasonCode: 'PHI_SCRUB_FAILED' });
    expect(JSON.stringify(bad)).not.toContain('Ana');
    expect(scrubOutput(bytes('Patient: Ana Ruiz'), { maxBytes: 1000, format: 'auto' })).toMatchObject({ ok: true, text: 'Patient: [PHI:NAME]' });
  });

  it('every reason code it returns is in the PHI_ catalog', () => {
    const codes = PHI_CODES.map((c) => c.code);
    expect(codes).toEqual(expect.arrayContaining(['PHI_SCRUB_FAILED', 'PHI_OVER_CAP']));
  });
});

describe('scrubErrorText', () => {
  it('scrubs message, stack and causes of an exception', () => {
    const e = new Error('no chart for patient Ana Ruiz', { cause: new Error("ENOENT: open 'C:\\Users\\jsmith\\chart.pdf'") });
    const text = scrubErrorText(e, { withStack: true });
    expect(text).toContain('Error: no chart for patient [PHI:NAME]');
    expect(text).toContain("Caused by: Error: ENOENT: open 'C:\\Users\\[PHI:NAME]\\chart.pdf'");
    expect(text).not.toMatch(/Ana|jsmith/);
  });

  it('fails closed', () => {
    const evil = { toString() { throw new Error('no'); } };
    expect(scrubErrorText(evil)).toBe('[PHI:WITHHELD]');
  });
});
