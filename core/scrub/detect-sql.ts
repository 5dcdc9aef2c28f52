import { classifyKey } from './context-phrases.js';
import type { PhiSpan } from './phi-span.js';
import { readValue } from './read-value.js';
import type { ScrubContext } from './scrub-options.js';
import { forEachMatch } from './text-boundary.js';

/*
 * SQL INSERT statements: the column list names what each literal is
 * (`INSERT INTO patients (first_name, dob, ssn) VALUES ('Ana', '1980-01-02', '123456789')`).
 * `WHERE last_name = 'Smith'` and `SET phone = '…'` are label = value and handled by the label
 * detector.
 */
const INSERT = /\(([^()\r\n]{1,2000})\)\s*VALUES\s*/giu;
const LITERAL = /\s*('(?:[^'\r\n]|'')*'|-?\d+(?:\.\d+)?|NULL|TRUE|FALSE|[A-Za-z_]+\([^()]*\))\s*([,)])/iy;

/** Values of PHI columns in SQL INSERT statements. */
export function detectSql(text: string, ctx: ScrubContext, out: PhiSpan[]): void {
  forEachMatch(INSERT, text, (m) => {
    const columns = m[1]!.split(',').map((c) => classifyKey(c.replace(/[`"\[\]\s]/g, '')));
    if (!columns.some(Boolean)) return;
    let pos = m.index + m[0].length;
    for (let row = 0; row < 1000 && text[pos] === '('; row++) {
      pos++;
      for (let col = 0; col < columns.length + 1; col++) {
        LITERAL.lastIndex = pos;
        const lit = LITERAL.exec(text);
        if (!lit) break;
        const phrase = columns[col];
        const raw = lit[1]!;
        const start = lit.index + lit[0].indexOf(raw);
        if (phrase && !/^(?:NULL|TRUE|FALSE)$/i.test(raw) && !raw.includes('(')) {
          const quoted = raw.startsWith("'");
          const vs = quoted ? start + 1 : start;
          const ve = quoted ? start + raw.length - 1 : start + raw.length;
          if (ve > vs) {
            const anyValue = phrase.shape === 'person' || phrase.shape === 'address' || phrase.shape === 'city';
            const r = anyValue ? { start: vs, end: ve } : readValue(text, vs, phrase.shape, ctx, { separated: true, weak: false });
            if (r && (phrase.shape !== 'account' || !ctx.keepAccount(text.slice(vs, ve)))) out.push({ start: r.start, end: Math.min(r.end, ve), category: phrase.category });
          }
        }
        pos = lit.index + lit[0].length;
        if (lit[2] === ')') break;
      }
      const next = /^\s*,\s*/.exec(text.slice(pos, pos + 16));
      if (!next) break;
      pos += next[0].length;
    }
  });
}
