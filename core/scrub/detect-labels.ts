import { labelKey, phraseTable, type Phrase } from './context-phrases.js';
import type { PhiSpan } from './phi-span.js';
import { looksLikeKnownName, readValue, type ValueRange } from './read-value.js';
import type { ScrubContext } from './scrub-options.js';
import { forEachMatch, isLetterChar } from './text-boundary.js';

/*
 * Labelled values: "Patient: John Smith", "DOB 03/04/1985", "MRN#: 0045-1123", `"ssn": "…"`,
 * `user=jsmith`, `<Data Name="TargetUserName">jsmith</Data>`, `last_name = 'Smith'`,
 * `"LockedAccounts": ["jsmith", "mgarcia"]`, "92 years old".
 *
 * Labels are found by walking letter runs and looking each up by its first word, so the cost is
 * one pass plus a few sticky regex tries per candidate word. Weak labels ("Name:", "Address:")
 * count only with evidence: a dictionary name, or a strong label (patient, DOB, MRN …) within
 * ANCHOR_WINDOW characters, which is how a patient record block is recognised.
 */
const ANCHOR_WINDOW = 400;
const AGE_AFTER = /(\d{2,3})\s?-?\s?(?:years?[\s\-]old|yrs?[\s\-]old|y\/o|yo)(?![A-Za-z])/gi;

interface Separator {
  at: number;
  /** `:`/`=`/`#`/`>`, a tab or a column gap of two or more spaces. */
  strong: boolean;
  /** A `:` or `=` (lower-case names count after one). */
  colon: boolean;
}

const isLetter = isLetterChar;
const isSpace = (c: string | undefined) => c === ' ' || c === '\t';

function readSeparator(text: string, i: number): Separator {
  let strong = false;
  let colon = false;
  if (text[i] === '"' || text[i] === "'" || text[i] === '`' || text[i] === ']') i++;
  // optional number words after a label that lacks them: "MRN No.", "Member ID #"
  const num = /^\s?(?:#|no\.?|num(?:ber)?|nbr)(?![\p{L}])/iu.exec(text.slice(i, i + 8));
  if (num) i += num[0].length;
  let spaces = 0;
  while (spaces < 40 && isSpace(text[i])) {
    if (text[i] === '\t') strong = true;
    i++;
    spaces++;
  }
  if (spaces >= 2) strong = true;
  const c = text[i];
  if (c === ':' || c === '=' || c === '#' || c === '>') {
    if (text[i + 1] === ':' && c === ':') return { at: i, strong: false, colon: false }; // "std::"
    strong = true;
    colon = c === ':' || c === '=';
    i++;
    if (c === '=' && text[i] === '>') i++;
    if ((c === ':' || c === '#') && (text[i] === '#' || text[i] === ':')) i++;
    // after "=" spaces are skipped only when the label had them too ("a = b", not "logname= uid=0")
    if (c !== '=' || spaces > 0) {
      let n = 0;
      while (n < 40 && isSpace(text[i])) {
        i++;
        n++;
      }
    }
  }
  if (text[i] === '"' || text[i] === "'" || text[i] === '`' || text[i] === '(') i++;
  return { at: i, strong, colon };
}

function qualified(text: string, start: number): boolean {
  let j = start - 1;
  if (text[j] === ' ' || text[j] === '_' || text[j] === '-' || text[j] === '.') j--;
  return isLetter(text[j]);
}

const LIST_ITEM = /\s*(?:"([^"\\\r\n]{1,128})"|'([^'\\\r\n]{1,128})')\s*([,\]])/y;

function readList(text: string, at: number, phrase: Phrase, ctx: ScrubContext): ValueRange[] {
  const out: ValueRange[] = [];
  let i = at;
  for (let n = 0; n < 200; n++) {
    LIST_ITEM.lastIndex = i;
    const m = LIST_ITEM.exec(text);
    if (!m) break;
    const item = m[1] ?? m[2]!;
    const itemStart = m.index + m[0].indexOf(item);
    if (!ctx.keepAccount(item) && !ctx.keepAccount(item.replace(/^.*\\/, ''))) {
      const r = readValue(text, itemStart, phrase.shape, ctx, { separated: true, weak: false });
      if (r && r.end <= itemStart + item.length) out.push(r);
    }
    i = m.index + m[0].length;
    if (m[3] === ']') break;
  }
  return out;
}

interface Pending {
  range: ValueRange;
  phrase: Phrase;
}

interface LabelScan {
  text: string;
  ctx: ScrubContext;
  out: PhiSpan[];
  anchors: number[];
  weak: Pending[];
}

/**
 * Handles one label found at [ps, ps + labelLength): reads its value and records the span (or a
 * pending weak one) and anchors. Returns where scanning may resume.
 */
function takeLabel(scan: LabelScan, phrase: Phrase, ps: number, labelText: string): number {
  const { text, ctx, out } = scan;
  let pe = ps + labelText.length;
  while (pe < text.length && pe < ps + labelText.length + 2 && /\d/.test(text[pe]!)) pe++; // address1, phone2
  if (isLetter(text[pe]) || /\d/.test(text[pe] ?? '')) return ps;
  if (phrase.bare && qualified(text, ps)) return ps;
  if (phrase.honorific) {
    if (!/\p{Ll}/u.test(labelText) && text[pe] !== '.') return ps; // "MS SQL" is no honorific
    if (phrase.label === 'dr' && /\p{Lu}\p{Ll}*\s$/u.test(text.slice(Math.max(0, ps - 24), ps))) return ps; // "Oak Dr."
    const at = text[pe] === '.' ? pe + 1 : pe;
    if (text[at] !== ' ') return ps;
    const r = readValue(text, at + 1, 'person', ctx, { separated: false, weak: false });
    if (r) out.push({ ...r, category: phrase.category });
    return pe;
  }
  if (phrase.anchor) scan.anchors.push(ps);
  const sep = readSeparator(text, pe);
  if (phrase.needsSeparator && !sep.strong) return sep.at;
  const ranges: ValueRange[] = [];
  if (text[sep.at] === '[' && (phrase.shape === 'account' || phrase.shape === 'person')) {
    ranges.push(...readList(text, sep.at + 1, phrase, ctx));
  } else {
    const r = readValue(text, sep.at, phrase.shape, ctx, { separated: sep.colon || sep.strong, weak: phrase.needsEvidence || !sep.strong });
    if (r) ranges.push(r);
  }
  if (phrase.anchorOnValue && ranges.length > 0) scan.anchors.push(ps);
  let resume = sep.at;
  for (const range of ranges) {
    if (phrase.needsEvidence && phrase.shape === 'person' && !looksLikeKnownName(text.slice(range.start, range.end))) scan.weak.push({ range, phrase });
    else out.push({ ...range, category: phrase.category });
    resume = Math.max(resume, range.end);
  }
  return resume;
}

/** Values after PHI labels, in plain text, logs, key=value, JSON text, XML and SQL. */
export function detectLabels(text: string, ctx: ScrubContext, out: PhiSpan[]): void {
  const { byFirstWordRe, firstWords } = phraseTable();
  const scan: LabelScan = { text, ctx, out, anchors: [], weak: [] };
  let skipUntil = 0;
  forEachMatch(firstWords, text, (run) => {
    const ps = run.index;
    if (ps < skipUntil || isLetter(text[ps - 1])) return;
    const group = byFirstWordRe.get(run[0].toLowerCase());
    if (!group) return;
    group.re.lastIndex = ps;
    const m = group.re.exec(text);
    const phrase = m && group.byKey.get(labelKey(m[0]));
    if (m && phrase) skipUntil = takeLabel(scan, phrase, ps, m[0]);
  });
  // weak labels ("Name:") count near an anchor: a patient or user record
  scan.anchors.sort((a, b) => a - b);
  for (const w of scan.weak) {
    if (nearAnchor(scan.anchors, w.range.start)) out.push({ ...w.range, category: w.phrase.category });
  }
  forEachMatch(AGE_AFTER, text, (m) => {
    if (/[0-9.]/.test(text[m.index - 1] ?? '')) return;
    if (Number(m[1]) > 89) out.push({ start: m.index, end: m.index + m[1]!.length, category: 'AGE' });
  });
}

function nearAnchor(anchors: readonly number[], at: number): boolean {
  let lo = 0;
  let hi = anchors.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (anchors[mid]! < at - ANCHOR_WINDOW) lo = mid + 1;
    else hi = mid;
  }
  return lo < anchors.length && anchors[lo]! <= at + ANCHOR_WINDOW;
}
