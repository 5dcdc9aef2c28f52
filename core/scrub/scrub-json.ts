import { classifyKey, type Phrase } from './context-phrases.js';
import { addCounts, emptyCounts, phiToken, type PhiCategory, type PhiCounts } from './phi-category.js';
import { looksLikeKnownName, readValue } from './read-value.js';
import { scrubContext, type ScrubContext, type ScrubOptions } from './scrub-options.js';
import { scrubText } from './scrub-text.js';

export interface ScrubJsonOptions extends ScrubOptions {
  /** Values nested deeper than this are withheld (default 64). */
  maxDepth?: number;
  /** Strings longer than this are withheld rather than scrubbed (default 1,000,000 characters). */
  maxStringChars?: number;
}

export interface ScrubJsonResult {
  /** A scrubbed copy; the input is not changed. Still JSON: tokens are strings. */
  value: unknown;
  counts: PhiCounts;
}

/** JSON-only labels (FHIR and similar): the identifier list is record numbers, telecom is phones. */
const JSON_ONLY_KEYS: Readonly<Record<string, Pick<Phrase, 'category' | 'shape'>>> = {
  identifier: { category: 'MRN', shape: 'id' },
  identifiers: { category: 'MRN', shape: 'id' },
  telecom: { category: 'PHONE', shape: 'phone' },
};
/** Children that take the meaning of their parent's key: {"identifier": [{"value": "…"}]}. */
const GENERIC_CHILD_KEYS = new Set(['value', 'text', 'line', 'lines', 'display', 'number', 'values']);
const STREETISH = /^(?:\d{1,6}[A-Za-z]?\s+[\p{L}\d]|p\.?\s?o\.?\s?box\b)/iu;

type Label = Pick<Phrase, 'category' | 'shape'> & Partial<Pick<Phrase, 'needsEvidence'>>;

function labelOf(key: string | undefined): Label | undefined {
  if (key === undefined) return undefined;
  const phrase = classifyKey(key);
  if (phrase && !phrase.honorific) return phrase;
  return JSON_ONLY_KEYS[key.toLowerCase().replace(/[^a-z]/g, '')];
}

/** Whether a whole string under `label` is the identifier itself. */
function wholeValue(label: Label, value: string, inRecord: boolean, ctx: ScrubContext): boolean {
  const v = value.trim();
  if (!v) return false;
  switch (label.shape) {
    case 'person':
      return /\p{L}/u.test(v) && (!label.needsEvidence || inRecord || looksLikeKnownName(v));
    case 'account':
      return /\p{L}/u.test(v) && !ctx.keepAccount(v) && !ctx.keepAccount(v.replace(/^.*\\/, ''));
    case 'address':
      return /[\p{L}\p{N}]/u.test(v) && (!label.needsEvidence || inRecord || STREETISH.test(v));
    case 'city':
      return /\p{L}/u.test(v);
    case 'age':
      return /^\d{1,3}$/.test(v) && Number(v) > 89;
    case 'phone':
    case 'ssn':
    case 'date':
    case 'zip':
      return /\d/.test(v);
    case 'id':
      return /\d/.test(v) && v.length >= 3;
  }
}

function wholeNumber(label: Label, n: number, ctx: ScrubContext): boolean {
  if (!Number.isFinite(n)) return false;
  const s = String(n);
  switch (label.shape) {
    case 'age':
      return n > 89;
    case 'id':
    case 'ssn':
    case 'phone':
    case 'zip':
      return Number.isInteger(n) && s.length >= 3;
    case 'date':
      return !!readValue(s, 0, 'date', ctx, { separated: true, weak: false });
    default:
      return false;
  }
}

const isRecordKey = (key: string) => {
  const p = classifyKey(key);
  return !!p && (p.anchor || p.anchorOnValue) && p.category !== 'AGE';
};

/**
 * Scrubs a parsed JSON value: strings through scrubText, plus whole values under PHI keys
 * (`"dob": "1980-01-02"`, `"ssn": 123456789`, `"name"` inside a patient object). Keys that hold
 * PHI themselves are replaced too. Fails closed per field: a string that cannot be scrubbed
 * (too long, too deep, an error) becomes `[PHI:WITHHELD]`. The result is still JSON.
 *
 * @example
 * scrubJson({ patient: { name: 'Ana Ruiz', dob: '1980-01-02' }, build: '10.0.19045' }).value;
 * // { patient: { name: '[PHI:NAME]', dob: '[PHI:DOB]' }, build: '10.0.19045' }
 */
export function scrubJson(value: unknown, options: ScrubJsonOptions = {}): ScrubJsonResult {
  const ctx = scrubContext(options);
  const maxDepth = options.maxDepth ?? 64;
  const maxStringChars = options.maxStringChars ?? 1_000_000;
  const counts = emptyCounts();
  const seen = new Set<object>();
  const token = (c: PhiCategory) => {
    counts[c]++;
    return phiToken(c);
  };
  const text = (s: string): string => {
    if (s.length > maxStringChars) return token('WITHHELD');
    try {
      const r = scrubText(s, options);
      addCounts(counts, r.counts);
      return r.text;
    } catch {
      return token('WITHHELD');
    }
  };

  const walk = (v: unknown, key: string | undefined, label: Label | undefined, inRecord: boolean, depth: number): unknown => {
    if (typeof v === 'string') {
      if (label && v.length <= maxStringChars && wholeValue(label, v, inRecord, ctx)) return token(label.category);
      return text(v);
    }
    if (typeof v === 'number') return label && wholeNumber(label, v, ctx) ? token(label.category) : v;
    if (v === null || typeof v !== 'object') return v;
    if (depth >= maxDepth || seen.has(v)) return token('WITHHELD');
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map((item) => walk(item, key, label, inRecord, depth + 1));
      const entries = Object.entries(v as Record<string, unknown>);
      // a patient record: under a record key ({"patient": {…}}), or holding a record value itself
      // ({"dob": "…", "name": "…"}); a sibling that is an object ({"patient": {…}}) does not count
      const record = inRecord || (key !== undefined && isRecordKey(key)) || entries.some(([k, c]) => isRecordKey(k) && (c === null || typeof c !== 'object'));
      const out: Record<string, unknown> = {};
      for (const [k, child] of entries) {
        let childLabel = labelOf(k);
        if (!childLabel && label && GENERIC_CHILD_KEYS.has(k.toLowerCase())) childLabel = label;
        const scrubbedKey = text(k);
        let outKey = scrubbedKey;
        for (let n = 2; outKey !== k && Object.hasOwn(out, outKey); n++) outKey = `${scrubbedKey}#${n}`;
        out[outKey] = walk(child, k, childLabel, record, depth + 1);
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };

  const result = walk(value, undefined, undefined, false, 0);
  return { value: result, counts };
}
