/**
 * What a PowerShell token is. The tokenizer does not know whether it is in command or
 * expression mode, so `-Name` and `-eq` are both `parameter`, and `iex` is a `bareword`
 * wherever it appears; the scanner decides what a token means from the tokens around it.
 */
export type PsTokenKind =
  /** `\n`, `\r\n` or `\r`. A backtick line continuation is whitespace, not a newline. */
  | 'newline'
  /** `# …` to the end of the line, or `<# … #>`. */
  | 'comment'
  /** `'…'`, `"…"`, `@'…'@` or `@"…"@` (see `quote`, `here`, `expandable`, `nested`). */
  | 'string'
  /** `$name`, `${any name}`, `$env:X`, `$script:x`, `$_`, `$$`, `$?`, `$^`; value is the name. */
  | 'variable'
  /** `@name` (splatting); value is the name. */
  | 'splat'
  /** `[TypeName]`, `[System.Collections.Generic.List[string]]`; value is the name without spaces. */
  | 'type'
  | 'number'
  /** `-Name`, `-Name:` (colon form), `--name`; value is the name without dashes or colon. */
  | 'parameter'
  /** Command names and unquoted arguments; value has backtick escapes removed (`i`e`x` → `iex`). */
  | 'bareword'
  /** The name right after member access `.` or static access `::`. */
  | 'member'
  /** `&` `.` `|` `;` `,` `::` `..` `=` `+=` `&&` `||` `!` `>` `--%` and friends. */
  | 'operator'
  /** `(` `{` `[` `$(` `@(` `@{` */
  | 'open'
  /** `)` `}` `]` */
  | 'close';

/** One token. Positions are absolute in the source given to `tokenizePowerShell`. */
export interface PsToken {
  kind: PsTokenKind;
  /** The exact source text. */
  text: string;
  /** Cooked text: see `PsTokenKind` for each kind. For strings, the content without quotes. */
  value: string;
  /** 0-based offset of the first character. */
  offset: number;
  /** 0-based offset just past the last character. */
  end: number;
  /** 1-based line. */
  line: number;
  /** 1-based column in UTF-16 code units. */
  column: number;
  /** True when whitespace, a newline or the start of the list comes right before. */
  spaceBefore: boolean;
  /** Strings only: which quote opened it (typographic quotes count as their ASCII twins). */
  quote?: 'single' | 'double';
  /** Strings only: a here-string (`@'…'@` or `@"…"@`). */
  here?: boolean;
  /** Strings only: double-quoted and contains a `$var`, `${…}` or `$(…)` expansion. */
  expandable?: boolean;
  /** Strings only: false when the input ended before the closing quote. */
  terminated?: boolean;
  /** Double-quoted strings only: the tokens of each `$( … )` subexpression, which are code. */
  nested?: PsToken[][];
}

const TAB = 9;
const LF = 10;
const VT = 11;
const FF = 12;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const HASH = 35;
const DOLLAR = 36;
const PERCENT = 37;
const AMP = 38;
const LPAREN = 40;
const RPAREN = 41;
const STAR = 42;
const PLUS = 43;
const COMMA = 44;
const DOT = 46;
const SLASH = 47;
const COLON = 58;
const SEMI = 59;
const LT = 60;
const EQ = 61;
const GT = 62;
const QUESTION = 63;
const AT = 64;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const CARET = 94;
const UNDERSCORE = 95;
const BACKTICK = 96;
const LBRACE = 123;
const PIPE = 124;
const RBRACE = 125;

const LETTER = /\p{L}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const NUMBER = /(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?[a-zA-Z]*/y;

interface CodeFrame {
  kind: 'code';
  tokens: PsToken[];
  /** Inside `$( … )` of a double-quoted string: an unmatched `)` ends the frame. */
  sub: boolean;
  /** Open parentheses inside a `sub` frame. */
  depth: number;
  space: boolean;
  expectMember: boolean;
}

interface StringFrame {
  kind: 'string';
  token: PsToken;
  here: boolean;
  contentStart: number;
}

type Frame = CodeFrame | StringFrame;

/**
 * Split PowerShell source into tokens, forgivingly: it never throws, never recurses, and runs
 * in time linear in the input, whatever the input (unterminated strings and comments run to
 * the end). Comments and strings are tokens of their own, so nothing inside them looks like
 * code, except the `$( … )` subexpressions of double-quoted strings, whose tokens are in
 * `nested`. Typographic quotes and dashes count as their ASCII twins, as in PowerShell.
 *
 * @example
 * tokenizePowerShell('iex "a $(Get-Date)"').map((t) => [t.kind, t.value]);
 * // [['bareword', 'iex'], ['string', 'a $(Get-Date)']]; the string's nested[0] holds
 * // [{ kind: 'bareword', value: 'Get-Date', line: 1, column: 10, … }]
 */
export function tokenizePowerShell(source: string): PsToken[] {
  const src = source;
  const n = src.length;
  const lineStarts = findLineStarts(src);
  const typeEnds = matchTypeBrackets(src);
  const top: PsToken[] = [];
  const frames: Frame[] = [codeFrame(top, false)];
  let lineIndex = 0;
  let i = 0;

  // Tokens are created in increasing offset order (nested ones included), so one forward
  // cursor over the line starts positions them all in linear time.
  const make = (kind: PsTokenKind, start: number, end: number, value: string, space: boolean): PsToken => {
    while (lineIndex + 1 < lineStarts.length && lineStarts[lineIndex + 1]! <= start) lineIndex++;
    return {
      kind,
      text: src.slice(start, end),
      value,
      offset: start,
      end,
      line: lineIndex + 1,
      column: start - lineStarts[lineIndex]! + 1,
      spaceBefore: space,
    };
  };

  const emit = (f: CodeFrame, kind: PsTokenKind, start: number, end: number, value: string): PsToken => {
    const token = make(kind, start, end, value, f.space);
    f.tokens.push(token);
    f.space = false;
    i = end;
    return token;
  };

  const code = (k: number): number => (k < n ? src.charCodeAt(k) : -1);

  const lastIsValue = (f: CodeFrame, kinds: readonly PsTokenKind[]): boolean => {
    if (f.space) return false;
    const last = f.tokens[f.tokens.length - 1];
    return last !== undefined && kinds.includes(last.kind);
  };

  const variableEnd = (j: number): number => {
    const d = code(j + 1);
    if (d === LBRACE) {
      let k = j + 2;
      while (k < n) {
        const e = src.charCodeAt(k);
        if (e === BACKTICK) k += 2;
        else if (e === RBRACE) return k + 1;
        else k++;
      }
      return n;
    }
    if (d === DOLLAR || d === QUESTION || d === CARET) return j + 2;
    if (!isWordCode(d)) return -1;
    let k = j + 2;
    while (k < n && isWordCode(src.charCodeAt(k))) k++;
    if (code(k) === COLON && isWordCode(code(k + 1))) {
      k += 2;
      while (k < n && isWordCode(src.charCodeAt(k))) k++;
    }
    return k;
  };

  const barewordEnd = (start: number): { end: number; value: string } => {
    let j = start;
    let seg = start;
    let value = '';
    while (j < n) {
      const c = src.charCodeAt(j);
      if (c === BACKTICK) {
        const d = code(j + 1);
        if (d === LF || d === CR) break;
        value += src.slice(seg, j);
        seg = j + 1;
        j = Math.min(j + 2, n);
        continue;
      }
      if (isBlank(c) || c === LF || c === CR || isBarewordStop(c)) break;
      j++;
    }
    if (j === start) return { end: start + 1, value: src.slice(start, start + 1) };
    return { end: j, value: seg === start ? src.slice(start, j) : value + src.slice(seg, j) };
  };

  const finishString = (f: StringFrame, contentEnd: number, end: number, terminated: boolean): void => {
    const t = f.token;
    t.end = end;
    t.text = src.slice(t.offset, end);
    // An expanding string keeps its raw content: cooking the text of nested subexpressions
    // into every enclosing string would cost quadratic time on "$("$("$(…".
    const raw = src.slice(f.contentStart, contentEnd);
    t.value = t.expandable === true ? raw : cookString(raw, t.quote === 'double', f.here);
    t.terminated = terminated;
  };

  const hereEnds = (k: number, double: boolean): boolean =>
    k < n && (double ? isDoubleQuote(src.charCodeAt(k)) : isSingleQuote(src.charCodeAt(k))) && code(k + 1) === AT;

  const startString = (f: CodeFrame, start: number, contentStart: number, double: boolean, here: boolean): void => {
    const at = make('string', start, start, '', f.space);
    // One literal with every field, so string tokens share a shape and need no property store.
    const token: PsToken = {
      kind: 'string', text: '', value: '', offset: start, end: start, line: at.line, column: at.column,
      spaceBefore: at.spaceBefore, quote: double ? 'double' : 'single', here, expandable: false, terminated: false,
      nested: undefined,
    };
    f.tokens.push(token);
    f.space = false;
    const sf: StringFrame = { kind: 'string', token, here, contentStart };
    if (here && hereEnds(contentStart, double)) {
      finishString(sf, contentStart, contentStart + 2, true);
      i = contentStart + 2;
      return;
    }
    frames.push(sf);
    i = contentStart;
  };

  const stepString = (f: StringFrame): void => {
    const t = f.token;
    const double = t.quote === 'double';
    let j = i;
    while (j < n) {
      const c = src.charCodeAt(j);
      if (f.here) {
        if (c === LF || c === CR) {
          const k = j + (c === CR && code(j + 1) === LF ? 2 : 1);
          if (hereEnds(k, double)) {
            finishString(f, j, k + 2, true);
            frames.pop();
            i = k + 2;
            return;
          }
          j = k;
          continue;
        }
      } else if (double ? isDoubleQuote(c) : isSingleQuote(c)) {
        const d = code(j + 1);
        if (double ? isDoubleQuote(d) : isSingleQuote(d)) {
          // '' inside '…' and "" inside "…" stand for one quote.
          j += 2;
          continue;
        }
        finishString(f, j, j + 1, true);
        frames.pop();
        i = j + 1;
        return;
      }
      if (!double) {
        j++;
        continue;
      }
      if (c === BACKTICK) {
        j += 2;
        continue;
      }
      if (c === DOLLAR) {
        if (code(j + 1) === LPAREN) {
          t.expandable = true;
          const list: PsToken[] = [];
          (t.nested ??= []).push(list);
          frames.push(codeFrame(list, true));
          i = j + 2;
          return;
        }
        const end = variableEnd(j);
        if (end > 0) {
          t.expandable = true;
          j = end;
          continue;
        }
      }
      j++;
    }
    i = n;
  };

  const stepCode = (f: CodeFrame): void => {
    const c = src.charCodeAt(i);
    const d = code(i + 1);
    if (isBlank(c)) {
      i++;
      f.space = true;
      return;
    }
    if (c === BACKTICK && (d === LF || d === CR || isBlank(d))) {
      // A line continuation, or an escaped blank, which PowerShell also reads as whitespace.
      i += d === CR && code(i + 2) === LF ? 3 : 2;
      f.space = true;
      return;
    }
    if (c === LF || c === CR) {
      emit(f, 'newline', i, i + (c === CR && d === LF ? 2 : 1), '\n');
      f.space = true;
      f.expectMember = false;
      return;
    }
    if (f.expectMember) {
      f.expectMember = false;
      if (isWordCode(c)) {
        let j = i + 1;
        while (j < n && isWordCode(src.charCodeAt(j))) j++;
        emit(f, 'member', i, j, src.slice(i, j));
        return;
      }
    }
    if (c === HASH || (c === LT && d === HASH)) {
      let end: number;
      if (c === HASH) {
        end = i + 1;
        while (end < n && src.charCodeAt(end) !== LF && src.charCodeAt(end) !== CR) end++;
      } else {
        const close = src.indexOf('#>', i + 2);
        end = close < 0 ? n : close + 2;
      }
      emit(f, 'comment', i, end, src.slice(i, end));
      return;
    }
    if (isSingleQuote(c) || isDoubleQuote(c)) {
      startString(f, i, i + 1, isDoubleQuote(c), false);
      return;
    }
    if (isDash(c)) {
      const dashes = isDash(d) ? 2 : 1;
      const e = code(i + dashes);
      if (dashes === 2 && e === PERCENT) {
        // --% (stop parsing): the rest of the line goes to the program verbatim.
        emit(f, 'operator', i, i + 3, '--%');
        let j = i;
        while (j < n && isBlank(src.charCodeAt(j))) j++;
        let k = j;
        while (k < n && src.charCodeAt(k) !== LF && src.charCodeAt(k) !== CR) k++;
        i = j;
        if (k > j) {
          f.space = true;
          emit(f, 'bareword', j, k, src.slice(j, k));
        }
        return;
      }
      if (isParamStart(e)) {
        let j = i + dashes + 1;
        while (j < n && isParamChar(src.charCodeAt(j))) j++;
        const name = src.slice(i + dashes, j);
        emit(f, 'parameter', i, code(j) === COLON ? j + 1 : j, name);
        return;
      }
      if (dashes === 2) emit(f, 'operator', i, i + 2, '--');
      else if (d === EQ) emit(f, 'operator', i, i + 2, '-=');
      else emit(f, 'operator', i, i + 1, '-');
      return;
    }
    switch (c) {
      case AT: {
        if (isSingleQuote(d) || isDoubleQuote(d)) {
          let k = i + 2;
          while (k < n && (src.charCodeAt(k) === SPACE || src.charCodeAt(k) === TAB)) k++;
          if (k >= n || src.charCodeAt(k) === LF || src.charCodeAt(k) === CR) {
            const contentStart = k >= n ? n : k + (src.charCodeAt(k) === CR && code(k + 1) === LF ? 2 : 1);
            startString(f, i, contentStart, isDoubleQuote(d), true);
            return;
          }
          emit(f, 'operator', i, i + 1, '@');
          return;
        }
        if (d === LPAREN || d === LBRACE) {
          if (d === LPAREN && f.sub) f.depth++;
          emit(f, 'open', i, i + 2, d === LPAREN ? '@(' : '@{');
          return;
        }
        if (isWordCode(d)) {
          let j = i + 2;
          while (j < n && isWordCode(src.charCodeAt(j))) j++;
          emit(f, 'splat', i, j, src.slice(i + 1, j));
          return;
        }
        emit(f, 'operator', i, i + 1, '@');
        return;
      }
      case DOLLAR: {
        if (d === LPAREN) {
          if (f.sub) f.depth++;
          emit(f, 'open', i, i + 2, '$(');
          return;
        }
        const end = variableEnd(i);
        if (end < 0) {
          emit(f, 'bareword', i, i + 1, '$');
          return;
        }
        const name = d === LBRACE ? src.slice(i + 2, Math.max(i + 2, end - 1)).replace(/`(.)/gs, '$1') : src.slice(i + 1, end);
        emit(f, 'variable', i, end, name);
        return;
      }
      case LBRACKET: {
        const indexing = lastIsValue(f, ['variable', 'close', 'string', 'member']);
        const close = typeEnds[i]!;
        if (!indexing && close > i) {
          let k = i + 1;
          while (k < close && isBlank(src.charCodeAt(k))) k++;
          const first = src.charCodeAt(k);
          if (first === UNDERSCORE || isLetterCode(first)) {
            emit(f, 'type', i, close + 1, src.slice(i + 1, close).replace(/\s+/g, ''));
            return;
          }
        }
        emit(f, 'open', i, i + 1, '[');
        return;
      }
      case LPAREN:
        if (f.sub) f.depth++;
        emit(f, 'open', i, i + 1, '(');
        return;
      case RPAREN:
        if (f.sub && f.depth === 0) {
          // End of a string's $( … ): hand control back to the string.
          frames.pop();
          i++;
          return;
        }
        if (f.sub) f.depth--;
        emit(f, 'close', i, i + 1, ')');
        return;
      case LBRACE:
        emit(f, 'open', i, i + 1, '{');
        return;
      case RBRACE:
      case RBRACKET:
        emit(f, 'close', i, i + 1, src[i]!);
        return;
      case SEMI:
      case COMMA:
      case BANG:
      case EQ:
        emit(f, 'operator', i, i + 1, src[i]!);
        return;
      case PIPE:
      case AMP:
        emit(f, 'operator', i, d === c ? i + 2 : i + 1, d === c ? src.slice(i, i + 2) : src[i]!);
        return;
      case LT:
        emit(f, 'operator', i, i + 1, '<');
        return;
      case GT: {
        let end = i + 1;
        if (d === GT) end = i + 2;
        else if (d === AMP && (code(i + 2) === 49 || code(i + 2) === 50)) end = i + 3;
        emit(f, 'operator', i, end, src.slice(i, end));
        return;
      }
      case PLUS:
        emit(f, 'operator', i, d === EQ || d === PLUS ? i + 2 : i + 1, d === EQ ? '+=' : d === PLUS ? '++' : '+');
        return;
      case STAR:
      case SLASH:
      case PERCENT:
        if (d === EQ) {
          emit(f, 'operator', i, i + 2, src.slice(i, i + 2));
          return;
        }
        break;
      case COLON:
        if (d === COLON) {
          emit(f, 'operator', i, i + 2, '::');
          f.expectMember = true;
          return;
        }
        break;
      case DOT: {
        const memberAccess = lastIsValue(f, ['variable', 'close', 'string', 'member', 'type']);
        if (d === DOT) {
          const e = code(i + 2);
          if (memberAccess || (e !== BACKSLASH && e !== SLASH)) {
            emit(f, 'operator', i, i + 2, '..');
            return;
          }
          break; // ..\path is a bareword
        }
        if (memberAccess) {
          emit(f, 'operator', i, i + 1, '.');
          f.expectMember = true;
          return;
        }
        if (d >= 48 && d <= 57) break; // .5 is a number
        if (
          d < 0 || isBlank(d) || d === LF || d === CR || d === DOLLAR || d === LPAREN || d === LBRACE ||
          d === AMP || d === AT || isSingleQuote(d) || isDoubleQuote(d)
        ) {
          emit(f, 'operator', i, i + 1, '.');
          return;
        }
        break; // .\script.ps1, ./x: a path
      }
      default:
        break;
    }
    if ((c >= 48 && c <= 57) || (c === DOT && d >= 48 && d <= 57)) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(src);
      const end = m === null ? i + 1 : i + m[0].length;
      const next = code(end);
      // 7z.exe and 1st are words; 1..5, 100/2 and 3-1 are numbers with operators.
      const wordFollows =
        (next === DOT && code(end + 1) !== DOT) || next === UNDERSCORE || next === BACKSLASH || next === COLON || isLetterCode(next);
      if (wordFollows) {
        const word = barewordEnd(i);
        emit(f, 'bareword', i, word.end, word.value);
      } else {
        emit(f, 'number', i, end, src.slice(i, end));
      }
      return;
    }
    const word = barewordEnd(i);
    emit(f, 'bareword', i, word.end, word.value);
  };

  while (frames.length > 0) {
    if (i >= n) {
      // Out of input: close whatever is still open, innermost first.
      while (frames.length > 0) {
        const f = frames.pop()!;
        if (f.kind === 'string') finishString(f, n, n, false);
      }
      break;
    }
    const f = frames[frames.length - 1]!;
    if (f.kind === 'code') stepCode(f);
    else stepString(f);
  }
  return top;
}

function codeFrame(tokens: PsToken[], sub: boolean): CodeFrame {
  return { kind: 'code', tokens, sub, depth: 0, space: true, expectMember: false };
}

function findLineStarts(src: string): number[] {
  const starts = [0];
  for (let k = 0; k < src.length; k++) {
    const c = src.charCodeAt(k);
    if (c === LF) starts.push(k + 1);
    else if (c === CR) {
      if (src.charCodeAt(k + 1) === LF) k++;
      starts.push(k + 1);
    }
  }
  return starts;
}

/**
 * For each `[` that opens a balanced run of type-name characters (`[int]`, `[List[string]]`,
 * `[ scriptblock ]`), the offset of its `]`; -1 elsewhere. One pass with a stack that empties at
 * any other character, so looking a type literal up later costs nothing. Such runs never cross
 * a quote, `#` or newline, so strings and comments cannot confuse it.
 */
function matchTypeBrackets(src: string): Int32Array {
  const ends = new Int32Array(src.length + 1).fill(-1);
  const open: number[] = [];
  for (let k = 0; k < src.length; k++) {
    const c = src.charCodeAt(k);
    if (c === LBRACKET) open.push(k);
    else if (c === RBRACKET) {
      const o = open.pop();
      if (o !== undefined) ends[o] = k;
    } else if (open.length > 0 && !isTypeNameCode(c)) open.length = 0;
  }
  return ends;
}

/**
 * The value of a string from its raw content: '' → ' in single-quoted strings, "" → " and
 * backtick escapes in double-quoted ones; here-strings only take escapes (when double).
 */
function cookString(raw: string, double: boolean, here: boolean): string {
  if (!double) return here ? raw : raw.replace(/['\u2018\u2019\u201A\u201B]{2}/g, (q) => q[0]!);
  let out = '';
  let seg = 0;
  for (let k = 0; k < raw.length; k++) {
    const c = raw.charCodeAt(k);
    if (c === BACKTICK && k + 1 < raw.length) {
      const [text, length] = cookEscape(raw, k);
      out += raw.slice(seg, k) + text;
      k += length - 1;
      seg = k + 1;
    } else if (!here && isDoubleQuote(c) && isDoubleQuote(raw.charCodeAt(k + 1))) {
      out += raw.slice(seg, k + 1);
      k++;
      seg = k + 1;
    }
  }
  return seg === 0 ? raw : out + raw.slice(seg);
}

function cookEscape(src: string, j: number): [string, number] {
  const e = src[j + 1]!;
  switch (e) {
    case '0':
      return ['\0', 2];
    case 'a':
      return ['\x07', 2];
    case 'b':
      return ['\b', 2];
    case 'e':
      return ['\x1b', 2];
    case 'f':
      return ['\f', 2];
    case 'n':
      return ['\n', 2];
    case 'r':
      return ['\r', 2];
    case 't':
      return ['\t', 2];
    case 'v':
      return ['\v', 2];
    case 'u': {
      const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(src.slice(j + 2, j + 10));
      if (m !== null) {
        const cp = Number.parseInt(m[1]!, 16);
        if (cp <= 0x10ffff) return [String.fromCodePoint(cp), 2 + m[0].length];
      }
      return ['u', 2];
    }
    default:
      return [e, 2];
  }
}

function isBlank(c: number): boolean {
  return (
    c === SPACE || c === TAB || c === VT || c === FF || c === 0xa0 || c === 0x85 || c === 0xfeff ||
    c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

function isDash(c: number): boolean {
  return c === 45 || c === 0x2013 || c === 0x2014 || c === 0x2015;
}

function isDoubleQuote(c: number): boolean {
  return c === 34 || c === 0x201c || c === 0x201d || c === 0x201e;
}

function isSingleQuote(c: number): boolean {
  return c === 39 || c === 0x2018 || c === 0x2019 || c === 0x201a || c === 0x201b;
}

function isLetterCode(c: number): boolean {
  if (c < 0) return false;
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return LETTER.test(String.fromCharCode(c));
}

function isWordCode(c: number): boolean {
  if (c < 0) return false;
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === UNDERSCORE;
  return LETTER_OR_DIGIT.test(String.fromCharCode(c));
}

function isParamStart(c: number): boolean {
  return c === UNDERSCORE || c === QUESTION || isLetterCode(c);
}

function isParamChar(c: number): boolean {
  return !isBlank(c) && c !== LF && c !== CR && c !== COLON && c !== DOT && c !== BACKTICK && !isBarewordStop(c);
}

function isBarewordStop(c: number): boolean {
  switch (c) {
    case LPAREN:
    case RPAREN:
    case LBRACE:
    case RBRACE:
    case LBRACKET:
    case RBRACKET:
    case SEMI:
    case COMMA:
    case PIPE:
    case AMP:
    case DOLLAR:
    case EQ:
    case LT:
    case GT:
      return true;
    default:
      return isSingleQuote(c) || isDoubleQuote(c);
  }
}

function isTypeNameCode(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ||
    c === UNDERSCORE || c === DOT || c === COMMA || c === SPACE || c === TAB || c === PLUS || c === BACKTICK
  );
}
