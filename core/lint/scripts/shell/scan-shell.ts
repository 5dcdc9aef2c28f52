import type { ScriptIssue } from '../script-issue.js';

/**
 * Scans a bash runbook script for places where data can become code, and checks the
 * parameter-binding contract: parameters arrive only as NUL-terminated values on stdin, bound at
 * the top by `IFS= read -r -d '' <name> || true` lines in declaration order.
 *
 * Pure and linear in the script length; never throws (a script it cannot follow yields a
 * LINT_SH_SCAN_INCOMPLETE warning next to whatever it found). A small bash lexer sees comments,
 * quotes, `$'…'`, `${…}`, `$(…)`, backticks, arithmetic, here-documents and line continuations, so
 * text in comments, single quotes and quoted here-documents is never mistaken for code.
 *
 * Codes: LINT_SH_EVAL, LINT_SH_CHILD_SHELL, LINT_SH_SOURCE_VARIABLE, LINT_SH_SPLICED_PARAM,
 * LINT_SH_ARITH_PARAM (warning), LINT_SH_PARAM_UNBOUND, LINT_SH_PARAM_ORDER,
 * LINT_SH_PARAM_UNDECLARED (warning), LINT_SH_NO_STRICT_MODE (warning), LINT_SH_SCAN_INCOMPLETE
 * (warning).
 *
 * @example
 * scanShell("#!/bin/bash\nset -euo pipefail\nIFS= read -r -d '' host || true\neval \"ping $host\"\n", ['host']);
 * // → [{ code: 'LINT_SH_EVAL', line: 4, column: 1, … },
 * //    { code: 'LINT_SH_SPLICED_PARAM', line: 4, column: 12, … }]
 */
export function scanShell(source: string, declaredParams: readonly string[]): ScriptIssue[] {
  const src = typeof source === 'string' ? source : '';
  const params = Array.isArray(declaredParams) ? declaredParams.filter((p) => typeof p === 'string') : [];
  const sink = new IssueSink(src);
  try {
    scanRegion(src, 0, src.length, params, sink, false);
  } catch {
    // Defence in depth for "never throws": report that the scan stopped rather than crash the
    // validator, keeping what was found so far.
    sink.add('LINT_SH_SCAN_INCOMPLETE', 0, 'warning', 'the shell scanner stopped early on this script', INCOMPLETE_HINT);
  }
  return sink.result();
}

// ───────────────────────────── lexer / parser ─────────────────────────────

/** Deeper nesting than this ($( $( … ))) is refused so recursion can never exhaust the stack. */
const MAX_NESTING = 100;
/** Strict mode must appear within this many non-blank, non-comment lines. */
const STRICT_MODE_WINDOW = 20;
/** Wrapper commands followed in one command line (sudo env timeout … cmd). */
const MAX_WRAPPER_HOPS = 16;
const INCOMPLETE_HINT =
  'Simplify the script (fewer nested substitutions) so it can be checked; until then review it by hand.';

class NestingLimit extends Error {}

interface Ref {
  name: string;
  /** Offset of the `$` (or of a bare name inside arithmetic). */
  offset: number;
  kind: 'plain' | 'arith' | 'indirect';
  /** A reference that yields numbers whatever the value holds (array indices): carries no taint. */
  numeric?: boolean;
}

interface Word {
  start: number;
  end: number;
  /** Value after quote removal when the word holds no expansion; null otherwise. */
  literal: string | null;
  /** The outer shell performs an expansion or substitution inside this word. */
  dynamic: boolean;
  /** The word contains a process substitution <(…) or >(…). */
  procSubst: boolean;
  /** Content range when the word is exactly one single-quoted string. */
  sq: { start: number; end: number } | null;
}

interface HereDoc {
  delim: string;
  quoted: boolean;
  strip: boolean;
  bodyStart: number;
  bodyEnd: number;
  dynamic: boolean;
}

interface Redir {
  op: string;
  target: Word | null;
  heredoc: HereDoc | null;
}

interface Cmd {
  kind: 'simple' | 'cond' | 'list';
  assigns: Word[];
  words: Word[];
  redirs: Redir[];
  start: number;
  /** Runs in the script's own shell at the top level (no block, function, subshell, substitution). */
  topLevel: boolean;
  /** Its stdin is the previous pipeline element's output. */
  pipedIn: boolean;
  /** For `for NAME in …`: the loop variable. */
  forVar: Word | null;
}

interface Builder {
  lit: string;
  dynamic: boolean;
  procSubst: boolean;
  parts: number;
  sq: { start: number; end: number } | null;
}

function newBuilder(): Builder {
  return { lit: '', dynamic: false, procSubst: false, parts: 0, sq: null };
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t';
}
function isMeta(c: string): boolean {
  return c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<' || c === '>';
}
function isDelim(c: string): boolean {
  return c === '' || c === '\n' || isSpace(c) || isMeta(c);
}
function isNameStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isNameChar(c: string): boolean {
  return isNameStart(c) || (c >= '0' && c <= '9');
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isIdentifier(s: string): boolean {
  if (s.length === 0 || !isNameStart(s.charAt(0))) return false;
  for (let i = 1; i < s.length; i++) if (!isNameChar(s.charAt(i))) return false;
  return true;
}

/** Length of `name=`, `name+=` or `name[…]=` at the start of `raw`, or 0 when it is no assignment. */
function assignmentPrefix(raw: string): { name: string; length: number } | null {
  if (!isNameStart(raw.charAt(0))) return null;
  let i = 1;
  while (i < raw.length && isNameChar(raw.charAt(i))) i++;
  const name = raw.slice(0, i);
  if (raw.charAt(i) === '[') {
    const close = raw.indexOf(']', i);
    if (close < 0) return null;
    i = close + 1;
  }
  if (raw.charAt(i) === '+') i++;
  return raw.charAt(i) === '=' ? { name, length: i + 1 } : null;
}

/** Reserved words that open a block (`for`, `select` and `case` open one in their own parsers). */
const RESERVED_OPEN = new Set(['if', 'while', 'until', '{']);
const RESERVED_CLOSE = new Set(['fi', 'done', '}', 'esac']);
const RESERVED_PASS = new Set(['then', 'else', 'elif', 'do', '!']);

/**
 * A recursive-descent reader for the parts of bash syntax that decide what is code: command
 * boundaries, words, quoting, substitutions and here-documents. Every character is visited a
 * bounded number of times; nesting is capped at MAX_NESTING.
 */
class Parser {
  pos: number;
  end: number;
  nest = 0;
  depth = 0;
  arith = 0;
  readonly cmds: Cmd[] = [];
  readonly refs: Ref[] = [];
  pending: HereDoc[] = [];

  constructor(
    readonly src: string,
    start: number,
    end: number,
  ) {
    this.pos = start;
    this.end = end;
  }

  ch(at: number): string {
    return at < this.end ? this.src.charAt(at) : '';
  }

  enter(): void {
    if (++this.depth > MAX_NESTING) throw new NestingLimit();
  }

  /** Records a variable reference; `numeric` ones (array indices) are never evaluated as arithmetic text. */
  ref(name: string, offset: number, kind: Ref['kind'], numeric = false): void {
    this.refs.push({ name, offset, kind: kind === 'plain' && this.arith > 0 && !numeric ? 'arith' : kind, ...(numeric ? { numeric } : {}) });
  }

  newCmd(pipedIn: boolean, kind: Cmd['kind'] = 'simple'): Cmd {
    return {
      kind,
      assigns: [],
      words: [],
      redirs: [],
      start: this.pos,
      topLevel: this.nest === 0,
      pipedIn,
      forVar: null,
    };
  }

  skipBlanks(): void {
    for (;;) {
      const c = this.ch(this.pos);
      if (isSpace(c)) this.pos++;
      else if (c === '\\' && this.ch(this.pos + 1) === '\n') this.pos += 2;
      else return;
    }
  }

  /** Skips blanks, newlines (reading pending here-documents) and comments. */
  skipBlankLines(): void {
    for (;;) {
      this.skipBlanks();
      const c = this.ch(this.pos);
      if (c === '\n') this.newline();
      else if (c === '#') this.skipComment();
      else return;
    }
  }

  skipComment(): void {
    const nl = this.src.indexOf('\n', this.pos);
    this.pos = nl < 0 || nl > this.end ? this.end : nl;
  }

  keywordAt(word: string): boolean {
    return this.src.startsWith(word, this.pos) && this.pos + word.length <= this.end && isDelim(this.ch(this.pos + word.length));
  }

  newline(): void {
    this.pos++;
    if (this.pending.length > 0) this.readHereDocs();
  }

  /**
   * Parses commands until end of input, a closing `)` (when `closer`), or — inside a case arm —
   * `;;`/`;&`/`;;&` or `esac`.
   */
  parseList(closer: boolean, inCase: boolean): 'eof' | ')' | ';;' | 'esac' {
    const baseNest = this.nest;
    let cmd = this.newCmd(false);
    const finish = (pipedIn: boolean): void => {
      if (cmd.words.length > 0 || cmd.assigns.length > 0 || cmd.redirs.length > 0) this.cmds.push(cmd);
      cmd = this.newCmd(pipedIn);
    };
    const atCommandStart = (): boolean => cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirs.length === 0;

    while (this.pos < this.end) {
      const c = this.ch(this.pos);
      const n = this.ch(this.pos + 1);
      if (isSpace(c)) {
        this.pos++;
        continue;
      }
      if (c === '\\' && n === '\n') {
        this.pos += 2;
        continue;
      }
      if (c === '\n') {
        finish(false);
        this.newline();
        continue;
      }
      if (c === '#') {
        this.skipComment();
        continue;
      }
      if (c === ')') {
        finish(false);
        this.pos++;
        if (closer) return ')';
        continue; // stray ')': keep going
      }
      if (c === ';') {
        finish(false);
        if (n === ';' || n === '&') {
          this.pos += n === ';' && this.ch(this.pos + 2) === '&' ? 3 : 2;
          if (inCase) return ';;';
        } else this.pos++;
        continue;
      }
      if (c === '&') {
        if (n === '>') {
          this.parseRedirection(cmd);
          continue;
        }
        finish(false);
        this.pos += n === '&' ? 2 : 1;
        continue;
      }
      if (c === '|') {
        finish(n !== '|');
        this.pos += n === '|' || n === '&' ? 2 : 1;
        continue;
      }
      if (c === '(') {
        if (atCommandStart()) {
          if (n === '(') {
            this.pos += 2;
            this.parseArith('))');
          } else {
            this.pos++;
            this.parseNested();
          }
          continue;
        }
        if (cmd.words.length === 1 && cmd.assigns.length === 0) {
          // name() { …; }: a function definition, not a command named `name`.
          this.pos++;
          this.skipBlanks();
          if (this.ch(this.pos) === ')') this.pos++;
          cmd = this.newCmd(false);
          continue;
        }
        this.pos++;
        continue;
      }
      if ((c === '<' || c === '>') && n !== '(') {
        this.parseRedirection(cmd);
        continue;
      }
      if (isDigit(c)) {
        let k = this.pos;
        while (isDigit(this.ch(k))) k++;
        const after = this.ch(k);
        if ((after === '<' || after === '>') && this.ch(k + 1) !== '(') {
          this.pos = k;
          this.parseRedirection(cmd);
          continue;
        }
      }

      const start = this.pos;
      const word = this.readWord(false);
      if (this.pos === start) {
        this.pos++; // never stall on a character the word reader refuses
        continue;
      }
      if (atCommandStart()) {
        const raw = this.src.slice(word.start, word.end);
        if (raw === 'esac' && inCase) {
          finish(false);
          return 'esac';
        }
        if (RESERVED_OPEN.has(raw)) {
          this.nest++;
          cmd.start = this.pos;
          cmd.topLevel = false;
          continue;
        }
        if (RESERVED_CLOSE.has(raw)) {
          this.nest = Math.max(baseNest, this.nest - 1);
          cmd = this.newCmd(false);
          continue;
        }
        if (RESERVED_PASS.has(raw)) {
          cmd.start = this.pos;
          continue;
        }
        if (raw === 'for' || raw === 'select') {
          this.parseFor();
          cmd = this.newCmd(false);
          continue;
        }
        if (raw === 'case') {
          this.parseCase();
          cmd = this.newCmd(false);
          continue;
        }
        if (raw === 'function') {
          this.skipBlanks();
          this.readWord(false);
          this.skipBlanks();
          if (this.ch(this.pos) === '(') {
            this.pos++;
            this.skipBlanks();
            if (this.ch(this.pos) === ')') this.pos++;
          }
          cmd = this.newCmd(false);
          continue;
        }
        if (raw === '[[') {
          cmd.kind = 'cond';
          cmd.start = word.start;
          cmd.words.push(word);
          this.parseCond(cmd);
          finish(false);
          continue;
        }
      }
      if (cmd.words.length === 0 && assignmentPrefix(this.src.slice(word.start, word.end)) !== null) {
        if (cmd.assigns.length === 0 && cmd.redirs.length === 0) cmd.start = word.start;
        cmd.assigns.push(word);
        continue;
      }
      if (atCommandStart()) cmd.start = word.start;
      cmd.words.push(word);
    }
    finish(false);
    return 'eof';
  }

  /** `[[ … ]]`: `<`, `>`, `(`, `)` and `|` are part of the expression, not operators. */
  parseCond(cmd: Cmd): void {
    let afterLogical = false;
    for (;;) {
      this.skipBlanks();
      const c = this.ch(this.pos);
      if (c === '') return;
      if (c === '\n') {
        if (!afterLogical) return;
        this.newline();
        continue;
      }
      if (c === ';') return;
      if (c === ']' && this.ch(this.pos + 1) === ']' && isDelim(this.ch(this.pos + 2))) {
        this.pos += 2;
        return;
      }
      const two = this.src.slice(this.pos, this.pos + 2);
      if (two === '&&' || two === '||') {
        cmd.words.push({ start: this.pos, end: this.pos + 2, literal: two, dynamic: false, procSubst: false, sq: null });
        this.pos += 2;
        afterLogical = true;
        continue;
      }
      const start = this.pos;
      const w = this.readWord(true);
      if (this.pos === start) {
        this.pos++;
        continue;
      }
      cmd.words.push(w);
      afterLogical = false;
    }
  }

  /** `for NAME [in WORDS]` or `for ((…))`; the body is parsed by the caller. */
  parseFor(): void {
    this.nest++; // closed by `done`
    this.skipBlanks();
    if (this.ch(this.pos) === '(' && this.ch(this.pos + 1) === '(') {
      this.pos += 2;
      this.parseArith('))');
      return;
    }
    const list = this.newCmd(false, 'list');
    list.topLevel = false;
    list.forVar = this.readWord(false);
    this.skipBlanks();
    if (this.keywordAt('in')) {
      this.pos += 2;
      for (;;) {
        this.skipBlanks();
        const c = this.ch(this.pos);
        if (c === '' || c === '\n' || c === ';' || c === '&' || c === '#') break;
        const start = this.pos;
        const w = this.readWord(false);
        if (this.pos === start) break;
        list.words.push(w);
      }
    }
    this.cmds.push(list);
  }

  /** `case WORD in PATTERN) LIST ;; … esac`: patterns are words, never commands. */
  parseCase(): void {
    this.enter();
    this.skipBlanks();
    const subject = this.newCmd(false, 'list');
    subject.topLevel = false;
    subject.words.push(this.readWord(false));
    this.cmds.push(subject);
    this.skipBlankLines();
    if (this.keywordAt('in')) this.pos += 2;
    this.nest++;
    for (;;) {
      this.skipBlankLines();
      if (this.pos >= this.end) break;
      if (this.keywordAt('esac')) {
        this.pos += 4;
        break;
      }
      if (this.ch(this.pos) === '(') this.pos++;
      for (;;) {
        this.skipBlanks();
        const c = this.ch(this.pos);
        if (c === ')') {
          this.pos++;
          break;
        }
        if (c === '|') {
          this.pos++;
          continue;
        }
        if (c === '' || c === '\n' || c === ';') break;
        const start = this.pos;
        this.readWord(false);
        if (this.pos === start) this.pos++;
      }
      const r = this.parseList(false, true);
      if (r !== ';;') break;
    }
    this.nest--;
    this.depth--;
  }

  parseRedirection(cmd: Cmd): void {
    const s = this.src;
    let op: string;
    if (s.startsWith('<<<', this.pos)) op = '<<<';
    else if (s.startsWith('<<-', this.pos)) op = '<<-';
    else if (s.startsWith('&>>', this.pos)) op = '&>>';
    else {
      const two = s.slice(this.pos, this.pos + 2);
      op = ['<<', '<>', '<&', '>>', '>&', '>|', '&>'].includes(two) ? two : s.charAt(this.pos);
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirs.length === 0) cmd.start = this.pos;
    this.pos += op.length;
    this.skipBlanks();
    const c = this.ch(this.pos);
    const target = c === '' || c === '\n' || (isMeta(c) && !((c === '<' || c === '>') && this.ch(this.pos + 1) === '(')) ? null : this.readWord(false);
    if ((op === '<<' || op === '<<-') && target !== null) {
      const raw = s.slice(target.start, target.end);
      const quoted = /['"\\]/.test(raw);
      const doc: HereDoc = {
        delim: target.literal ?? raw,
        quoted,
        strip: op === '<<-',
        bodyStart: this.end,
        bodyEnd: this.end,
        dynamic: false,
      };
      this.pending.push(doc);
      cmd.redirs.push({ op, target, heredoc: doc });
      return;
    }
    cmd.redirs.push({ op, target, heredoc: null });
  }

  /** Reads the bodies of here-documents whose operator appeared on the line just ended. */
  readHereDocs(): void {
    const docs = this.pending;
    this.pending = [];
    const s = this.src;
    for (const doc of docs) {
      doc.bodyStart = this.pos;
      doc.bodyEnd = this.end;
      while (this.pos < this.end) {
        let lineEnd = s.indexOf('\n', this.pos);
        if (lineEnd < 0 || lineEnd > this.end) lineEnd = this.end;
        let lineStart = this.pos;
        if (doc.strip) while (lineStart < lineEnd && s.charAt(lineStart) === '\t') lineStart++;
        const next = lineEnd < this.end ? lineEnd + 1 : lineEnd;
        if (lineEnd - lineStart === doc.delim.length && s.startsWith(doc.delim, lineStart)) {
          doc.bodyEnd = this.pos;
          this.pos = next;
          break;
        }
        this.pos = next;
      }
      if (!doc.quoted) {
        // An unquoted body expands like a double-quoted string, except that `"` is literal.
        const resume = this.pos;
        const outerEnd = this.end;
        this.end = doc.bodyEnd;
        this.pos = doc.bodyStart;
        const b = newBuilder();
        while (this.pos < this.end) {
          const c = s.charAt(this.pos);
          if (c === '\\') this.pos += 2;
          else if (c === '$') this.parseDollar(b, true);
          else if (c === '`') this.parseBacktick(b);
          else this.pos++;
        }
        doc.dynamic = b.dynamic;
        this.end = outerEnd;
        this.pos = resume;
      }
    }
  }

  /** Reads one shell word starting at `pos`. In `[[ … ]]` (`cond`), only blanks end a word. */
  readWord(cond: boolean): Word {
    const s = this.src;
    const start = this.pos;
    const b = newBuilder();
    let plain = 0; // count of unquoted characters, so a word like a'b' is not "single-quoted only"
    while (this.pos < this.end) {
      const c = s.charAt(this.pos);
      if (c === '\n' || isSpace(c)) break;
      if (cond) {
        if (c === ';') break;
        const two = s.slice(this.pos, this.pos + 2);
        if (two === '&&' || two === '||') break;
      } else if (isMeta(c)) {
        if ((c === '<' || c === '>') && this.ch(this.pos + 1) === '(') {
          this.pos += 2;
          this.parseNested();
          b.dynamic = true;
          b.procSubst = true;
          b.parts++;
          continue;
        }
        if (c === '(') {
          const prefix = assignmentPrefix(s.slice(start, this.pos));
          if (prefix !== null && prefix.length === this.pos - start) {
            this.readArrayBody(b);
            continue;
          }
          const prev = this.pos > start ? s.charAt(this.pos - 1) : '';
          if (prev === '@' || prev === '!' || prev === '+' || prev === '*' || prev === '?') {
            this.skipBalancedParens(b);
            continue;
          }
        }
        break;
      }
      if (c === '\\') {
        const nx = this.ch(this.pos + 1);
        this.pos += 2;
        if (nx !== '\n') {
          b.lit += nx;
          plain++;
        }
        continue;
      }
      if (c === "'") {
        const close = this.closeSingle(this.pos + 1);
        b.lit += s.slice(this.pos + 1, close);
        b.parts++;
        if (b.parts === 1) b.sq = { start: this.pos + 1, end: close };
        this.pos = Math.min(close + 1, this.end);
        continue;
      }
      if (c === '"') {
        b.parts += 2; // never "single-quoted only"
        this.parseDouble(b);
        continue;
      }
      if (c === '$') {
        b.parts += 2;
        this.parseDollar(b, false);
        continue;
      }
      if (c === '`') {
        b.parts += 2;
        this.parseBacktick(b);
        continue;
      }
      // A run of ordinary characters.
      const runStart = this.pos;
      this.pos++;
      while (this.pos < this.end) {
        const d = s.charAt(this.pos);
        if (d === '\n' || isSpace(d) || d === '\\' || d === "'" || d === '"' || d === '$' || d === '`' || isMeta(d)) break;
        this.pos++;
      }
      b.lit += s.slice(runStart, this.pos);
      plain += this.pos - runStart;
    }
    return {
      start,
      end: this.pos,
      literal: b.dynamic ? null : b.lit,
      dynamic: b.dynamic,
      procSubst: b.procSubst,
      sq: b.parts === 1 && plain === 0 ? b.sq : null,
    };
  }

  closeSingle(from: number): number {
    const close = this.src.indexOf("'", from);
    return close < 0 || close > this.end ? this.end : close;
  }

  /** `name=( … )`: array elements are words; expansions in them are recorded. */
  readArrayBody(b: Builder): void {
    this.enter();
    this.pos++;
    for (;;) {
      this.skipBlankLines();
      const c = this.ch(this.pos);
      if (c === '' || c === ')') {
        if (c === ')') this.pos++;
        this.depth--;
        return;
      }
      const start = this.pos;
      const w = this.readWord(false);
      if (w.dynamic) b.dynamic = true;
      if (this.pos === start) this.pos++;
    }
  }

  /** Extended glob `@( … )`: literal text with balanced parentheses. */
  skipBalancedParens(b: Builder): void {
    const start = this.pos;
    let depth = 0;
    while (this.pos < this.end) {
      const c = this.src.charAt(this.pos);
      if (c === '\\') this.pos += 2;
      else {
        this.pos++;
        if (c === '(') depth++;
        else if (c === ')' && --depth === 0) break;
        else if (c === '\n') break;
      }
    }
    b.lit += this.src.slice(start, Math.min(this.pos, this.end));
  }

  parseDouble(b: Builder): void {
    const s = this.src;
    this.pos++;
    while (this.pos < this.end) {
      const c = s.charAt(this.pos);
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const nx = this.ch(this.pos + 1);
        if (nx === '\n') this.pos += 2;
        else if (nx === '$' || nx === '`' || nx === '"' || nx === '\\') {
          b.lit += nx;
          this.pos += 2;
        } else {
          b.lit += '\\';
          this.pos++;
        }
        continue;
      }
      if (c === '$') {
        this.parseDollar(b, true);
        continue;
      }
      if (c === '`') {
        this.parseBacktick(b);
        continue;
      }
      const runStart = this.pos;
      this.pos++;
      while (this.pos < this.end) {
        const d = s.charAt(this.pos);
        if (d === '"' || d === '\\' || d === '$' || d === '`') break;
        this.pos++;
      }
      b.lit += s.slice(runStart, this.pos);
    }
  }

  /** `pos` is at `$`. Records a reference and marks the builder dynamic when something expands. */
  parseDollar(b: Builder, inDq: boolean): void {
    const s = this.src;
    const at = this.pos;
    const c = this.ch(at + 1);
    if (c === '(') {
      b.dynamic = true;
      if (this.ch(at + 2) === '(') {
        this.pos = at + 3;
        this.parseArith('))');
      } else {
        this.pos = at + 2;
        this.parseNested();
      }
      return;
    }
    if (c === '[') {
      b.dynamic = true;
      this.pos = at + 2;
      this.parseArith(']');
      return;
    }
    if (c === '{') {
      b.dynamic = true;
      this.parseBrace(inDq);
      return;
    }
    if (c === "'" && !inDq) {
      // $'…' (ANSI-C quoting): a literal, backslash escapes a quote.
      this.pos = at + 2;
      const runStart = this.pos;
      while (this.pos < this.end && s.charAt(this.pos) !== "'") this.pos += s.charAt(this.pos) === '\\' ? 2 : 1;
      b.lit += s.slice(runStart, Math.min(this.pos, this.end));
      this.pos = Math.min(this.pos + 1, this.end);
      return;
    }
    if (c === '"' && !inDq) {
      this.pos = at + 1;
      this.parseDouble(b);
      return;
    }
    if (isNameStart(c)) {
      let k = at + 2;
      while (isNameChar(this.ch(k))) k++;
      this.ref(s.slice(at + 1, k), at, 'plain');
      this.pos = k;
      b.dynamic = true;
      return;
    }
    if (isDigit(c) || (c !== '' && '@*#?-$!'.includes(c))) {
      this.ref(c, at, 'plain');
      this.pos = at + 2;
      b.dynamic = true;
      return;
    }
    b.lit += '$';
    this.pos = at + 1;
  }

  /** `pos` is at `$` of `${…}`. */
  parseBrace(inDq: boolean): void {
    this.enter();
    const s = this.src;
    const at = this.pos;
    let p = at + 2;
    let kind: Ref['kind'] = 'plain';
    let record = true;
    if (this.ch(p) === '!' && (isNameStart(this.ch(p + 1)) || isDigit(this.ch(p + 1)))) {
      p++;
      const nameStart = p;
      while (isNameChar(this.ch(p))) p++;
      const next = this.ch(p);
      if (next === '*' || next === '@') record = false; // ${!prefix*}: lists variable names
      else if (next === '[') kind = s.startsWith('[@]', p) || s.startsWith('[*]', p) ? 'plain' : 'indirect';
      else kind = 'indirect';
      // ${!arr[@]} lists indices: numbers, safe in arithmetic.
      if (record) this.ref(s.slice(nameStart, p), at, kind, kind === 'plain');
    } else {
      // ${#name} is a length: a number whatever the value holds, so it is no reference to the value.
      const isLength = this.ch(p) === '#' && this.ch(p + 1) !== '}';
      if (isLength) p++;
      const nameStart = p;
      if (isNameStart(this.ch(p))) while (isNameChar(this.ch(p))) p++;
      else if (isDigit(this.ch(p))) while (isDigit(this.ch(p))) p++;
      else if (this.ch(p) !== '' && '@*#?-$!'.includes(this.ch(p))) p++;
      if (p > nameStart && !isLength) this.ref(s.slice(nameStart, p), at, 'plain');
    }
    this.pos = p;
    const scratch = newBuilder();
    while (this.pos < this.end) {
      const c = s.charAt(this.pos);
      if (c === '}') {
        this.pos++;
        break;
      }
      if (c === '\\') this.pos += 2;
      else if (c === "'" && !inDq) this.pos = Math.min(this.closeSingle(this.pos + 1) + 1, this.end);
      else if (c === '"') this.parseDouble(scratch);
      else if (c === '$') this.parseDollar(scratch, inDq);
      else if (c === '`') this.parseBacktick(scratch);
      else this.pos++;
    }
    this.depth--;
  }

  /** Arithmetic `$((…))`, `((…))`, `$[…]`: bare names are variable references too. */
  parseArith(term: '))' | ']'): void {
    this.enter();
    this.arith++;
    const s = this.src;
    const scratch = newBuilder();
    let depth = 0;
    while (this.pos < this.end) {
      const c = s.charAt(this.pos);
      if (c === '(') {
        depth++;
        this.pos++;
      } else if (c === ')') {
        if (depth > 0) {
          depth--;
          this.pos++;
        } else {
          this.pos += this.ch(this.pos + 1) === ')' ? 2 : 1;
          if (term === '))') break;
        }
      } else if (c === ']' && term === ']' && depth === 0) {
        this.pos++;
        break;
      } else if (c === '$') this.parseDollar(scratch, true);
      else if (c === '`') this.parseBacktick(scratch);
      else if (c === '"') this.parseDouble(scratch);
      else if (c === "'") this.pos = Math.min(this.closeSingle(this.pos + 1) + 1, this.end);
      else if (c === '\\') this.pos += 2;
      else if (isDigit(c)) {
        this.pos++;
        while (isNameChar(this.ch(this.pos)) || this.ch(this.pos) === '#' || this.ch(this.pos) === '@') this.pos++;
      } else if (isNameStart(c)) {
        const start = this.pos;
        while (isNameChar(this.ch(this.pos))) this.pos++;
        this.ref(s.slice(start, this.pos), start, 'arith');
      } else this.pos++;
    }
    this.arith--;
    this.depth--;
  }

  /** After `$(`, `<(`, `>(` or a subshell `(`: a nested command list up to the matching `)`. */
  parseNested(): void {
    this.enter();
    const nest = this.nest;
    const arith = this.arith;
    this.nest = nest + 1;
    this.arith = 0;
    this.parseList(true, false);
    this.nest = nest;
    this.arith = arith;
    this.depth--;
  }

  /** `pos` is at an opening backtick: the body ends at the next unescaped backtick. */
  parseBacktick(b: Builder): void {
    b.dynamic = true;
    const s = this.src;
    let k = this.pos + 1;
    while (k < this.end) {
      const c = s.charAt(k);
      if (c === '\\') k += 2;
      else if (c === '`') break;
      else k++;
    }
    const close = Math.min(k, this.end);
    const outerEnd = this.end;
    this.pos++;
    this.end = close;
    this.parseNested();
    this.end = outerEnd;
    this.pos = Math.min(close + 1, outerEnd);
  }
}

// ───────────────────────────── rules ─────────────────────────────

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ksh93', 'mksh', 'pdksh', 'ash', 'yash', 'fish', 'csh', 'tcsh']);

interface OptSpec {
  /** Short option letters that take a value (attached or as the next word). */
  arg: string;
  /** Long options that take the next word as value (unless written --opt=value). */
  long?: readonly string[];
  /** NAME=value words are allowed among the options (env, sudo). */
  assigns?: boolean;
  /** Operands to skip before the wrapped command (timeout DURATION, chroot NEWROOT). */
  operands?: number;
}

/** Commands that run the rest of their arguments as a command (argv, no shell in between). */
const WRAPPERS: Record<string, OptSpec> = {
  sudo: {
    arg: 'ugCDhprtUTR',
    long: ['--user', '--group', '--chdir', '--close-from', '--host', '--prompt', '--role', '--type', '--other-user', '--command-timeout', '--chroot'],
    assigns: true,
  },
  doas: { arg: 'uC' },
  env: { arg: 'uCS', long: ['--unset', '--chdir', '--split-string'], assigns: true },
  exec: { arg: 'a' },
  nohup: { arg: '' },
  setsid: { arg: '' },
  time: { arg: 'fo' },
  busybox: { arg: '' },
  nice: { arg: 'n', long: ['--adjustment'] },
  ionice: { arg: 'cnt' },
  timeout: { arg: 'ks', long: ['--kill-after', '--signal'], operands: 1 },
  stdbuf: { arg: 'ioe', long: ['--input', '--output', '--error'] },
  chroot: { arg: '', long: ['--userspec', '--groups'], operands: 1 },
  taskset: { arg: '', operands: 1 },
  xargs: {
    arg: 'adEILnPs',
    long: ['--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-chars', '--max-lines', '--eof', '--process-slot-var'],
  },
};

/** Commands that run some other command further along their arguments; we look for a shell there. */
const SCAN_WRAPPERS = new Set(['docker', 'podman', 'kubectl', 'ip', 'nsenter', 'unshare', 'systemd-run', 'pkexec', 'strace', 'ltrace', 'chrt', 'numactl', 'firejail', 'bwrap', 'runcon']);

interface ProgramSpec {
  /** Short letters whose value is program text. */
  code: string;
  /** Short letters whose value names a program file (so no operand is program text). */
  file: string;
  /** Other short letters taking a value. */
  arg: string;
  /** Short letters that swallow the rest of their cluster (perl -Mstrict, sed -i.bak). */
  rest: string;
  /** Short letters after which no program text follows (python -m module). */
  stop: string;
  codeLong: readonly string[];
  fileLong: readonly string[];
  argLong: readonly string[];
  /** Long options taking two values (jq --arg name value). */
  twoArgLong: readonly string[];
  /** Without a code option, the first operand is the program (awk, sed, jq). */
  operandIsCode: boolean;
  /** Without a program, it reads its program from stdin (python, psql…). */
  stdinIsCode: boolean;
  hint: string;
}

function programSpec(p: Partial<ProgramSpec> & { hint: string }): ProgramSpec {
  return {
    code: '',
    file: '',
    arg: '',
    rest: '',
    stop: '',
    codeLong: [],
    fileLong: [],
    argLong: [],
    twoArgLong: [],
    operandIsCode: false,
    stdinIsCode: false,
    ...p,
  };
}

const AWK = programSpec({
  code: 'e',
  file: 'fE',
  arg: 'vFil',
  codeLong: ['--source'],
  fileLong: ['--file', '--exec'],
  argLong: ['--assign', '--field-separator', '--include', '--load'],
  operandIsCode: true,
  hint: `Keep the awk program a constant single-quoted string and pass the value with -v: awk -v v="$value" '$1 == v'.`,
});
const SED = programSpec({
  code: 'e',
  file: 'f',
  arg: 'l',
  rest: 'i',
  codeLong: ['--expression'],
  fileLong: ['--file'],
  argLong: ['--line-length'],
  operandIsCode: true,
  hint: `Don't build sed programs from data (GNU sed's e command runs shell commands); use awk -v v="$value" with a constant program, or bash's own "\${var//pattern/replacement}".`,
});
const SCRIPTING_HINT =
  'Keep the program constant and pass the value as an argument or environment variable (for example python3 -c \'import sys; print(sys.argv[1])\' "$value").';
const PERL = programSpec({ code: 'eE', rest: 'IMmil0xCdDV', stdinIsCode: true, hint: SCRIPTING_HINT });
const PYTHON = programSpec({ code: 'c', arg: 'WX', stop: 'm', stdinIsCode: true, hint: SCRIPTING_HINT });
const RUBY = programSpec({ code: 'e', arg: 'rICE', stdinIsCode: true, hint: SCRIPTING_HINT });
const NODE = programSpec({ code: 'ep', arg: 'r', codeLong: ['--eval', '--print'], argLong: ['--require', '--import'], stdinIsCode: true, hint: SCRIPTING_HINT });
const PHP = programSpec({ code: 'rBRE', file: 'fF', arg: 'cdz', stdinIsCode: true, hint: SCRIPTING_HINT });
const JQ = programSpec({
  file: 'f',
  arg: 'L',
  fileLong: ['--from-file'],
  argLong: ['--indent'],
  twoArgLong: ['--arg', '--argjson', '--slurpfile', '--rawfile'],
  operandIsCode: true,
  hint: `Keep the jq filter constant and pass the value with --arg: jq --arg v "$value" '.name == $v'.`,
});
const PSQL = programSpec({
  code: 'c',
  file: 'f',
  arg: 'dhpUvoLTFRP',
  codeLong: ['--command'],
  fileLong: ['--file'],
  argLong: ['--dbname', '--host', '--port', '--username', '--set', '--variable', '--output', '--log-file'],
  stdinIsCode: true,
  hint: `Keep the SQL constant and pass the value as a psql variable: psql -v v="$value" -c "select … where name = :'v'" (or via stdin with \\set).`,
});
const MYSQL = programSpec({
  code: 'e',
  arg: 'uhPDS',
  rest: 'p',
  codeLong: ['--execute'],
  argLong: ['--user', '--host', '--port', '--database', '--socket'],
  stdinIsCode: true,
  hint: 'Keep the SQL constant; pass the value through a user variable set from a file or a prepared statement, never by splicing it into the query text.',
});

function interpreterFor(base: string): ProgramSpec | null {
  if (base === 'awk' || base === 'gawk' || base === 'mawk' || base === 'nawk') return AWK;
  if (base === 'sed' || base === 'gsed') return SED;
  if (base === 'perl') return PERL;
  if (/^python[0-9.]*$/.test(base)) return PYTHON;
  if (base === 'ruby') return RUBY;
  if (base === 'node' || base === 'nodejs') return NODE;
  if (base === 'php') return PHP;
  if (base === 'jq') return JQ;
  if (base === 'psql') return PSQL;
  if (base === 'mysql' || base === 'mariadb') return MYSQL;
  return null;
}

const DECLARATION_BUILTINS = new Set(['local', 'declare', 'typeset', 'export', 'readonly']);
const ARITH_TEST_OPS = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

interface Context {
  /** `{}` (find) or the xargs replace string: substituted textually into arguments. */
  repl: string | null;
  via: string | null;
  /** The command's stdin is not the pipeline's (xargs, find -exec). */
  ownStdin: boolean;
}

const NO_CONTEXT: Context = { repl: null, via: null, ownStdin: false };
const NO_REFS: readonly Ref[] = [];

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

class IssueSink {
  private readonly issues: ScriptIssue[] = [];
  private readonly seen = new Set<string>();
  private lineStarts: number[] | null = null;

  constructor(private readonly src: string) {}

  add(code: string, offset: number, severity: ScriptIssue['severity'], message: string, hint: string): void {
    const key = `${code}\u0000${offset}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const { line, column } = this.position(offset);
    this.issues.push({ code, line, column, severity, message, hint });
  }

  position(offset: number): { line: number; column: number } {
    if (this.lineStarts === null) {
      const starts = [0];
      for (let i = this.src.indexOf('\n'); i >= 0; i = this.src.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }

  result(): ScriptIssue[] {
    return [...this.issues].sort((a, b) => a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }
}

/**
 * Parses [start, end) of `src` and applies the rules. `nested` marks a constant program string
 * (sh -c '…', trap '…'): only the command rules apply there, not the parameter contract.
 */
function scanRegion(src: string, start: number, end: number, params: readonly string[], sink: IssueSink, nested: boolean): void {
  const parser = new Parser(src, start, end);
  try {
    parser.parseList(false, false);
  } catch (e) {
    if (!(e instanceof NestingLimit)) throw e;
    sink.add(
      'LINT_SH_SCAN_INCOMPLETE',
      parser.pos,
      'warning',
      `nesting deeper than ${MAX_NESTING} levels; the scanner did not look past this point`,
      INCOMPLETE_HINT,
    );
  }
  new Rules(src, parser, params, sink, nested).run();
}

class Rules {
  private readonly cmds: Cmd[];
  private readonly refs: Ref[];
  /** Variable name → the declared parameter its value came from. */
  private readonly taint = new Map<string, string>();

  constructor(
    private readonly src: string,
    parser: Parser,
    private readonly params: readonly string[],
    private readonly sink: IssueSink,
    private readonly nested: boolean,
  ) {
    this.cmds = [...parser.cmds].sort((a, b) => a.start - b.start);
    this.refs = [...parser.refs].sort((a, b) => a.offset - b.offset);
    for (const p of params) this.taint.set(p, p);
  }

  run(): void {
    this.propagateTaint();
    for (const cmd of this.cmds) {
      if (cmd.kind === 'simple') this.checkCommand(cmd, cmd.words, 0, NO_CONTEXT);
      else if (cmd.kind === 'cond') this.checkCond(cmd);
    }
    for (const ref of this.refs) {
      const origin = this.taint.get(ref.name);
      if (origin === undefined) continue;
      if (ref.kind === 'indirect') {
        this.spliced(ref, origin, `an indirect expansion \${!${ref.name}}`, 'Look the value up with a case statement or an associative array instead of using it as a variable name.');
      } else if (ref.kind === 'arith') this.arith(ref.name, ref.offset, origin);
    }
    if (!this.nested) {
      this.checkBindings();
      this.checkStrictMode();
    }
  }

  // ── helpers ──

  raw(w: Word): string {
    return this.src.slice(w.start, w.end);
  }

  /** References inside [start, end), in source order. */
  refsIn(start: number, end: number): readonly Ref[] {
    const refs = this.refs;
    let lo = 0;
    let hi = refs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((refs[mid]?.offset ?? 0) < start) lo = mid + 1;
      else hi = mid;
    }
    let stop = lo;
    while (stop < refs.length && (refs[stop]?.offset ?? end) < end) stop++;
    return stop === lo ? NO_REFS : refs.slice(lo, stop);
  }

  firstTainted(start: number, end: number): string | undefined {
    for (const r of this.refsIn(start, end)) {
      if (r.numeric) continue;
      const origin = this.taint.get(r.name);
      if (origin !== undefined) return origin;
    }
    return undefined;
  }

  spliced(ref: Ref, origin: string, where: string, hint: string): void {
    const via = ref.name === origin ? '' : ` (through $${ref.name})`;
    this.sink.add('LINT_SH_SPLICED_PARAM', ref.offset, 'error', `parameter '${origin}'${via} is spliced into ${where}; its value would run as code`, hint);
  }

  splicedIn(w: Word | undefined, where: string, hint: string): void {
    if (w === undefined) return;
    for (const r of this.refsIn(w.start, w.end)) {
      const origin = this.taint.get(r.name);
      if (origin !== undefined) this.spliced(r, origin, where, hint);
    }
  }

  splicedInRange(start: number, end: number, where: string, hint: string): void {
    for (const r of this.refsIn(start, end)) {
      const origin = this.taint.get(r.name);
      if (origin !== undefined) this.spliced(r, origin, where, hint);
    }
  }

  arith(name: string, offset: number, origin: string): void {
    const via = name === origin ? '' : ` (through ${name})`;
    this.sink.add(
      'LINT_SH_ARITH_PARAM',
      offset,
      'warning',
      `parameter '${origin}'${via} is evaluated as arithmetic; bash runs any $(…) hidden in an array subscript of its value`,
      `Check it is a plain number right before use: [[ $${name} =~ ^[0-9]+$ ]] || exit 2.`,
    );
  }

  childShell(at: Word, message: string, hint: string): void {
    this.sink.add('LINT_SH_CHILD_SHELL', at.start, 'error', message, hint);
  }

  /** Analyses a constant single-quoted program (sh -c '…', trap '…') as shell code of its own. */
  nestedProgram(w: Word | undefined): void {
    if (this.nested || w === undefined || w.sq === null) return;
    scanRegion(this.src, w.sq.start, w.sq.end, [], this.sink, true);
  }

  // ── taint ──

  /** Marks variables assigned from a declared parameter, in source order (one pass). */
  propagateTaint(): void {
    if (this.taint.size === 0) return;
    const assign = (w: Word, valueStart: number, name: string): void => {
      const origin = this.firstTainted(valueStart, w.end);
      if (origin !== undefined && !this.taint.has(name)) this.taint.set(name, origin);
    };
    for (const cmd of this.cmds) {
      if (cmd.kind === 'list') {
        if (cmd.forVar !== null && cmd.forVar.literal !== null && isIdentifier(cmd.forVar.literal)) {
          for (const w of cmd.words) assign(w, w.start, cmd.forVar.literal);
        }
        continue;
      }
      const head = cmd.words[0]?.literal;
      for (const w of assignmentWords(cmd)) {
        const prefix = assignmentPrefix(this.raw(w));
        if (prefix !== null) assign(w, w.start + prefix.length, prefix.name);
      }
      if (head === 'read') {
        // read -r q <<< "$p": q carries p's value.
        for (const r of cmd.redirs) {
          const origin = r.op === '<<<' && r.target !== null ? this.firstTainted(r.target.start, r.target.end) : undefined;
          if (origin === undefined) continue;
          for (const w of cmd.words.slice(1)) {
            if (w.literal !== null && isIdentifier(w.literal) && !this.taint.has(w.literal)) this.taint.set(w.literal, origin);
          }
        }
      }
      if (head === 'printf' && cmd.words[1]?.literal === '-v') {
        const target = cmd.words[2]?.literal;
        const last = cmd.words[cmd.words.length - 1];
        if (target && isIdentifier(target) && last !== undefined && cmd.words.length > 3) {
          const origin = this.firstTainted(cmd.words[3]?.start ?? last.end, last.end);
          if (origin !== undefined && !this.taint.has(target)) this.taint.set(target, origin);
        }
      }
    }
  }

  // ── command rules ──

  checkCond(cmd: Cmd): void {
    const words = cmd.words;
    for (let i = 1; i < words.length - 1; i++) {
      const op = words[i]?.literal;
      if (op === undefined || op === null || !ARITH_TEST_OPS.has(op)) continue;
      for (const operand of [words[i - 1], words[i + 1]]) {
        if (operand === undefined) continue;
        for (const r of this.refsIn(operand.start, operand.end)) {
          const origin = this.taint.get(r.name);
          if (origin !== undefined) this.arith(r.name, r.offset, origin);
        }
        // [[ p -eq 1 ]]: a bare name is evaluated as a variable too.
        const origin = operand.literal !== null ? this.taint.get(operand.literal) : undefined;
        if (origin !== undefined && operand.literal !== null) this.arith(operand.literal, operand.start, origin);
      }
    }
  }

  checkCommand(cmd: Cmd, argv: readonly Word[], i: number, ctx: Context, hops = 0): void {
    const head = argv[i];
    // Wrapper chains (sudo env nice … cmd) are short in real scripts; the cap keeps a pathological
    // `sudo sudo sudo …` line from recursing once per word.
    if (head === undefined || hops > MAX_WRAPPER_HOPS) return;
    this.splicedIn(head, 'the command name', 'Choose the command with a case statement over fixed names; never run a command named by data.');
    const name = head.literal;
    if (name === null) return;
    const base = basename(name);

    if (name === 'eval') {
      this.sink.add('LINT_SH_EVAL', head.start, 'error', 'eval runs its arguments as shell code', 'Run the command directly with quoted arguments ("$var"); build argument lists in an array and run "${args[@]}".');
      for (const w of argv.slice(i + 1)) this.splicedIn(w, 'an eval string', 'Remove eval and pass the value as a quoted argument ("$var").');
      return;
    }
    if (name === 'builtin') {
      this.checkCommand(cmd, argv, argv[i + 1]?.literal === '--' ? i + 2 : i + 1, ctx, hops + 1);
      return;
    }
    if (name === 'command') {
      let j = i + 1;
      for (; j < argv.length; j++) {
        const lit = argv[j]?.literal;
        if (lit === '--') {
          j++;
          break;
        }
        if (lit === undefined || lit === null || !lit.startsWith('-') || lit.length < 2) break;
        if (lit.includes('v') || lit.includes('V')) return; // command -v: a lookup, nothing runs
      }
      this.checkCommand(cmd, argv, j, ctx, hops + 1);
      return;
    }
    if (name === 'source' || name === '.') {
      const path = argv[i + 1];
      if (path !== undefined && path.dynamic) {
        this.sink.add(
          'LINT_SH_SOURCE_VARIABLE',
          head.start,
          'error',
          `${name} of a path built from an expansion runs whatever file that path names`,
          'Source only fixed, absolute paths that ship with the runbook (source /opt/writ/lib/x.sh), or inline the functions.',
        );
      }
      return;
    }
    if (name === 'trap') {
      let j = i + 1;
      const first = argv[j]?.literal;
      if (first === '-p' || first === '-l' || first === '-P') return;
      if (first === '--') j++;
      const action = argv[j];
      this.splicedIn(action, 'a trap handler', `Keep the trap handler a constant single-quoted string (trap 'cleanup' EXIT) and let the handler read variables when it runs.`);
      this.nestedProgram(action);
      return;
    }
    if (SHELLS.has(base)) {
      this.checkShell(cmd, argv, i, ctx);
      return;
    }
    if (base === 'su' || base === 'script' || base === 'runuser' || base === 'flock') {
      this.checkDashC(cmd, argv, i, base, ctx, hops);
      return;
    }
    if (base === 'ssh') {
      this.checkSsh(cmd, argv, i, ctx);
      return;
    }
    if (base === 'watch') {
      this.checkWatch(cmd, argv, i, ctx, hops);
      return;
    }
    if (base === 'find') {
      this.checkFind(cmd, argv, i, hops);
      return;
    }
    const wrapper = Object.hasOwn(WRAPPERS, base) ? WRAPPERS[base] : undefined;
    if (wrapper !== undefined) {
      const j = skipOptions(argv, i + 1, wrapper);
      let inner = ctx;
      if (base === 'xargs') inner = { repl: xargsReplace(argv, i + 1, j), via: 'xargs', ownStdin: true };
      this.checkCommand(cmd, argv, j, inner, hops + 1);
      return;
    }
    if (SCAN_WRAPPERS.has(base)) {
      for (let j = i + 1; j < argv.length; j++) {
        const lit = argv[j]?.literal;
        if (lit !== undefined && lit !== null && (SHELLS.has(basename(lit)) || interpreterFor(basename(lit)) !== null)) {
          this.checkCommand(cmd, argv, j, { ...ctx, ownStdin: true }, hops + 1);
          return;
        }
      }
      return;
    }
    if (name === 'let') {
      for (const w of argv.slice(i + 1)) {
        for (const r of this.refsIn(w.start, w.end)) {
          const origin = this.taint.get(r.name);
          if (origin !== undefined) this.arith(r.name, r.offset, origin);
        }
        if (w.literal !== null) this.bareArithNames(w);
      }
      return;
    }
    const spec = interpreterFor(base);
    if (spec !== null) this.checkProgram(cmd, argv, i, base, spec);
  }

  /** `let x=p+1`: names in a literal arithmetic word are variables. */
  bareArithNames(w: Word): void {
    const text = this.raw(w);
    let k = 0;
    while (k < text.length) {
      const c = text.charAt(k);
      if (isNameStart(c) && (k === 0 || !isNameChar(text.charAt(k - 1)))) {
        const s = k;
        while (k < text.length && isNameChar(text.charAt(k))) k++;
        const origin = this.taint.get(text.slice(s, k));
        if (origin !== undefined) this.arith(text.slice(s, k), w.start + s, origin);
      } else k++;
    }
  }

  checkShell(cmd: Cmd, argv: readonly Word[], i: number, ctx: Context): void {
    const shell = argv[i] as Word;
    const shellName = basename(shell.literal ?? 'sh');
    let sawC = false;
    let sawS = false;
    let j = i + 1;
    while (j < argv.length) {
      const lit = argv[j]?.literal;
      if (lit === undefined || lit === null) break;
      if (lit === '--' || lit === '-') {
        j++;
        break;
      }
      if (lit.startsWith('--')) {
        j += lit === '--rcfile' || lit === '--init-file' ? 2 : 1;
        continue;
      }
      if (/^[-+][A-Za-z]+$/.test(lit)) {
        for (const letter of lit.slice(1)) {
          if (letter === 'c') sawC = true;
          else if (letter === 's' && lit.startsWith('-')) sawS = true;
          else if (letter === 'o' || letter === 'O') j++;
        }
        j++;
        continue;
      }
      break;
    }
    if (sawC) {
      this.checkCommandString(shell, `${shellName} -c`, argv[j], ctx);
      return;
    }
    const operand = argv[j];
    if (!sawS && operand !== undefined) {
      if (operand.procSubst) {
        this.childShell(shell, `${shellName} runs a script produced by a process substitution`, 'Ship the script with the runbook and run it by its fixed path, or run the commands directly.');
      }
      return;
    }
    this.checkStdinProgram(cmd, shell, shellName, ctx, 'a shell');
  }

  /** A shell (or ssh) that reads its program from stdin: here-document, here-string or pipe. */
  checkStdinProgram(cmd: Cmd, at: Word, what: string, ctx: Context, runs: string): void {
    for (const r of cmd.redirs) {
      if (r.heredoc !== null) {
        if (!r.heredoc.quoted && r.heredoc.dynamic) {
          this.childShell(at, `${what} reads its program from an unquoted here-document with expansions`, `Quote the delimiter (<<'EOF') so the body stays literal, and pass data as arguments (bash -s -- "$value" <<'EOF').`);
        }
        if (!r.heredoc.quoted) this.splicedInRange(r.heredoc.bodyStart, r.heredoc.bodyEnd, `a here-document that ${runs} runs as code`, `Quote the delimiter (<<'EOF') and pass the value as an argument or on stdin.`);
      } else if (r.op === '<<<' && r.target !== null) {
        if (r.target.dynamic) this.childShell(at, `${what} reads its program from a here-string with expansions`, 'Run the commands directly in this script; pass data as arguments, not as program text.');
        this.splicedIn(r.target, `a here-string that ${runs} runs as code`, 'Pass the value as an argument, not as program text.');
      } else if (r.op === '<' && r.target !== null && r.target.procSubst) {
        this.childShell(at, `${what} reads its program from a process substitution`, 'Run the commands directly in this script.');
      }
    }
    if (cmd.pipedIn && !ctx.ownStdin) {
      this.childShell(at, `${what} reads its program from a pipe`, 'Run the commands directly in this script; never pipe text into a shell.');
    }
  }

  /** The string after -c for sh/su/flock/…: expansions in it become code. */
  checkCommandString(at: Word, construct: string, str: Word | undefined, ctx: Context): void {
    if (str === undefined) return;
    const hint = `Use a constant single-quoted command string and pass data as positional arguments: ${construct} 'cmd "$1"' _ "$value".`;
    if (str.dynamic) {
      this.childShell(at, `${construct} runs a command string built from expansions; any data in it becomes code`, hint);
      this.splicedIn(str, `a ${construct} command string`, hint);
    } else if (ctx.repl !== null && str.literal !== null && str.literal.includes(ctx.repl)) {
      this.childShell(
        at,
        `${ctx.via ?? 'the caller'} substitutes ${ctx.repl} into the ${construct} command string, so file names or input become code`,
        `Pass it as an argument instead: ${ctx.via === 'find' ? `-exec sh -c 'cmd "$1"' _ {} \\;` : `xargs -I{} sh -c 'cmd "$1"' _ {}`}.`,
      );
    }
    this.nestedProgram(str);
  }

  checkDashC(cmd: Cmd, argv: readonly Word[], i: number, base: string, ctx: Context, hops: number): void {
    const head = argv[i] as Word;
    for (let j = i + 1; j < argv.length; j++) {
      const w = argv[j] as Word;
      if (w.literal === null && this.raw(w).startsWith('--command=')) {
        this.checkCommandString(head, `${base} --command`, w, ctx);
        return;
      }
      const lit = w.literal;
      if (lit === null) continue;
      if (lit === '--') break;
      if (lit === '-c' || lit === '--command' || (base !== 'flock' && /^-[a-zA-Z]*c$/.test(lit))) {
        this.checkCommandString(head, `${base} -c`, argv[j + 1], ctx);
        return;
      }
      if (lit.startsWith('--command=')) return; // constant
    }
    // runuser -u user -- cmd …, flock FILE cmd …: the rest is an argv.
    if (base === 'runuser') {
      this.checkCommand(cmd, argv, skipOptions(argv, i + 1, { arg: 'ugGsw', long: ['--user', '--group', '--supp-group', '--shell', '--whitelist-environment'] }), ctx, hops + 1);
    } else if (base === 'flock') {
      this.checkCommand(cmd, argv, skipOptions(argv, i + 1, { arg: 'wE', long: ['--timeout', '--conflict-exit-code'], operands: 1 }), ctx, hops + 1);
    }
  }

  checkSsh(cmd: Cmd, argv: readonly Word[], i: number, ctx: Context): void {
    const head = argv[i] as Word;
    const dest = skipOptions(argv, i + 1, { arg: 'BbcDEeFIiJLlmOopQRSWw' });
    if (dest >= argv.length) return;
    const remote = argv.slice(dest + 1);
    const hint = `Keep the remote command a constant single-quoted string and send data on stdin: printf '%s\\0' "$value" | ssh host 'IFS= read -r -d "" v; cmd "$v"'.`;
    if (remote.length === 0) {
      this.checkStdinProgram(cmd, head, 'ssh', ctx, 'the remote shell');
      return;
    }
    if (remote.some((w) => w.dynamic)) {
      this.childShell(head, 'ssh joins its remote command into a string the remote shell parses; expansions in it become code', hint);
      for (const w of remote) this.splicedIn(w, 'an ssh remote command', hint);
    }
    if (remote.length === 1) this.nestedProgram(remote[0]);
  }

  checkWatch(cmd: Cmd, argv: readonly Word[], i: number, ctx: Context, hops: number): void {
    const head = argv[i] as Word;
    const j = skipOptions(argv, i + 1, { arg: 'nq', long: ['--interval', '--equexit'] });
    const exec = argv.slice(i + 1, j).some((w) => w.literal === '--exec' || (w.literal !== null && /^-[a-zA-Z]*x[a-zA-Z]*$/.test(w.literal)));
    if (exec) {
      this.checkCommand(cmd, argv, j, ctx, hops + 1);
      return;
    }
    const words = argv.slice(j);
    const hint = 'Use watch -x cmd "$arg" (argv, no shell) or a constant single-quoted command.';
    if (words.some((w) => w.dynamic)) {
      this.childShell(head, 'watch passes its command to sh -c; expansions in it become code', hint);
      for (const w of words) this.splicedIn(w, 'a watch command string', hint);
    }
  }

  checkFind(cmd: Cmd, argv: readonly Word[], i: number, hops: number): void {
    for (let j = i + 1; j < argv.length; j++) {
      const lit = argv[j]?.literal;
      if (lit !== '-exec' && lit !== '-execdir' && lit !== '-ok' && lit !== '-okdir') continue;
      let k = j + 1;
      while (k < argv.length && argv[k]?.literal !== ';' && argv[k]?.literal !== '+') k++;
      this.checkCommand(cmd, argv.slice(j + 1, k), 0, { repl: '{}', via: 'find', ownStdin: true }, hops + 1);
      j = k;
    }
  }

  checkProgram(cmd: Cmd, argv: readonly Word[], i: number, base: string, spec: ProgramSpec): void {
    const code: Word[] = [];
    let fileGiven = false;
    let j = i + 1;
    const push = (w: Word | undefined): void => {
      if (w !== undefined) code.push(w);
    };
    scan: while (j < argv.length) {
      const w = argv[j] as Word;
      const lit = w.literal;
      if (lit === null || lit === '-' || !lit.startsWith('-')) break;
      if (lit === '--') {
        j++;
        break;
      }
      if (lit.startsWith('--')) {
        const eq = lit.indexOf('=');
        const opt = eq < 0 ? lit : lit.slice(0, eq);
        if (spec.codeLong.includes(opt)) {
          if (eq < 0) {
            push(argv[j + 1]);
            j++;
          } else push(w);
        } else if (spec.fileLong.includes(opt)) {
          fileGiven = true;
          if (eq < 0) j++;
        } else if (spec.argLong.includes(opt) && eq < 0) j++;
        else if (spec.twoArgLong.includes(opt)) j += 2;
        j++;
        continue;
      }
      for (let k = 1; k < lit.length; k++) {
        const letter = lit.charAt(k);
        const attached = k < lit.length - 1;
        if (spec.code.includes(letter)) {
          if (attached) push(w);
          else {
            push(argv[j + 1]);
            j++;
          }
          break;
        }
        if (spec.file.includes(letter) || spec.arg.includes(letter)) {
          if (spec.file.includes(letter)) fileGiven = true;
          if (!attached) j++;
          break;
        }
        if (spec.rest.includes(letter)) break;
        if (spec.stop.includes(letter)) {
          fileGiven = true;
          j = argv.length;
          break scan;
        }
      }
      j++;
    }
    if (code.length === 0 && !fileGiven && spec.operandIsCode) push(argv[j]);
    for (const w of code) this.splicedIn(w, `${base} program text`, spec.hint);
    if (code.length === 0 && !fileGiven && spec.stdinIsCode && (j >= argv.length || argv[j]?.literal === '-')) {
      for (const r of cmd.redirs) {
        if (r.heredoc !== null && !r.heredoc.quoted) this.splicedInRange(r.heredoc.bodyStart, r.heredoc.bodyEnd, `a here-document ${base} runs as its program`, spec.hint);
        else if (r.op === '<<<') this.splicedIn(r.target ?? undefined, `a here-string ${base} runs as its program`, spec.hint);
      }
    }
  }

  // ── parameter contract ──

  checkBindings(): void {
    const params = this.params;
    const declared = new Set(params);
    const bindings: { name: string; word: Word; ordinal: number }[] = [];
    const bindingWords = new Set<number>();
    const nestedShapes = new Map<string, number>();
    for (const cmd of this.cmds) {
      const name = this.bindingName(cmd);
      if (name === null) continue;
      const word = cmd.words[4] as Word;
      if (!cmd.topLevel) {
        if (!nestedShapes.has(name)) nestedShapes.set(name, word.start);
        continue;
      }
      bindings.push({ name, word, ordinal: bindings.length + 1 });
      bindingWords.add(word.start);
    }

    // First use of each name other than its binding: references and assignments.
    const firstUse = new Map<string, number>();
    const use = (name: string, offset: number): void => {
      const prev = firstUse.get(name);
      if (prev === undefined || offset < prev) firstUse.set(name, offset);
    };
    for (const r of this.refs) if (declared.has(r.name)) use(r.name, r.offset);
    for (const cmd of this.cmds) {
      if (cmd.forVar?.literal) use(cmd.forVar.literal, cmd.forVar.start);
      const head = cmd.words[0]?.literal;
      for (const w of assignmentWords(cmd)) {
        const name = assignmentPrefix(this.raw(w))?.name ?? (w.literal !== null && isIdentifier(w.literal) ? w.literal : null);
        if (name !== null && declared.has(name)) use(name, w.start);
      }
      if (head === 'read') {
        for (const w of cmd.words.slice(1)) {
          if (w.literal !== null && declared.has(w.literal) && !bindingWords.has(w.start)) use(w.literal, w.start);
        }
      }
    }

    const order = params.join(', ');
    const orderHint = `Bind the parameters at the top of the script, one per line, in declaration order (${order}): IFS= read -r -d '' <name> || true.`;
    const bound = new Map<string, number>();
    for (const b of bindings) {
      if (!declared.has(b.name)) {
        this.sink.add(
          'LINT_SH_PARAM_UNDECLARED',
          b.word.start,
          'warning',
          `this binding reads '${b.name}', which is not a declared parameter; it consumes stdin value #${b.ordinal}`,
          `Declare '${b.name}' in the runbook's parameters, or remove this read so the following bindings get their own values.`,
        );
        continue;
      }
      const expected = params[b.ordinal - 1];
      if (expected !== b.name) {
        const index = params.indexOf(b.name) + 1;
        const holds = expected === undefined ? `but only ${params.length} parameters are declared` : `which carries parameter '${expected}'`;
        const again = bound.has(b.name) ? `'${b.name}' is bound a second time` : `the binding of '${b.name}' (parameter #${index})`;
        this.sink.add('LINT_SH_PARAM_ORDER', b.word.start, 'error', `${again} reads stdin value #${b.ordinal}, ${holds}`, orderHint);
      }
      if (!bound.has(b.name)) bound.set(b.name, b.word.start);
    }
    for (const [name, at] of bound) {
      const first = firstUse.get(name);
      if (first !== undefined && first < at) {
        const line = this.sink.position(at).line;
        this.sink.add(
          'LINT_SH_PARAM_ORDER',
          first,
          'error',
          `'${name}' is used before its binding on line ${line}`,
          `Move IFS= read -r -d '' ${name} || true above the first use of '${name}' (bindings belong at the top of the script).`,
        );
      }
    }
    for (const name of params) {
      if (bound.has(name)) continue;
      const nestedAt = nestedShapes.get(name);
      const where = nestedAt === undefined ? '' : ` (the read on line ${this.sink.position(nestedAt).line} is inside a block, function or subshell, so it does not count)`;
      this.sink.add(
        'LINT_SH_PARAM_UNBOUND',
        0,
        'error',
        `parameter '${name}' is declared but never bound from stdin${where}`,
        `Add IFS= read -r -d '' ${name} || true at the top level near the top of the script, in declaration order (${order}).`,
      );
    }
  }

  /** The variable of an exact `IFS= read -r -d '' name` line, or null. */
  bindingName(cmd: Cmd): string | null {
    if (cmd.kind !== 'simple' || cmd.assigns.length !== 1 || cmd.words.length !== 5 || cmd.redirs.length !== 0) return null;
    const ifs = this.raw(cmd.assigns[0] as Word);
    if (ifs !== 'IFS=' && ifs !== "IFS=''" && ifs !== 'IFS=""') return null;
    const [read, r, d, empty, name] = cmd.words.map((w) => this.raw(w));
    if (read !== 'read' || r !== '-r' || d !== '-d' || (empty !== "''" && empty !== '""')) return null;
    return name !== undefined && isIdentifier(name) ? name : null;
  }

  checkStrictMode(): void {
    const topLevel = this.cmds.filter((c) => c.kind === 'simple' && c.topLevel && c.words.length > 0);
    if (topLevel.length === 0) return;
    const lastLine = this.windowEndLine();
    const on = { errexit: false, nounset: false, pipefail: false };
    for (const cmd of topLevel) {
      if (this.sink.position(cmd.start).line > lastLine) break;
      if (cmd.words[0]?.literal !== 'set') continue;
      applySet(cmd.words.slice(1), on);
    }
    if (on.errexit && on.nounset && on.pipefail) return;
    const missing = Object.entries(on)
      .filter(([, v]) => !v)
      .map(([k]) => k)
      .join(', ');
    this.sink.add(
      'LINT_SH_NO_STRICT_MODE',
      0,
      'warning',
      `no 'set -euo pipefail' in the first ${STRICT_MODE_WINDOW} lines of code (missing: ${missing})`,
      'Add set -euo pipefail right after the shebang so failures stop the runbook instead of running on.',
    );
  }

  /** Line number of the STRICT_MODE_WINDOW-th non-blank, non-comment line (or the last line). */
  windowEndLine(): number {
    const s = this.src;
    let line = 0;
    let count = 0;
    let startOfLine = 0;
    while (startOfLine <= s.length) {
      line++;
      let nl = s.indexOf('\n', startOfLine);
      if (nl < 0) nl = s.length;
      let k = startOfLine;
      while (k < nl && (s.charAt(k) === ' ' || s.charAt(k) === '\t' || s.charAt(k) === '\r')) k++;
      if (k < nl && s.charAt(k) !== '#' && ++count === STRICT_MODE_WINDOW) return line;
      startOfLine = nl + 1;
    }
    return line;
  }
}

/** Prefix assignments, plus the arguments of local/declare/export/readonly/typeset. */
function assignmentWords(cmd: Cmd): readonly Word[] {
  const head = cmd.words[0]?.literal;
  if (head === undefined || head === null || !DECLARATION_BUILTINS.has(head)) return cmd.assigns;
  return cmd.assigns.length === 0 ? cmd.words.slice(1) : [...cmd.assigns, ...cmd.words.slice(1)];
}

function applySet(args: readonly Word[], on: { errexit: boolean; nounset: boolean; pipefail: boolean }): void {
  const names: Record<string, keyof typeof on> = { errexit: 'errexit', nounset: 'nounset', pipefail: 'pipefail' };
  for (let j = 0; j < args.length; j++) {
    const lit = args[j]?.literal;
    if (lit === undefined || lit === null || lit === '--' || lit === '-') return;
    const sign = lit.charAt(0);
    if ((sign !== '-' && sign !== '+') || lit.length < 2) return;
    const value = sign === '-';
    for (const letter of lit.slice(1)) {
      if (letter === 'e') on.errexit = value;
      else if (letter === 'u') on.nounset = value;
      else if (letter === 'o') {
        const opt = args[++j]?.literal;
        const key = opt === null || opt === undefined ? undefined : names[opt];
        if (key !== undefined) on[key] = value;
      }
    }
  }
}

/** Index of the first operand after options (and NAME=value words where allowed). */
function skipOptions(argv: readonly Word[], from: number, spec: OptSpec): number {
  let j = from;
  while (j < argv.length) {
    const lit = argv[j]?.literal;
    if (lit === undefined || lit === null) break;
    if (lit === '--') {
      j++;
      break;
    }
    if (spec.assigns === true && assignmentPrefix(lit) !== null) {
      j++;
      continue;
    }
    if (lit.length > 1 && lit.startsWith('-')) {
      if (lit.startsWith('--')) {
        if (!lit.includes('=') && spec.long?.includes(lit)) j++;
      } else {
        for (let k = 1; k < lit.length; k++) {
          if (spec.arg.includes(lit.charAt(k))) {
            if (k === lit.length - 1) j++;
            break;
          }
        }
      }
      j++;
      continue;
    }
    break;
  }
  return Math.min(j + (spec.operands ?? 0), argv.length);
}

/** The string xargs replaces in its arguments (-I R, -i[R], --replace[=R]), or null. */
function xargsReplace(argv: readonly Word[], from: number, to: number): string | null {
  for (let j = from; j < to; j++) {
    const lit = argv[j]?.literal;
    if (lit === undefined || lit === null) continue;
    if (lit === '-I') return argv[j + 1]?.literal ?? null;
    if (lit.startsWith('-I')) return lit.slice(2);
    if (lit === '-i' || lit === '--replace') return '{}';
    if (lit.startsWith('-i')) return lit.slice(2);
    if (lit.startsWith('--replace=')) return lit.slice('--replace='.length);
  }
  return null;
}
