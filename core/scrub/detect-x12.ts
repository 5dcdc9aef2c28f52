import type { PhiSpan } from './phi-span.js';
import { forEachMatch } from './text-boundary.js';

/*
 * ASC X12 health care transactions (837 claims, 270/271 eligibility, 835 remittance): segments
 * end with `~`, elements are separated by `*`. Person data sits in fixed elements:
 *   NM1*<entity>*1*LAST*FIRST*MIDDLE*PREFIX*SUFFIX*<qual>*ID   (entity type 1 = a person)
 *   DMG*D8*CCYYMMDD                                               (date of birth)
 *   N3*street*street2, N4*city*state*zip                          (address)
 *   REF*SY*ssn, REF*0F/1W/IG/6P/F6*…                              (SSN, member and group ids)
 *   PER*IC*name*TE*phone*…                                        (contact name and numbers)
 * Provider loops (NM1 entity type 2, organisations) are left alone.
 */
const SEGMENT = /(?:^|~|\r|\n)\s*(NM1|DMG|N3|N4|REF|PER)\*([^~\r\n]{0,400})/g;

/** Person elements of X12 837/270/271/835 segments. */
export function detectX12(text: string, out: PhiSpan[]): void {
  if (!text.includes('*')) return;
  forEachMatch(SEGMENT, text, (m) => {
    const tag = m[1]!;
    const body = m[2]!;
    const bodyStart = m.index + m[0].length - body.length;
    const elements: { start: number; value: string }[] = [];
    let pos = bodyStart;
    for (const value of body.split('*')) {
      elements.push({ start: pos, value });
      pos += value.length + 1;
    }
    const mark = (i: number, category: PhiSpan['category']) => {
      const e = elements[i];
      if (e && /[\p{L}\p{N}]/u.test(e.value)) out.push({ start: e.start, end: e.start + e.value.length, category });
    };
    if (tag === 'NM1' && elements[1]?.value === '1') {
      for (const i of [2, 3, 4]) mark(i, 'NAME');
      mark(8, 'MEMBER');
    } else if (tag === 'DMG' && elements[0]?.value === 'D8') mark(1, 'DOB');
    else if (tag === 'N3') {
      mark(0, 'ADDRESS');
      mark(1, 'ADDRESS');
    } else if (tag === 'N4') {
      mark(0, 'ADDRESS');
      mark(2, 'ADDRESS');
    } else if (tag === 'REF') {
      const q = elements[0]?.value ?? '';
      if (q === 'SY') mark(1, 'SSN');
      else if (['0F', '1W', 'IG', '6P', 'F6', 'SB', 'EA', '1L', '23', 'HJ', 'Q4', 'IF'].includes(q)) mark(1, 'MEMBER');
    } else if (tag === 'PER') {
      mark(1, 'NAME');
      for (const i of [3, 5, 7]) mark(i, 'PHONE');
    }
  });
}
