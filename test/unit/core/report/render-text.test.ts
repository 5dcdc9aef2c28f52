import { describe, expect, it } from 'vitest';
import { renderText } from '../../../../core/report/render-text.js';
import { CONTROL_CHARS, SAMPLE_FINDINGS, findingWith, shuffled } from './sample-findings.js';

/** Our own colour codes: ESC [ digits m. Anything else starting with ESC would be injected. */
const SGR = /\u001b\[\d+m/g;

describe('renderText', () => {
  it('prints one block per finding in file/position order, then a summary', () => {
    expect(renderText(SAMPLE_FINDINGS, { color: false, filesChecked: 9 })).toMatchInlineSnapshot(`
      "policies/L1-LIN-SSH-001.yaml:1:1  warning  YAML_DEPRECATED_KEY  the file uses "controls:", renamed to "mappings:" in release 0.2
        hint: Rename the top-level key "controls" to "mappings".
      policies/L1-LIN-SSH-001.yaml:4:11  error    SCHEMA_ENUM  severity must be one of low, medium, high, critical (got "hgih")
        hint: Did you mean "high"?
      policies/L1-LIN-SSH-002.yaml:2:5  warning  LINT_DUPLICATE_ID  policy id "L1-LIN-SSH-001" is already used
        hint: Give this policy a new id, such as "L1-LIN-SSH-002".
        also at policies/L1-LIN-SSH-001.yaml:2:5: first defined here
      runbooks/größe/prüfen.yaml:3:14  info     LINT_TITLE_STYLE  title „Schlüssel prüfen 🚑“ ends with an emoji
      runbooks/win/firewall.yaml:10:3  error    LINT_PS_INVOKE_EXPRESSION  the script calls Invoke-Expression
        hint: Call the command directly instead of building it as a string.
      sites/evil,site:1.yaml:7:9  error    LINT_HOST_NAME  host name "\\x1b[2Jpwned\\x0dOK\\x0a::error::forged" is 100% invalid: a,b
        hint: Rename the host; remove \\x1b]0;title\\x07 from the value.

      3 errors, 2 warnings, 1 info in 9 files.
      "
    `);
  });

  it('colours severities, codes and hints only when asked', () => {
    const plain = renderText(SAMPLE_FINDINGS, { color: false, filesChecked: 9 });
    const coloured = renderText(SAMPLE_FINDINGS, { color: true, filesChecked: 9 });
    expect(plain).not.toContain('\u001b');
    expect(coloured.replace(SGR, '')).toBe(plain);
    expect(coloured).toContain('\u001b[31merror  \u001b[0m');
    expect(coloured).toContain('\u001b[33mwarning\u001b[0m');
    expect(coloured).toContain('\u001b[36minfo   \u001b[0m');
    expect(coloured).toContain('\u001b[1mSCHEMA_ENUM\u001b[0m');
    expect(coloured).toContain('\u001b[2m  hint: Did you mean "high"?\u001b[0m');
  });

  it('never lets a hostile value put a raw escape on the terminal, even in colour', () => {
    const coloured = renderText(SAMPLE_FINDINGS, { color: true, filesChecked: 9 });
    expect(coloured.replace(SGR, '')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it.each(CONTROL_CHARS.map((ch) => [ch.charCodeAt(0).toString(16).padStart(2, '0'), ch]))(
    'escapes control character 0x%s in file, message, hint and related text',
    (hex, ch) => {
      const out = renderText([findingWith(ch)], { color: false, filesChecked: 1 });
      if (ch === '\t') {
        expect(out).toContain('before\tafter');
        return;
      }
      // Only the line breaks the renderer itself writes may remain.
      expect(out.split('\n')).toHaveLength(6);
      expect(out).not.toContain(ch === '\n' ? 'before\nafter' : ch);
      for (const text of [`a\\x${hex}b.yaml`, `before\\x${hex}after`, `hint\\x${hex}end`]) {
        expect(out).toContain(text);
      }
      expect(out).toContain(`also at x\\x${hex}y.yaml:1:1: rel\\x${hex}ated`);
    },
  );

  it('escapes Unicode line separators and bidi overrides but keeps other Unicode', () => {
    const f = { ...findingWith('\u202e'), message: 'a\u2028b\u2066c ✓ 𝔘' };
    const out = renderText([f], { color: false, filesChecked: 1 });
    expect(out).toContain('a\\u2028b\\u2066c ✓ 𝔘');
    expect(out).toContain('policies/a\\u202eb.yaml');
  });

  it('prints the same text whatever order the findings arrive in', () => {
    const expected = renderText(SAMPLE_FINDINGS, { color: true, filesChecked: 9 });
    for (const seed of [1, 2, 3, 42, 2024]) {
      expect(renderText(shuffled(SAMPLE_FINDINGS, seed), { color: true, filesChecked: 9 })).toBe(
        expected,
      );
    }
  });

  it('leaves the caller’s array untouched', () => {
    const input = shuffled(SAMPLE_FINDINGS, 7);
    const before = [...input];
    renderText(input, { color: false, filesChecked: 9 });
    expect(input).toEqual(before);
  });

  it('says there are no problems when there are no findings', () => {
    expect(renderText([], { color: false, filesChecked: 12 })).toBe('No problems in 12 files.\n');
    expect(renderText([], { color: false, filesChecked: 1 })).toBe('No problems in 1 file.\n');
    expect(renderText([], { color: true, filesChecked: 0 })).toBe(
      '\u001b[1mNo problems in 0 files.\u001b[0m\n',
    );
  });

  it('words the summary in the singular for one of each', () => {
    const one = SAMPLE_FINDINGS.filter((f) =>
      ['SCHEMA_ENUM', 'LINT_DUPLICATE_ID', 'LINT_TITLE_STYLE'].includes(f.code),
    );
    expect(renderText(one, { color: false, filesChecked: 1 }).split('\n').at(-2)).toBe(
      '1 error, 1 warning, 1 info in 1 file.',
    );
  });
});
