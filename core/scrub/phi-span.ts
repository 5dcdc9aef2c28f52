import { phiToken, type PhiCategory } from './phi-category.js';

/** A stretch of text `[start, end)` the scrubber will replace, and what it is. Carries no value. */
export interface PhiSpan {
  start: number;
  end: number;
  category: PhiCategory;
}

/** Later entries win ties between overlapping spans of equal length. */
const PRIORITY: readonly PhiCategory[] = ['URL', 'ADDRESS', 'NAME', 'EMAIL', 'IP', 'PHONE', 'DATE', 'DOB', 'AGE', 'LICENSE', 'ACCOUNT', 'MEMBER', 'MRN', 'SSN', 'WITHHELD'];

const RANK = Object.fromEntries(PRIORITY.map((c, i) => [c, i])) as Record<PhiCategory, number>;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 160;
const isBackslash = (text: string, i: number) => text.charCodeAt(i) === 92;

/** Count of backslashes directly before `i`. */
function backslashesBefore(text: string, i: number): number {
  let n = 0;
  while (i - n - 1 >= 0 && isBackslash(text, i - n - 1)) n++;
  return n;
}

/**
 * Sorts, trims and unions overlapping spans (a union only ever removes more). A span never cuts a
 * backslash escape in two, so scrubbed JSON text stays valid JSON.
 */
export function mergeSpans(text: string, spans: PhiSpan[]): PhiSpan[] {
  // sort by start through a typed array (native numeric sort): key = start * 2^22 + index
  if (spans.length >= 4_194_304 || text.length >= 2 ** 31) throw new RangeError('too many spans to merge; withhold the output');
  const n = spans.length;
  if (n === 0) return [];
  const keys = new Float64Array(n);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const s = spans[i]!;
    let start = s.start;
    let end = s.end;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    if (end <= start) continue;
    // a span ending inside a JSON escape takes the escaped character (or \uXXXX) with it
    if (backslashesBefore(text, end) % 2 === 1) end = Math.min(text.length, end + (text[end] === 'u' ? 5 : 1));
    s.start = start;
    s.end = end;
    keys[kept++] = start * 4_194_304 + i;
  }
  // few spans (a short string): a plain sort is cheaper than a typed-array one
  const order = kept < 64 ? Array.from(keys.subarray(0, kept)).sort((a, b) => a - b) : keys.subarray(0, kept).sort();
  const out: PhiSpan[] = [];
  let cur: PhiSpan | undefined;
  let curLen = 0;
  for (let k = 0; k < kept; k++) {
    const s = spans[order[k]! % 4_194_304]!;
    const len = s.end - s.start;
    if (cur && s.start < cur.end) {
      if (len > curLen || (len === curLen && RANK[s.category] > RANK[cur.category])) {
        cur.category = s.category;
        curLen = len;
      }
      if (s.end > cur.end) cur.end = s.end;
      continue;
    }
    cur = { start: s.start, end: s.end, category: s.category };
    curLen = len;
    out.push(cur);
  }
  return out;
}

const JSON_NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Writes `text[from, to)` with every span replaced by its token. A span that is a bare JSON
 * number outside any string (`"ssn": 123456789`) becomes a quoted token so the JSON stays valid.
 * Spans must be merged (sorted, disjoint); parts of spans outside `[from, to)` are clipped.
 */
export function renderSpans(text: string, spans: readonly PhiSpan[], from = 0, to = text.length): string {
  let out = '';
  let pos = from;
  // quote parity since the last line break, advanced incrementally (linear overall)
  let scan = from;
  let inString = false;
  const advance = (upTo: number) => {
    for (; scan < upTo; scan++) {
      const c = text.charCodeAt(scan);
      if (c === 10 || c === 13) inString = false;
      else if (c === 34 && backslashesBefore(text, scan) % 2 === 0) inString = !inString;
    }
  };
  for (const s of spans) {
    if (s.end <= from || s.start >= to) continue;
    const start = Math.max(s.start, from);
    const end = Math.min(s.end, to);
    if (start < pos) continue;
    out += text.slice(pos, start);
    advance(start);
    let token = phiToken(s.category);
    if (!inString && JSON_NUMBER.test(text.slice(start, end))) {
      const before = /[:[,]\s*$/.test(text.slice(Math.max(0, start - 8), start));
      const after = /^\s*[,}\]]/.test(text.slice(end, end + 8));
      if (before && after) token = `"${token}"`;
    }
    out += token;
    pos = end;
    advance(end);
  }
  return out + text.slice(pos, to);
}
