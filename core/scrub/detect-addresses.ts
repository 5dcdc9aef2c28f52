import { COMMON_STREET_SUFFIXES, OTHER_STREET_SUFFIXES, US_STATE_CODES } from './street-words.js';
import type { PhiSpan } from './phi-span.js';
import { forEachMatch, isWordChar } from './text-boundary.js';

/*
 * Street addresses without a label: a house number, an optional direction, one to four street
 * name words, a suffix, an optional unit, and an optional ", City, ST 12345" tail. Also a bare
 * "City, ST 12345[-6789]" tail and "P.O. Box 123". Street name words must be capitalised (or all
 * capitals) so "found 3 restore points" is not an address.
 */
const DIRECTION = '(?:[NSEW]\\.?|North|South|East|West|NORTH|SOUTH|EAST|WEST|NE|NW|SE|SW)';
const WORD = "[\\p{L}\\d][\\p{L}\\d'’.\\-]*";
const UNIT = "(?:,?\\s(?:Apt|APT|Apartment|Suite|SUITE|Ste|STE|Unit|UNIT|Bldg|Building|Floor|Fl|Rm|Room|Lot|Trlr|#)\\.?\\s?#?[A-Za-z0-9\\-]{1,6})";
let compiled: { candidate: RegExp; street: RegExp; bare: RegExp; tail: RegExp; cityBefore: RegExp; pobox: RegExp; common: Set<string> } | undefined;

function patterns() {
  if (compiled) return compiled;
  // Title Case or UPPER CASE only, so the pattern needs no case-insensitive flag
  const cased = (w: string) => [w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()];
  const suffixes = [...COMMON_STREET_SUFFIXES, ...OTHER_STREET_SUFFIXES].flatMap(cased).sort((a, b) => b.length - a.length).join('|');
  const states = US_STATE_CODES.join('|');
  const cityTail = `(?:,?\\s(?:\\p{Lu}[\\p{L}'.\\-]*)(?:\\s\\p{Lu}[\\p{L}'.\\-]*){0,2},?\\s(?:${states})(?:\\s\\d{5}(?:-\\d{4})?)?(?![\\p{L}\\p{N}]))`;
  compiled = {
    // a house number followed by a capitalised word: where the full patterns are tried
    candidate: /\d{1,6}[A-Za-z]? (?:(?:[NSEW]\.?|North|South|East|West|NORTH|SOUTH|EAST|WEST|NE|NW|SE|SW) )?[A-Z0-9\u00C0-\u024F]/g,
    street: new RegExp(
      `(\\d{1,6}[A-Za-z]?)((?:\\s${DIRECTION})?(?:\\s${WORD}){1,4}?)\\s(${suffixes})\\.?(?:\\s${DIRECTION}(?![\\p{L}\\p{N}]))?(?![\\p{L}\\p{N}])(${UNIT})?(${cityTail})?`,
      'uy',
    ),
    // ", ST 12345" found first; the city before it is read backwards
    tail: new RegExp(`,\\s(?:${states})\\s\\d{5}(?:-\\d{4})?(?![A-Za-z0-9])`, 'g'),
    cityBefore: /(?:^|[^\p{L}\p{N}])(\p{Lu}[\p{Ll}'.\-]+(?:\s\p{Lu}[\p{Ll}'.\-]+){0,2})$/u,
    // no suffix ("24801 Broadway Apt. 151, Springfield, IL 62704"): unit and city tail both required
    bare: new RegExp(`\\d{1,6}[A-Za-z]?(?:\\s${DIRECTION})?(?:\\s\\p{Lu}[\\p{L}'’.\\-]*){1,3}${UNIT}${cityTail}`, 'uy'),
    pobox: /P\.?\s?O\.?\s?Box\s\d{1,6}(?![0-9])/gi,
    common: new Set(COMMON_STREET_SUFFIXES),
  };
  return compiled;
}

/** Street addresses, city/state/ZIP tails and PO boxes. */
export function detectAddresses(text: string, out: PhiSpan[]): void {
  const p = patterns();
  forEachMatch(p.candidate, text, (c) => {
    const b = text[c.index - 1];
    if (b !== undefined && (isWordChar(b) || '.-/:#'.includes(b))) return;
    p.street.lastIndex = c.index;
    const m = p.street.exec(text);
    if (!m) {
      p.bare.lastIndex = c.index;
      const bare = p.bare.exec(text);
      if (bare) out.push({ start: c.index, end: c.index + bare[0].length, category: 'ADDRESS' });
      return;
    }
    const words = m[2]!.trim().split(/\s+/);
    // street-name words are capitalised or numbers ("E 6th Avenue", "MAIN ST"), never lower case
    if (!words.every((w) => /^[\p{Lu}\d]/u.test(w))) return;
    const suffix = m[3]!;
    const common = p.common.has(suffix.toLowerCase());
    if (!common && !m[4] && !m[5]) return;
    out.push({ start: c.index, end: c.index + m[0].length, category: 'ADDRESS' });
  });
  forEachMatch(p.tail, text, (m) => {
    const city = p.cityBefore.exec(text.slice(Math.max(0, m.index - 60), m.index))?.[1];
    if (city) out.push({ start: m.index - city.length, end: m.index + m[0].length, category: 'ADDRESS' });
  });
  forEachMatch(p.pobox, text, (m) => { if (!isWordChar(text[m.index - 1])) out.push({ start: m.index, end: m.index + m[0].length, category: 'ADDRESS' }); });
}
