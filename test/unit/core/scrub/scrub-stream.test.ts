import { describe, expect, it } from 'vitest';
import { createStreamScrubber } from '../../../../core/scrub/scrub-stream.js';
import { scrubText } from '../../../../core/scrub/scrub-text.js';
import { generateCorpus, KEEP_ADDRESSES } from '../../../fixtures/phi/generate-corpus.js';

function streamed(text: string, sizes: () => number, options = {}): string {
  const s = createStreamScrubber(options);
  let out = '';
  for (let i = 0; i < text.length; ) {
    const n = sizes();
    out += s.push(text.slice(i, i + n));
    i += n;
  }
  return out + s.end();
}

describe('createStreamScrubber', () => {
  it('catches an identifier split across chunks', () => {
    const s = createStreamScrubber();
    const out = s.push('Failed password for js') + s.push('mith from 10.0.') + s.push('5.23 port 22\nSSN 123-4') + s.push('5-6789\n') + s.end();
    expect(out).toBe('Failed password for [PHI:NAME] from [PHI:IP] port 22\nSSN [PHI:SSN]\n');
    expect(s.counts()).toMatchObject({ NAME: 1, IP: 1, SSN: 1 });
  });

  it('holds back only a bounded tail', () => {
    const s = createStreamScrubber({ holdBackChars: 64, batchChars: 64 });
    const line = 'EventID 4625 logged on ws-014 at 2023-11-14T10:22:33Z\n';
    let released = '';
    for (let i = 0; i < 200; i++) released += s.push(line);
    expect(line.length * 200 - released.length).toBeLessThan(64 + 64 + line.length * 2);
    expect(released + s.end()).toBe(line.repeat(200));
  });

  it('equals scrubText over the whole text for any chunking (corpus, random chunk sizes)', () => {
    const text = generateCorpus({ records: 600 }).map((r) => r.text).join('\n');
    const whole = scrubText(text, { keepAddresses: KEEP_ADDRESSES }).text;
    for (const max of [1, 13, 700, 40_000]) {
      let seed = max;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % max) + 1;
      expect(streamed(text, rnd, { keepAddresses: KEEP_ADDRESSES })).toBe(whole);
    }
  });

  it('cuts a line longer than maxLineChars without releasing half an identifier', () => {
    const text = `${'x '.repeat(3000)}Patient: Ana Ruiz SSN 123-45-6789 ${'y '.repeat(3000)}`;
    const out = streamed(text, () => 97, { maxLineChars: 2000, holdBackChars: 256, batchChars: 256 });
    expect(out).toBe(scrubText(text).text);
  });

  it('refuses use after end', () => {
    const s = createStreamScrubber();
    s.end();
    expect(() => s.push('x')).toThrow();
  });
});
