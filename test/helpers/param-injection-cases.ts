/**
 * Parameter values that look like code, options or quoting to a shell or a reader, and must reach a
 * script byte for byte as data (DESIGN.md: parameters travel as data). `CANARY` is replaced with a
 * file path that must never be created.
 */
export const INJECTION_VALUES: readonly string[] = [
  'single \' quote',
  'double " quote',
  'semi; touch CANARY',
  '$(touch CANARY)',
  '`touch CANARY`',
  '${IFS}$HOME$((1+1))',
  'a && touch CANARY || touch CANARY',
  '| touch CANARY',
  '> CANARY',
  'line one\nline two\n',
  '\ntouch CANARY\n',
  'carriage\rreturn\r\n',
  'line\u2028separator\u2029paragraph',
  'em\u2014dash en\u2013dash minus\u2212',
  '\u201Ccurly double\u201D \u2018curly single\u2019',
  '--option=value',
  '-rf',
  '--',
  '  leading and trailing spaces  ',
  '\ttab\t',
  '*',
  '~',
  'back\\slash \\n \\0 %s %n',
  '\x1b[31mescape\x1b[0m',
  'emoji 😀 combining e\u0301 zero\u200Bwidth',
  '',
  'x'.repeat(100_000),
];

/** Values that must be refused before anything runs (on Linux). */
export const UNCARRIABLE_VALUES: ReadonlyArray<{ label: string; value: string | string[] }> = [
  { label: 'NUL', value: 'before\0after' },
  { label: 'newline inside a list item', value: ['one', 'two\nthree'] },
  { label: 'lone surrogate', value: 'broken \uD83D text' },
];
