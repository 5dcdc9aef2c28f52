import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../../../core/report/escape-control.js';
import { CONTROL_CHARS } from './sample-findings.js';

describe('escapeControl', () => {
  it('writes every C0, DEL and C1 character except tab as \\xNN', () => {
    for (const ch of CONTROL_CHARS) {
      const hex = ch.charCodeAt(0).toString(16).padStart(2, '0');
      expect(escapeControl(`a${ch}b`)).toBe(ch === '\t' ? 'a\tb' : `a\\x${hex}b`);
    }
  });

  it('can leave CR and LF for a format that escapes them itself', () => {
    expect(escapeControl('a\r\n\u001bb', { keepNewlines: true })).toBe('a\r\n\\x1bb');
  });

  it('writes line separators and bidi controls as \\uNNNN', () => {
    expect(escapeControl('\u2028\u2029\u202a\u202e\u2066\u2069')).toBe(
      '\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069',
    );
  });

  it('leaves printable ASCII, Unicode text and emoji alone', () => {
    const text = 'plain ~!@#$%^&*() äöü „quotes“ 日本 🚑 \u00a0nbsp \\x1b literal';
    expect(escapeControl(text)).toBe(text);
  });
});
