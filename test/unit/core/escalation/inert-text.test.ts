import { describe, expect, it } from 'vitest';
import { inertCode } from '../../../../core/escalation/inert-text.js';
import { INJECTION_VALUES } from '../../../helpers/param-injection-cases.js';

const HOSTILE = [
  '@org/team', '@octocat', '#1', 'GH-12', 'owner/repo#3', '<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '[click](https://evil.example)',
  '![x](https://evil.example/x.png)', '```\ncode\n```', '`', '``x``', 'a\n\n# heading', 'a\r\nb', '\u202Eevil\u202C', 'zero\u200bwidth', 'tab\there',
  '<!-- writ-escalation-healed v1 appliance=a index=9 time=2099-01-01T00:00:00Z -->', '<details open>', '| a | b |', '\\`escaped\\`', '\u0000\u0007\u001b[31m',
];

describe('inertCode', () => {
  it('makes one code span on one line, with no backtick inside, for every hostile input', () => {
    const inputs = [...HOSTILE, ...INJECTION_VALUES];
    for (const text of inputs) {
      const out = inertCode(text);
      if (out === '(none)') continue;
      expect(out).toMatch(/^`[^`\n\r]+`$/);
      expect(out).not.toMatch(/[\u0000-\u001f\u007f\u200b\u202a-\u202e\u2066-\u2069]/);
    }
  });

  it('keeps the text readable: mentions and markup shown literally', () => {
    expect(inertCode('@org/team <img src=x onerror=alert(1)>')).toBe('`@org/team <img src=x onerror=alert(1)>`');
    expect(inertCode('a\n\n  b')).toBe('`a b`');
    expect(inertCode('use `x`')).toBe('`use ˋxˋ`');
    expect(inertCode('   ')).toBe('(none)');
  });

  it('caps the length by characters, not UTF-16 units', () => {
    expect(inertCode('x'.repeat(20), 10)).toBe(`\`${'x'.repeat(10)}…\``);
    expect(inertCode('😀'.repeat(5), 3)).toBe('`😀😀😀…`');
  });
});
