/**
 * Boundary checks done in code instead of regex look-behinds: a whole-text scan with a leading
 * Unicode look-behind costs a property test at every position; testing the one character before
 * a cheap candidate match is much faster.
 */
const WORD_ASCII = /[A-Za-z0-9_]/;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** True when `c` is a letter or digit in any script, or `_`. */
export function isWordChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  if (c.charCodeAt(0) < 128) return WORD_ASCII.test(c);
  return LETTER_OR_DIGIT.test(c);
}

/** True when `c` is a letter in any script. */
export function isLetterChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return /\p{L}/u.test(c);
}

/** The character before `i` (or undefined at the start). */
export const charBefore = (text: string, i: number): string | undefined => (i > 0 ? text[i - 1] : undefined);

/**
 * Calls `fn` for every match of the global regex `re` in `text`. Unlike String#matchAll it does
 * not clone the regex (a clone per call is most of the cost of scrubbing a short string).
 * Not re-entrant for the same regex object.
 */
export function forEachMatch(re: RegExp, text: string, fn: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const next = re.lastIndex;
    if (m[0] === '') re.lastIndex = next + 1;
    fn(m);
    re.lastIndex = Math.max(re.lastIndex, next + (m[0] === '' ? 1 : 0));
  }
  re.lastIndex = 0;
}
