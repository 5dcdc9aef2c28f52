import type { PhiSpan } from './phi-span.js';
import { readPerson } from './read-value.js';
import { forEachMatch, isWordChar } from './text-boundary.js';
import type { ScrubContext } from './scrub-options.js';

/*
 * User names inside file-system paths and account references:
 *   C:\Users\jsmith\…, C:\Documents and Settings\…, \\fs01\profiles$\jsmith.V6\…, C:/Users/…,
 *   /home/maria.garcia/…, /Users/…, /var/mail/…, /var/spool/cron/crontabs/…, ~jsmith/…
 *   CLINIC\jsmith, WS-014\jsmith (NetBIOS domain or computer, upper case, then the account)
 * The account segment is replaced whole unless it is a built-in or service account.
 */

const WIN_PROFILE = /(?:\\{1,2}|\/)(?:users\$?|documents and settings|profiles?\$?|roamingprofiles?\$?|userprofiles?\$?|userdata\$?|homes?\$|redirect(?:ed)?\$?|folders\$?)(?:\\{1,2}|\/)/giu;
const UNIX_HOME = /(?<![\p{L}\p{N}_.\-~$%])(?:\/(?:home|Users|export\/home|var\/mail|var\/spool\/mail|var\/spool\/cron(?:\/crontabs)?|var\/lib\/AccountsService\/users)\/|~(?=[\p{L}_]))/gu;

// A path segment: no separators, quotes, shell or JSON punctuation. Spaces are allowed only when a
// path separator follows the spaced run ("C:\Users\John Smith\Desktop").
const SEGMENT = /[^\\/\r\n\t"'<>|:*?,;=(){}\[\]`]{1,64}/y;

const DOMAIN_PREFIX = /[A-Z][A-Z0-9_\-]{1,14}\\{1,2}/g;
const DOMAIN_USER = /([\p{L}\p{N}_][\p{L}\p{N}_.\-$]{0,63})(?![\p{L}\p{N}_.\-$]|\\|\/)/uy;
const NOT_DOMAINS = new Set(['HKLM', 'HKCU', 'HKCR', 'HKU', 'HKCC', 'HKPD', 'SOFTWARE', 'SYSTEM', 'HARDWARE', 'SAM', 'SECURITY', 'BCD', 'COMPONENTS', 'DRIVERS', 'REGISTRY', 'MACHINE', 'USER', 'BUILTIN', 'CONTROL', 'CURRENTCONTROLSET', 'DEVICE', 'GLOBAL', 'GLOBALROOT', 'PIPE', 'SESSIONS', 'BASENAMEDOBJECTS', 'PROGRA', 'WINDOWS', 'PROGRAMDATA', 'TEMP', 'TMP', 'LOGS', 'LOG', 'DATA', 'BIN', 'ETC', 'VAR', 'USR', 'OPT', 'SRC', 'ADMIN', 'IPC', 'SYSVOL', 'NETLOGON', 'PRINT', 'FAX', 'SHARE', 'SHARES', 'PUBLIC', 'AUTHORITY', 'NT', 'SERVICE', 'APPPOOL', 'PACKAGE']);

function readSegment(text: string, at: number): { start: number; end: number } | undefined {
  SEGMENT.lastIndex = at;
  const m = SEGMENT.exec(text);
  if (!m) return undefined;
  let seg = m[0];
  const next = text[at + seg.length];
  const followedBySep = next === '\\' || next === '/';
  if (!followedBySep || seg.length === 64) {
    const ws = seg.search(/\s/);
    if (ws >= 0) seg = seg.slice(0, ws);
  }
  seg = seg.replace(/[.\s]+$/, '');
  if (!seg || /^[%$*<{~.]/.test(seg)) return undefined;
  return { start: at, end: at + seg.length };
}

// a folder of patient files names the patient: …\Patients\Smith, John.docx, /srv/patients/Doe Jane intake.pdf
const PATIENT_FOLDER = /(?:\\{1,2}|\/)(?:patients?|patient files|patient records|charts|medical records)(?:\\{1,2}|\/)/giu;

/** User names in profile and home paths, names in patient-file folders, DOMAIN\user references. */
export function detectPaths(text: string, ctx: ScrubContext, out: PhiSpan[]): void {
  for (const re of [WIN_PROFILE, UNIX_HOME]) {
    forEachMatch(re, text, (m) => {
      const seg = readSegment(text, m.index + m[0].length);
      if (!seg) return;
      const name = text.slice(seg.start, seg.end);
      // jsmith.CLINIC / jsmith.V6 / jsmith.CLINIC.000: the account is the first part
      const account = name.replace(/\.(?:[A-Z0-9\-]{1,15}|V\d)(?:\.\d{3})?$/u, '');
      if (ctx.keepAccount(account) || ctx.keepAccount(name) || /^\d+$/.test(name)) return;
      out.push({ start: seg.start, end: seg.end, category: 'NAME' });
    });
  }
  forEachMatch(PATIENT_FOLDER, text, (m) => {
    const name = readPerson(text, m.index + m[0].length, { anyCase: false });
    if (name) out.push({ ...name, category: 'NAME' });
  });
  forEachMatch(DOMAIN_PREFIX, text, (d) => {
    const b = text[d.index - 1];
    if (b !== undefined && (isWordChar(b) || '\\/.$%&:-'.includes(b))) return;
    const domain = d[0].replace(/\\+$/, '');
    if (NOT_DOMAINS.has(domain)) return;
    const start = d.index + d[0].length;
    DOMAIN_USER.lastIndex = start;
    const m = DOMAIN_USER.exec(text);
    if (!m) return;
    const user = m[1]!.replace(/[.\-]+$/, '');
    if (ctx.keepAccount(user)) return;
    const group = /^ \p{Lu}\p{Ll}+/u.exec(text.slice(start + m[0].length, start + m[0].length + 24)); // CLINIC\Domain Admins
    if (group && ctx.keepAccount(user + group[0])) return;
    out.push({ start, end: start + user.length, category: 'NAME' });
  });
}
