/**
 * The kinds of identifier the scrubber replaces (HIPAA Safe Harbor, 45 CFR 164.514(b)(2), as they
 * show up in machine output) and the fixed token each one becomes. A token never carries anything
 * derived from the value it replaces: no hash, no length, no partial digits.
 */
export const PHI_CATEGORIES = [
  'NAME', // persons: patients, relatives, staff user names in paths, logs and records
  'SSN', // social security numbers, including invalid-looking ones (000-…, 666-…, 9xx-…)
  'MRN', // medical record, patient, encounter and visit numbers
  'MEMBER', // health plan beneficiary / member / subscriber / policy numbers, Medicare and Medicaid ids
  'ACCOUNT', // account numbers, payment card numbers
  'LICENSE', // driver's licence, passport and other certificate or licence numbers
  'DOB', // dates of birth
  'DATE', // other dates tied to a patient (admission, discharge, death, service)
  'AGE', // ages over 89
  'PHONE', // telephone and fax numbers
  'EMAIL', // e-mail addresses
  'ADDRESS', // street addresses, cities and ZIP codes in an address context
  'IP', // client IP addresses (see ScrubOptions.keepAddresses for what is kept)
  'URL', // web addresses outside the built-in and declared infrastructure hosts
  'WITHHELD', // a field the scrubber could not vouch for (scrubJson), withheld whole
] as const;

export type PhiCategory = (typeof PHI_CATEGORIES)[number];

/** How many identifiers of each category were replaced. */
export type PhiCounts = Record<PhiCategory, number>;

/** The fixed replacement for a category, e.g. `[PHI:SSN]`. */
export function phiToken(category: PhiCategory): string {
  return `[PHI:${category}]`;
}

/** A zeroed counter for every category. */
export function emptyCounts(): PhiCounts {
  return { NAME: 0, SSN: 0, MRN: 0, MEMBER: 0, ACCOUNT: 0, LICENSE: 0, DOB: 0, DATE: 0, AGE: 0, PHONE: 0, EMAIL: 0, ADDRESS: 0, IP: 0, URL: 0, WITHHELD: 0 };
}

/** Adds `more` into `into` and returns `into`. */
export function addCounts(into: PhiCounts, more: Readonly<PhiCounts>): PhiCounts {
  for (const c of PHI_CATEGORIES) into[c] += more[c];
  return into;
}
