/**
 * Characters a report must never print raw: C0 controls except tab (this includes ESC, CR and
 * LF), DEL, C1 controls, the Unicode line/paragraph separators and the bidirectional overrides
 * ("Trojan Source"). A hostile YAML value could otherwise clear the screen, rewrite earlier lines
 * or forge a fake finding in the reader's terminal.
 */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_EXCEPT_NEWLINES =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export interface EscapeControlOptions {
  /** Leave CR and LF alone because the output format escapes them itself (GitHub commands). */
  keepNewlines?: boolean;
}

/**
 * Replaces every unsafe control character with a visible escape: `\x1b` for code points up to
 * U+00FF and `\u202e` above. Tab and ordinary text (including other Unicode) pass through.
 *
 * @example
 * escapeControl('bad\u001b[2Jvalue\r\n'); // 'bad\\x1b[2Jvalue\\x0d\\x0a'
 */
export function escapeControl(text: string, options: EscapeControlOptions = {}): string {
  const pattern = options.keepNewlines === true ? UNSAFE_EXCEPT_NEWLINES : UNSAFE;
  return text.replace(pattern, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
