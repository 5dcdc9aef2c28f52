/** Characters that change how text around them reads (bidirectional overrides and isolates, zero-width joiners). */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
// Control characters, line and paragraph separators: all become one space.
// eslint-disable-next-line no-control-regex
const BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g;

/**
 * Untrusted text (a record field) as an inline code span that GitHub renders literally: no HTML,
 * no links or images, no @mentions, no #references, no markdown. Line breaks and control
 * characters become spaces (a code span cannot end a paragraph then), backticks become `ˋ` (so the
 * span cannot be closed early), invisible direction marks are dropped, and the text is cut at
 * `max` characters with `…`. Empty text is `(none)`, outside code.
 *
 * @example
 * inertCode('<img src=x onerror=alert(1)> @org/team'); // '`<img src=x onerror=alert(1)> @org/team`'
 */
export function inertCode(text: string, max = 300): string {
  let t = text.replace(INVISIBLE, '').replace(BREAKS, ' ').replace(/`/g, 'ˋ').trim();
  if (t === '') return '(none)';
  const chars = [...t];
  if (chars.length > max) t = `${chars.slice(0, max).join('')}…`;
  return `\`${t}\``;
}
