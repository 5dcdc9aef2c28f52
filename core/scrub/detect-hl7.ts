import type { PhiCategory } from './phi-category.js';
import type { PhiSpan } from './phi-span.js';
import { forEachMatch } from './text-boundary.js';

/*
 * HL7 v2 segments that carry a person: PID, NK1, GT1, IN1, MRG, PV1. Fields are replaced by
 * position (HL7 v2.5 field tables); `whole` replaces the field, `id` only the first component of
 * each repetition (the identifier, not the assigning authority "^^^HOSP^MR").
 */
type Rule = readonly [field: number, category: PhiCategory, part: 'whole' | 'id'];
const FIELDS: Readonly<Record<string, readonly Rule[]>> = {
  PID: [[2, 'MRN', 'id'], [3, 'MRN', 'id'], [4, 'MRN', 'id'], [5, 'NAME', 'whole'], [6, 'NAME', 'whole'], [7, 'DOB', 'whole'], [9, 'NAME', 'whole'], [11, 'ADDRESS', 'whole'], [12, 'ADDRESS', 'whole'], [13, 'PHONE', 'whole'], [14, 'PHONE', 'whole'], [18, 'ACCOUNT', 'id'], [19, 'SSN', 'whole'], [20, 'LICENSE', 'id'], [21, 'MRN', 'id'], [23, 'ADDRESS', 'whole'], [29, 'DATE', 'whole']],
  NK1: [[2, 'NAME', 'whole'], [4, 'ADDRESS', 'whole'], [5, 'PHONE', 'whole'], [6, 'PHONE', 'whole'], [16, 'DOB', 'whole'], [30, 'NAME', 'whole'], [31, 'PHONE', 'whole'], [32, 'ADDRESS', 'whole'], [33, 'MRN', 'id'], [37, 'SSN', 'whole']],
  GT1: [[2, 'MRN', 'id'], [3, 'NAME', 'whole'], [4, 'NAME', 'whole'], [5, 'ADDRESS', 'whole'], [6, 'PHONE', 'whole'], [7, 'PHONE', 'whole'], [8, 'DOB', 'whole'], [12, 'SSN', 'whole'], [19, 'MRN', 'id']],
  IN1: [[16, 'NAME', 'whole'], [18, 'DOB', 'whole'], [19, 'ADDRESS', 'whole'], [36, 'MEMBER', 'id'], [49, 'MEMBER', 'id']],
  MRG: [[1, 'MRN', 'id'], [2, 'MRN', 'id'], [3, 'ACCOUNT', 'id'], [4, 'MRN', 'id'], [5, 'MRN', 'id'], [7, 'NAME', 'whole']],
  PV1: [[19, 'MRN', 'id'], [50, 'MRN', 'id']],
};
const LINE_END = /[\r\n]/g;
const SEGMENT = /(?<![^\r\n\s])(PID|NK1|GT1|IN1|MRG|PV1)\|/g;

/** Person fields of HL7 v2 segments. */
export function detectHl7(text: string, out: PhiSpan[]): void {
  forEachMatch(SEGMENT, text, (m) => {
    const rules = FIELDS[m[1]!]!;
    LINE_END.lastIndex = m.index;
    const segEnd = LINE_END.exec(text)?.index ?? text.length;
    let pos = m.index + m[1]!.length + 1;
    let field = 1;
    const maxField = Math.max(...rules.map((r) => r[0]));
    while (pos <= segEnd && field <= maxField) {
      let end = text.indexOf('|', pos);
      if (end < 0 || end > segEnd) end = segEnd;
      const rule = rules.find((r) => r[0] === field);
      if (rule && end > pos) {
        const [, category, part] = rule;
        if (part === 'whole') {
          const value = text.slice(pos, end).replace(/[\^~&]+$/, '');
          if (/[\p{L}\p{N}]/u.test(value)) out.push({ start: pos, end: pos + value.length, category });
        } else {
          let rep = pos;
          for (const repetition of text.slice(pos, end).split('~')) {
            const id = repetition.split('^', 1)[0]!;
            if (/[\p{L}\p{N}]/u.test(id)) out.push({ start: rep, end: rep + id.length, category });
            rep += repetition.length + 1;
          }
        }
      }
      pos = end + 1;
      field++;
    }
  });
}
