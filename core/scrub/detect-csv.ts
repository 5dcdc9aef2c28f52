import { classifyKey, type Phrase } from './context-phrases.js';
import type { PhiSpan } from './phi-span.js';
import { readValue } from './read-value.js';
import type { ScrubContext } from './scrub-options.js';
import { forEachMatch } from './text-boundary.js';

/*
 * CSV with a header row: a line of 2–64 comma (or tab/semicolon) separated column names, at least
 * one of which names PHI (`user`, `patient_mrn`, `dob` …), maps the values in the rows below it
 * (until a blank line or a row with another number of fields). Without a header a CSV row is
 * just text to the other detectors (see docs/phi-scrubber.md: known gaps).
 */
const HEADER = /^[ \t]*["']?[A-Za-z_][\w .#\-]{0,40}["']?(?:([,;\t])[ \t]*["']?[A-Za-z_][\w .#\-]{0,40}["']?){1,63}[ \t]*\r?$/gm;

function splitRow(line: string, sep: string): { start: number; value: string }[] {
  const out: { start: number; value: string }[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let j = i + 1;
      while (j < line.length && !(line[j] === '"' && line[j + 1] !== '"')) j += line[j] === '"' ? 2 : 1;
      out.push({ start: i + 1, value: line.slice(i + 1, j) });
      i = line.indexOf(sep, j);
    } else {
      const j = line.indexOf(sep, i);
      out.push({ start: i, value: line.slice(i, j < 0 ? line.length : j) });
      i = j;
    }
    if (i < 0) break;
    i += sep.length;
  }
  return out;
}

/** Values under PHI columns of header-led CSV/TSV blocks. */
export function detectCsv(text: string, ctx: ScrubContext, out: PhiSpan[]): void {
  forEachMatch(HEADER, text, (m) => {
    const sep = m[1]!;
    const columns: (Phrase | undefined)[] = splitRow(m[0].replace(/\r$/, ''), sep).map((c) => classifyKey(c.value.trim().replace(/^["']|["']$/g, '')));
    if (!columns.some(Boolean)) return;
    let pos = m.index + m[0].length + 1;
    for (let row = 0; row < 100_000 && pos < text.length; row++) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const line = text.slice(pos, end).replace(/\r$/, '');
      if (!line.trim()) break;
      const cells = splitRow(line, sep);
      if (cells.length !== columns.length) break;
      cells.forEach((cell, i) => {
        const phrase = columns[i];
        const value = cell.value.trim();
        if (!phrase || !value) return;
        const start = pos + cell.start + cell.value.indexOf(value);
        const anyValue = phrase.shape === 'person' || phrase.shape === 'address' || phrase.shape === 'city';
        if (phrase.shape === 'account' && ctx.keepAccount(value)) return;
        const r = anyValue || phrase.shape === 'account' ? { start, end: start + value.length } : readValue(text, start, phrase.shape, ctx, { separated: true, weak: false });
        if (r && r.end <= start + value.length) out.push({ start: r.start, end: r.end, category: phrase.category });
      });
      pos = end + 1;
    }
  });
}
