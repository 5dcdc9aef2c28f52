import type { PhiCategory } from './phi-category.js';

/** How the value after a label is read. */
export type ValueShape =
  | 'person' // 1–5 name words ("John A. Smith", "Smith, John", "MARÍA DE LA CRUZ")
  | 'account' // a person name, else one account token (jsmith, CLINIC\jsmith → jsmith)
  | 'id' // record, member, account or licence number: letters/digits, at least two digits
  | 'ssn' // 123-45-6789, 123 45 6789, 123456789, XXX-XX-6789
  | 'date' // the usual numeric and written date forms
  | 'phone' // NANP with or without separators, +international, 555-1234
  | 'address' // the rest of the field
  | 'city' // capitalised words
  | 'zip' // 12345 or 12345-6789
  | 'age'; // a number, replaced only above 89 (Safe Harbor aggregates ages over 89)

export interface Phrase {
  /** The label as written in the table, e.g. `date of birth`. */
  label: string;
  category: PhiCategory;
  shape: ValueShape;
  /** A `:`/`=`/`#`/tab/column gap must separate label and value ("User: x", not "user logged in"). */
  needsSeparator: boolean;
  /** The label must stand alone: "Name:" counts, "Service Name:" does not. */
  bare: boolean;
  /** The value counts only with more evidence: a dictionary name, or a strong label nearby. */
  needsEvidence: boolean;
  /** Its presence makes nearby weak labels ("Name:") count: it marks a patient record. */
  anchor: boolean;
  /** Like `anchor`, but only once a value was read after it ("Phone: 555-…", "pt: Smith"). */
  anchorOnValue: boolean;
  honorific: boolean;
  /** Compiled: matches the label at a position (case-insensitive, separators optional). */
  re: RegExp;
}

type Spec = [labels: string, category: PhiCategory, shape: ValueShape, flags?: string];

/*
 * Flags: s = needs a separator, b = bare (no qualifying word before it), e = needs evidence,
 * n = not an anchor, h = honorific. In labels, a space stands for an optional separator
 * (space, _, -, .), `'` for an optional apostrophe, `#` for an optional-space number sign.
 */
const SPECS: readonly Spec[] = [
  ['patient|patient name|pt name|patient full name|patient first name|patient last name|patient middle name|full name|fullname|first name|last name|given name|surname|family name|middle name|maiden name|mother\'s maiden name|legal name|preferred name|guarantor|guarantor name|insured|insured name|insured\'s name|subscriber name|policy holder|policyholder|next of kin|emergency contact|contact person|contact name|spouse name|client name|customer name|employee name|resident name|physician|attending physician|referring physician|patient surname|patient given name|chart for|charts for|record for|records for|results for|lab results for|labs for|referral for|prescription for|rx for|claim for|encounter for|visit for|order for|orders for|note for|notes for|statement for|invoice for|appointment for|reminder for|dear', 'NAME', 'person'],
  ['re|regarding|attn|attention', 'NAME', 'person', 'sbn'],
  ['fname|lname|pt|mother|father|spouse|guardian|parent|caregiver|nok|sn|given|family', 'NAME', 'person', 'sb'],
  ['name|display name|displayname|cn|contact|nickname|provider name', 'NAME', 'person', 'sben'],
  ['mr|mrs|ms|miss|mx|dr', 'NAME', 'person', 'hn'],
  ['user|username|user name|userid|user id|login name|logon name|logon account|account name|accountname|samaccountname|sam account name|target user name|subject user name|caller user name|logname|ruser|luser|suser|uid|upn|created by|modified by|changed by|requested by|approved by|performed by|initiated by|signed by|locked accounts|lockedaccounts|locked out accounts|local admins|localadmins|suspicious accounts|suspiciousaccounts|stale users|members|identity', 'NAME', 'account', 'sn'],
  ['owned by|printed by|submitted by|opened by|accessed by|assigned to|sent by', 'NAME', 'account', 'n'],
  ['login|logon|account|principal|owner', 'NAME', 'account', 'sbn'],
  ['ssn|ssn #|social security|social security number|social security no|social security #|soc sec|soc sec no|soc sec #|social', 'SSN', 'ssn'],
  ['ss #|ss no|ss|sin', 'SSN', 'ssn', 'sb'],
  ['mrn|mrn #|mr #|mr no|mr number|medical record|medical record number|medical record no|medical record #|med rec|med rec no|med rec #|chart number|chart no|chart #|chart id|patient id|patientid|pt id|patient number|patient no|patient #|patient identifier|patient account number|encounter id|encounter number|encounter no|visit id|visit number|visit no|accession number|accession no|accession #|episode id', 'MRN', 'id'],
  ['member id|member number|member no|member #|memberid|subscriber id|subscriber number|subscriber no|subscriber #|policy number|policy no|policy #|insurance id|insurance number|insurance no|insurance #|medicare|medicare id|medicare number|medicare no|medicare #|mbi|hicn|medicaid|medicaid id|medicaid number|medicaid no|medicaid #|beneficiary id|beneficiary number|health plan id|plan member id|insured id|cardholder id|group number|group no|group #', 'MEMBER', 'id'],
  ['account number|account no|account #|account num|acct|acct no|acct #|acct number|acct num|billing account|bank account|card number|card no|credit card|credit card number|cc number|iban|routing number', 'ACCOUNT', 'id'],
  ['driver\'s license|drivers license|driver license|driver\'s licence|drivers licence|driving licence|driver\'s license number|drivers license number|driver license number|dl #|dl no|dl number|license number|license no|license #|licence number|licence no|licence #|lic #|lic no|state id|state id number|passport|passport number|passport no|passport #', 'LICENSE', 'id'],
  ['dl', 'LICENSE', 'id', 'sb'],
  ['dob|d.o.b.|date of birth|birth date|birthdate|birthday|born|birth dt|patient dob|patient birth date', 'DOB', 'date'],
  ['admission date|admit date|admitted|date admitted|discharge date|discharged|date discharged|date of death|death date|deceased|date of service|service date|visit date|appointment date|appt date|surgery date|procedure date|encounter date|date of admission|date of discharge|appointment|appt|visit|admission|discharge|surgery|procedure|seen', 'DATE', 'date'],
  ['dod', 'DATE', 'date', 'sb'],
  ['age|aged|patient age', 'AGE', 'age', 'b'],
  ['phone|phone number|phone no|phone #|telephone|telephone number|tel|tel no|tel #|cell phone|mobile phone|mobile number|home phone|work phone|business phone|contact number|contact phone|fax|fax number|fax no|fax #|pager|callback number|patient phone', 'PHONE', 'phone'],
  ['cell|mobile|ph|callback', 'PHONE', 'phone', 'sb'],
  ['home address|street address|mailing address|residence|residential address|patient address|address line|addressline|address 1|address 2|address line 1|address line 2', 'ADDRESS', 'address'],
  ['street|street 1|street 2', 'ADDRESS', 'address', 'sb'],
  ['address|addr', 'ADDRESS', 'address', 'sbe'],
  ['city|town', 'ADDRESS', 'city', 'sbn'],
  ['zip|zip code|zipcode|postal code|postcode', 'ADDRESS', 'zip', 'sn'],
];

/** Categories whose labels mark a patient record (AGE, PHONE … are too generic on their own). */
const RECORD_CATEGORIES: ReadonlySet<PhiCategory> = new Set(['NAME', 'SSN', 'MRN', 'MEMBER', 'DOB', 'DATE', 'ADDRESS']);

function labelSource(label: string): string {
  let src = '';
  for (const ch of label) {
    if (ch === ' ') src += '[\\s_.\\-]?';
    else if (ch === "'") src += "['’]?";
    else if (ch === '#') src += '\\s?#';
    else if (ch === '.') src += '\\.?';
    else src += ch.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  }
  return src;
}

/**
 * A regex source matching any of `words` (lower-case letters), factored as a trie so the engine
 * tries each position once per branch instead of once per word. Longer words are preferred.
 */
function trieSource(words: readonly string[]): string {
  type Node = Map<string, Node> & { end?: boolean };
  const root: Node = new Map();
  for (const w of words) {
    let n = root;
    for (const ch of w) {
      if (!n.has(ch)) n.set(ch, new Map());
      n = n.get(ch)!;
    }
    n.end = true;
  }
  const emit = (n: Node): string => {
    const branches = [...n.entries()].map(([ch, child]) => ch + emit(child));
    if (branches.length === 0) return '';
    const alt = branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
    return n.end ? `(?:${alt})?` : alt;
  };
  return `(?:${emit(root)})`;
}

const compact = (s: string) => s.toLowerCase().replace(/[^\p{L}]/gu, '');

export interface PhraseTable {
  /** Phrases by the lower-case letters of their first word, and of their whole label. */
  byFirstWord: Map<string, Phrase[]>;
  byCompact: Map<string, Phrase>;
  /** Finds every first word in text (case-insensitive, ASCII; boundaries are checked by the caller). */
  firstWords: RegExp;
  /** Per first word: one sticky regex over all its phrases (longest first) and the phrase per match key. */
  byFirstWordRe: Map<string, { re: RegExp; byKey: Map<string, Phrase> }>;
}

/** A label as written, reduced to a lookup key: "Patient_Name" → "patientname", "MR #" → "mr#". */
export const labelKey = (s: string) => s.toLowerCase().replace(/[\s_.\-'’]/g, '');

let table: PhraseTable | undefined;

/** The phrase table, compiled on first use (no work at import time). */
export function phraseTable(): PhraseTable {
  if (table) return table;
  const byFirstWord = new Map<string, Phrase[]>();
  const byCompact = new Map<string, Phrase>();
  for (const [labels, category, shape, flags = ''] of SPECS) {
    for (const label of labels.split('|')) {
      const phrase: Phrase = {
        label, category, shape,
        needsSeparator: flags.includes('s'),
        bare: flags.includes('b'),
        needsEvidence: flags.includes('e'),
        anchor: RECORD_CATEGORIES.has(category) && !/[sneh]/.test(flags),
        // an account name that was replaced (not a built-in) also marks a user record
        anchorOnValue: (RECORD_CATEGORIES.has(category) || category === 'PHONE' || category === 'ACCOUNT' || category === 'LICENSE' || shape === 'account') && !/[eh]/.test(flags),
        honorific: flags.includes('h'),
        re: new RegExp(labelSource(label) + (label.endsWith('#') || label.endsWith('.') ? '' : '(?![\\p{L}])'), 'iuy'),
      };
      const first = compact(label.split(/[\s.'#]/)[0]!);
      const whole = compact(label);
      for (const key of new Set([first, whole])) {
        const list = byFirstWord.get(key) ?? [];
        list.push(phrase);
        byFirstWord.set(key, list);
      }
      if (!byCompact.has(whole)) byCompact.set(whole, phrase);
    }
  }
  for (const list of byFirstWord.values()) list.sort((a, b) => b.label.length - a.label.length);
  const words = [...byFirstWord.keys()].sort((a, b) => b.length - a.length);
  const byFirstWordRe = new Map<string, { re: RegExp; byKey: Map<string, Phrase> }>();
  for (const [word, list] of byFirstWord) {
    const byKey = new Map<string, Phrase>();
    for (const p of list) if (!byKey.has(labelKey(p.label))) byKey.set(labelKey(p.label), p);
    byFirstWordRe.set(word, { re: new RegExp(list.map((p) => `(?:${p.re.source})`).join('|'), 'iuy'), byKey });
  }
  table = { byFirstWord, byCompact, firstWords: new RegExp(`\\b${trieSource(words)}(?![a-z])`, 'gi'), byFirstWordRe };
  return table;
}

/**
 * The phrase a whole key names (`patient_name`, `dateOfBirth`, `PID`…), for JSON keys and SQL
 * columns; undefined when the key is not a PHI label. A leading `patient`/`pt` is looked through
 * (`patientDob` → dob).
 *
 * @example
 * classifyKey('date_of_birth')?.category; // 'DOB'
 */
export function classifyKey(key: string): Phrase | undefined {
  const { byCompact } = phraseTable();
  const k = compact(key);
  if (!k) return undefined;
  const direct = byCompact.get(k);
  if (direct) return direct;
  for (const prefix of ['patient', 'pt', 'pat', 'guarantor', 'insured', 'subscriber', 'member', 'contact', 'emergency', 'home', 'work', 'primary', 'billing', 'mailing', 'legal']) {
    if (k.startsWith(prefix) && k.length > prefix.length) {
      const rest = byCompact.get(k.slice(prefix.length));
      if (rest && !rest.honorific) return { ...rest, needsEvidence: false, anchor: true, anchorOnValue: true };
    }
  }
  return undefined;
}
