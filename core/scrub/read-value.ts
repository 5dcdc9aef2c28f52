import { GIVEN_NAMES, NAME_PARTICLES, NOT_NAME_WORDS, SURNAMES } from './name-dictionary.js';
import type { ScrubContext } from './scrub-options.js';
import type { ValueShape } from './context-phrases.js';

/** Where a value was found: `[start, end)`. */
export interface ValueRange {
  start: number;
  end: number;
}

const NAME_WORD = /[\p{L}][\p{L}\p{M}'’\-]*\.?/uy;

export interface PersonOptions {
  /** Accept lower-case words (after a `Label:`); otherwise every word must be capitalised. */
  anyCase: boolean;
  /** At least this many words. */
  minWords?: number;
}

/**
 * Reads a person's name at `at`: 1–5 words, initials, particles (de, van …), one "Last, First"
 * comma. Stops at a word that is a label or a common IT/clinical word ("Smith DOB" → "Smith").
 */
export function readPerson(text: string, at: number, options: PersonOptions): ValueRange | undefined {
  let pos = at;
  let end = at;
  let words = 0;
  let usedComma = false;
  let lastWasParticle = false;
  let endBeforeParticle = at;
  for (let i = 0; i < 5; i++) {
    NAME_WORD.lastIndex = pos;
    const m = NAME_WORD.exec(text);
    if (!m) break;
    const word = m[0].replace(/['’\-]+$/, ''); // a closing quote is not part of O'Brien
    const bare = word.endsWith('.') ? word.slice(0, -1) : word;
    const lower = bare.toLowerCase();
    const after = text.charCodeAt(pos + word.length);
    if ((after >= 48 && after <= 57) || after === 95 || after === 64) break; // IPv4, name_x, user@
    if (after === 58 && /\S/.test(text[pos + word.length + 1] ?? ' ')) break; // Trojan:Win32, C:\
    const dotted = word.endsWith('.') && /[\p{L}\p{N}]/u.test(text[pos + word.length] ?? '');
    if (dotted && !(words > 0 && /^\.[A-Za-z0-9]{2,5}(?![\p{L}\p{N}.])/u.test(text.slice(pos + bare.length, pos + bare.length + 7)))) break; // host.domain
    if (dotted) { // "Smith, John.docx": the name ends before the extension
      words++;
      end = pos + bare.length;
      endBeforeParticle = end;
      lastWasParticle = false;
      break;
    }
    const particle = words > 0 && NAME_PARTICLES.has(word) && /^\p{Ll}/u.test(word);
    const initial = bare.length === 1 && word.endsWith('.');
    if (!particle) {
      if (!initial && (NOT_NAME_WORDS.has(lower) || (lower.includes('-') && lower.split('-').some((p) => NOT_NAME_WORDS.has(p))))) break;
      if (!options.anyCase && !/^\p{Lu}/u.test(word)) break;
    }
    words++;
    // keep the dot of an initial ("A."), drop a sentence full stop ("Smith.")
    end = pos + (word.endsWith('.') && bare.length > 1 ? bare.length : word.length);
    lastWasParticle = particle;
    if (!particle) endBeforeParticle = end;
    const rest = text.slice(end, end + 4);
    if (/^[ ^+](?=[\p{L}])/u.test(rest)) pos = end + 1; // "John Smith", DICOM/HL7 "SMITH^JOHN", URL "John+Smith"
    else if (/^%20(?=[\p{L}])/u.test(rest)) pos = end + 3;
    else if (!usedComma && words <= 2 && /^, (?=\p{Lu})/u.test(rest)) {
      usedComma = true;
      pos = end + 2;
    } else break;
  }
  if (lastWasParticle) end = endBeforeParticle;
  if (words === 0 || end <= at || words < (options.minWords ?? 1)) return undefined;
  return { start: at, end };
}

/** True when a name read by readPerson has a dictionary given name first or surname last. */
export function looksLikeKnownName(name: string): boolean {
  const words = name.split(/[\s,]+/).map((w) => w.replace(/\.$/, '').toLowerCase()).filter(Boolean);
  if (words.length === 0) return false;
  if (name.includes(',')) return SURNAMES.has(words[0]!) || GIVEN_NAMES.has(words[1] ?? '');
  return GIVEN_NAMES.has(words[0]!) || (words.length > 1 && SURNAMES.has(words[words.length - 1]!));
}

const USERNAME = /(?:([\p{L}\p{N}_][\p{L}\p{N}_.\-]{0,62})\\{1,2})?([\p{L}\p{N}_][\p{L}\p{N}_.\-$]{0,63})/uy;

const SYSTEM_DOMAIN = /^(?:NT AUTHORITY|NT SERVICE|IIS APPPOOL|NT VIRTUAL MACHINE|Window Manager|Font Driver Host|BUILTIN|APPLICATION PACKAGE AUTHORITY)\\/i;

/** One account token; for DOMAIN\user only the user part. Built-in accounts are not values. */
export function readUsername(text: string, at: number, ctx: ScrubContext): ValueRange | undefined {
  if (SYSTEM_DOMAIN.test(text.slice(at, at + 24))) return undefined; // NT AUTHORITY\SYSTEM, IIS APPPOOL\…
  USERNAME.lastIndex = at;
  const m = USERNAME.exec(text);
  if (!m) return undefined;
  const next = text[at + m[0].length];
  if (next === '=' || next === '@' || next === '(' || next === ':' && /^\d/.test(text[at + m[0].length + 1] ?? '')) return undefined;
  const user = m[2]!.replace(/[.\-]+$/, '');
  const start = at + m[0].length - m[2]!.length;
  if (!/\p{L}/u.test(user) || ctx.keepAccount(user) || NOT_NAME_WORDS.has(user.toLowerCase())) return undefined;
  return { start, end: start + user.length };
}

const ID = /[A-Za-z0-9](?:[A-Za-z0-9]|[\-/.](?=[A-Za-z0-9])|(?<=\d) (?=\d)){2,30}(?![\p{L}\p{N}])/uy;
const SSN = /(?:\d{3}([\s.\-]?)\d{2}\1\d{4}|[xX*#]{3}([\s.\-]?)[xX*#]{2}\2\d{4})(?![\p{L}\p{N}])/uy;
const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const TIME = '(?:[T ]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:\\s?[AP]M)?(?:Z|[+\\-]\\d{2}:?\\d{2})?)?';
const DATE = new RegExp(
  `(?:(?:on|is|was|of|at)\\s+)?(?:\\d{4}-\\d{1,2}-\\d{1,2}${TIME}|\\d{4}/\\d{1,2}/\\d{1,2}${TIME}|\\d{1,2}[/.\\-]\\d{1,2}[/.\\-](?:\\d{4}|\\d{2})${TIME}|\\d{8}(?:\\d{4}(?:\\d{2})?)?|(?:${MONTHS})\\.?\\s\\d{1,2}(?:st|nd|rd|th)?,?\\s\\d{4}|\\d{1,2}(?:st|nd|rd|th)?[\\s\\-](?:${MONTHS})\\.?[\\s\\-,]{1,2}\\d{2,4})(?![\\p{L}\\p{N}])`,
  'iuy',
);
const PHONE = /(?:(?:\+?1[\s.\-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.\-]?)\d{3}[\s.\-]?\d{4}(?:\s?(?:x|ext\.?)\s?\d{1,6})?|\+(?:\d[\s.\-]?){8,14}\d|\d{3}[\s.\-]\d{4})(?![\p{N}])/iuy;
const ADDRESS = /[^\r\n|"\t;{}<>=:]{3,160}/uy;
const STREETISH = /^(?:\d{1,6}[A-Za-z]?\s+[\p{L}\d]|p\.?\s?o\.?\s?box\b)/iu;
const CITY = /\p{Lu}[\p{L}'.\-]*(?: \p{Lu}[\p{L}'.\-]*){0,3}/uy;
const ZIP = /\d{5}(?:-\d{4})?(?![\p{N}])/uy;
const AGE = /\d{1,3}(?![\p{N}.])/uy;

function sticky(re: RegExp, text: string, at: number): ValueRange | undefined {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? { start: at, end: at + m[0].length } : undefined;
}

export interface ReadOptions {
  /** A `:`/`=` separated label from value (so lower-case names are names). */
  separated: boolean;
  /** The label is weak ("Address:"): addresses must look like streets. */
  weak: boolean;
}

/** Reads the value of `shape` at `at`; undefined when what is there does not fit the shape. */
export function readValue(text: string, at: number, shape: ValueShape, ctx: ScrubContext, options: ReadOptions): ValueRange | undefined {
  switch (shape) {
    case 'person':
      return readPerson(text, at, { anyCase: options.separated });
    case 'account': {
      const person = readPerson(text, at, { anyCase: false, minWords: 2 });
      // "NT AUTHORITY\SYSTEM" is a domain and an account, not a person's two names
      if (person && text[person.end] !== '\\' && !ctx.keepAccount(text.slice(person.start, person.end))) return person;
      return readUsername(text, at, ctx);
    }
    case 'id': {
      const r = sticky(ID, text, at);
      if (!r) return undefined;
      const v = text.slice(r.start, r.end);
      const digits = v.replace(/\D/g, '').length;
      return digits >= 2 && v.length >= 4 ? r : undefined;
    }
    case 'ssn':
      return sticky(SSN, text, at);
    case 'date': {
      const r = sticky(DATE, text, at);
      if (!r) return undefined;
      const lead = /^(?:on|is|was|of|at)\s+/i.exec(text.slice(r.start, r.end));
      return lead ? { start: r.start + lead[0].length, end: r.end } : r;
    }
    case 'phone':
      return sticky(PHONE, text, at);
    case 'address': {
      const r = sticky(ADDRESS, text, at);
      if (!r) return undefined;
      let v = text.slice(r.start, r.end);
      const stop = text[r.end];
      if (stop === '=' || stop === ':') v = v.replace(/\s*[^\s,]+$/, ''); // the next label
      v = v.replace(/[\s,.\\]+$/, '');
      if (v.length < 3 || !/[\p{L}\p{N}]/u.test(v)) return undefined;
      if (options.weak && !STREETISH.test(v)) return undefined;
      return { start: r.start, end: r.start + v.length };
    }
    case 'city': {
      const r = sticky(CITY, text, at);
      if (!r) return undefined;
      const v = text.slice(r.start, r.end).replace(/[.]+$/, '');
      return NOT_NAME_WORDS.has(v.toLowerCase()) ? undefined : { start: r.start, end: r.start + v.length };
    }
    case 'zip':
      return sticky(ZIP, text, at);
    case 'age': {
      const r = sticky(AGE, text, at);
      return r && Number(text.slice(r.start, r.end)) > 89 ? r : undefined;
    }
  }
}
