import { isNonClientIpv4, isNonClientIpv6, parseIpv4, parseIpv6, v4Bytes } from './ip-address.js';
import type { PhiSpan } from './phi-span.js';
import type { ScrubContext } from './scrub-options.js';
import { charBefore, forEachMatch, isWordChar } from './text-boundary.js';

/*
 * Identifiers recognisable by shape alone. Scans use ASCII patterns without the Unicode flag and
 * check the character before a candidate in code (see text-boundary.ts); repetition is bounded,
 * so every scan is linear in the input (no catastrophic backtracking; see the adversarial tests).
 */

// 3-2-4 with dashes: always an SSN, valid-looking or not (000-, 666-, 9xx- included on purpose).
const SSN = /\d{3}-\d{2}-\d{4}(?![0-9]|-[0-9])/g;

// North American numbers written as phone numbers: (555) 555-1234, 555-555-1234, 555.555.1234,
// 1-555-555-1234, +1 555 555 1234, with an optional extension. Bare ten digits need a label.
const PHONE_NANP = /(?:\+?1[\s.\-]?)?(?:\(\d{3}\)[\s.\-]?|\d{3}[.\-])\d{3}[.\-]\d{4}(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?(?![0-9_]|[.\-][0-9])/gi;
const PHONE_PLUS = /\+(?:\d[\s.\-]?){8,14}\d(?![0-9]|[.\-][0-9])/g;

// 16-digit cards in four groups and 15-digit Amex (4-6-5), Luhn-checked.
const CARD = /\d{4}[ \-]\d{4,6}[ \-]\d{4,5}(?:[ \-]\d{4})?(?![0-9]|[ \-][0-9])/g;
const CARD_SHAPE = /^(?:\d{4}([ \-])\d{4}\1\d{4}\1\d{4}|\d{4}([ \-])\d{6}\2\d{5})$/;

// Around each "@": the local part is read backwards in code, the domain with a sticky regex.
const LOCAL_CHAR = /[\p{L}\p{N}._%+\-']/u;
const DOMAIN = /(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,62})\.){1,8}\p{L}{2,24}(?![\p{L}\p{N}\-]|\.\p{L})/uy;
const HOST = /[\p{L}\p{N}][\p{L}\p{N}.\-]{0,100}/uy;
const USER_FIRST = /[\p{L}\p{N}_]/u;

const V4 = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`${V4}(?:\\.${V4}){3}(?![0-9]|\\.[0-9])`, 'g');

const URL_RE = /(?:https?|ftps?|sftp|wss?|ldaps?|smb):\/\/[^\s"'<>\\^`{|}]{1,2048}/gi;

/** SSH algorithm names are written name@domain (aes256-gcm@openssh.com): not mailboxes. */
const ALGORITHM_DOMAIN = /^(?:openssh\.com|libssh\.org)$/i;
/** systemd template instances (getty@tty1.service) look like mail addresses. */
const SYSTEMD_UNIT = /\.(?:service|socket|timer|target|mount|path|slice|scope|device)$/i;
/** A version, build or firmware label right before a dotted quad ("Version=4.0.0.0") keeps it. */
const VERSION_BEFORE = /(?:version|ver|v|build|release|firmware|fw|assembly)\s*[=:]?\s*["']?$/i;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const push = (out: PhiSpan[], start: number, end: number, category: PhiSpan['category']) => out.push({ start, end, category });

/** Not preceded by a character of `extra` or a letter/digit (in any script). */
const startsClean = (text: string, i: number, extra: string) => {
  const c = charBefore(text, i);
  return c === undefined || (!isWordChar(c) && !extra.includes(c));
};

function detectAtSigns(text: string, ctx: ScrubContext, out: PhiSpan[]): void {
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let s = at;
    while (s > 0 && at - s < 600 && LOCAL_CHAR.test(text[s - 1]!)) s--;
    // the local part starts after any leading dots and must not follow a path or another "@"
    while (s < at && (text[s] === '.' || text[s] === '-')) s++;
    if (s === at || !startsClean(text, s, "/\\@")) continue;
    const local = text.slice(s, at);
    if (local.length > 64 * 9) continue;
    DOMAIN.lastIndex = at + 1;
    const domain = DOMAIN.exec(text);
    if (domain) {
      if (!/\.\./.test(local) && !ctx.keepAccount(local) && !ALGORITHM_DOMAIN.test(domain[0]) && !SYSTEMD_UNIT.test(domain[0])) {
        push(out, s, at + 1 + domain[0].length, 'EMAIL');
      }
      continue;
    }
    // user@host that is no mail domain: ssh targets, prompts (jsmith@ws-014), UPNs with bare realms
    HOST.lastIndex = at + 1;
    const host = HOST.exec(text)?.[0];
    if (!host) continue;
    const user = local.replace(/^[%+']+/, '');
    const userStart = at - user.length;
    if (!user || !USER_FIRST.test(user[0]!) || /^\d/.test(user) || /[%+']/.test(user)) continue;
    if (/^\d+(?:\.\d+){0,2}(?:[-+.][\p{L}\p{N}.]*)?$/u.test(host) && !parseIpv4(host.replace(/[^\d.]+$/, ''))) continue; // package@1.2.3
    if (SYSTEMD_UNIT.test(host) || ALGORITHM_DOMAIN.test(host.replace(/[.\-]+$/, '')) || ctx.keepAccount(user)) continue;
    push(out, userStart, at, 'NAME');
  }
}

const isHexColonDot = (c: number) => (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46;

/** IPv6 found from its colons: the hex/colon/dot token around each colon is parsed. Linear. */
function detectIpv6(text: string, ctx: ScrubContext, out: PhiSpan[]): void {
  for (let c = text.indexOf(':'), next = 0; c >= 0; c = text.indexOf(':', next)) {
    let s = c;
    while (s > 0 && c - s < 45 && isHexColonDot(text.charCodeAt(s - 1))) s--;
    let e = c + 1;
    let colons = 1;
    let double = false;
    while (e < text.length && e - s < 60 && isHexColonDot(text.charCodeAt(e))) {
      if (text.charCodeAt(e) === 58) {
        colons++;
        if (text.charCodeAt(e - 1) === 58) double = true;
      }
      e++;
    }
    next = e + 1;
    for (let k = s; k < c; k++) if (text.charCodeAt(k) === 58) colons++;
    // text form: 8 groups (7 colons), or "::", or 6 groups and an IPv4 tail; times have fewer
    if (colons < 2 || (!double && colons < 6)) continue;
    let end = e;
    if (text[e] === '%') { // zone id: fe80::1%eth0
      const zone = /^%[A-Za-z0-9_.]{1,16}/.exec(text.slice(e, e + 18));
      if (zone) end = e + zone[0].length;
    }
    const before = charBefore(text, s);
    if (before === ']' || before === '.' || (before !== '_' && isWordChar(before)) || isWordChar(text[end])) continue;
    let token = text.slice(s, e);
    while (token.endsWith('.')) token = token.slice(0, -1);
    // "fe80::1: link up" — a single trailing colon is punctuation, not part of the address
    if (/[^:]:$/.test(token)) token = token.slice(0, -1);
    while (token.startsWith(':') && !token.startsWith('::')) token = token.slice(1);
    if ((token.match(/:/g)?.length ?? 0) < 2) continue;
    const bytes = parseIpv6(token);
    if (!bytes || isNonClientIpv6(bytes) || ctx.keepIp(bytes)) continue;
    const isMappedV4 = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
    if (isMappedV4 && isNonClientIpv4([...bytes.subarray(12)])) continue;
    const tokenStart = s + text.slice(s, e).indexOf(token);
    const tokenEnd = tokenStart + token.length;
    push(out, tokenStart, end > e && tokenEnd === e ? end : tokenEnd, 'IP'); // with its %zone
  }
}

/** SSNs, phone numbers, payment cards, e-mail addresses, user@host, IP addresses and URLs. */
export function detectPatterns(text: string, ctx: ScrubContext, out: PhiSpan[]): void {
  forEachMatch(SSN, text, (m) => { if (startsClean(text, m.index, '-./')) push(out, m.index, m.index + m[0].length, 'SSN'); });
  forEachMatch(PHONE_NANP, text, (m) => { if (startsClean(text, m.index, '-.+/:')) push(out, m.index, m.index + m[0].length, 'PHONE'); });
  forEachMatch(PHONE_PLUS, text, (m) => { if (startsClean(text, m.index, '+')) push(out, m.index, m.index + m[0].length, 'PHONE'); });
  forEachMatch(CARD, text, (m) => { if (CARD_SHAPE.test(m[0]) && startsClean(text, m.index, '-') && luhn(m[0].replace(/\D/g, ''))) push(out, m.index, m.index + m[0].length, 'ACCOUNT'); });
  detectAtSigns(text, ctx, out);
  forEachMatch(IPV4, text, (m) => {
    const before = charBefore(text, m.index);
    if (before === '.' || (before !== '_' && isWordChar(before))) return;
    const v4 = parseIpv4(m[0]);
    if (!v4 || isNonClientIpv4(v4) || ctx.keepIp(v4Bytes(v4))) return;
    if (VERSION_BEFORE.test(text.slice(Math.max(0, m.index - 20), m.index))) return;
    push(out, m.index, m.index + m[0].length, 'IP');
  });
  detectIpv6(text, ctx, out);
  forEachMatch(URL_RE, text, (m) => {
    if (isWordChar(charBefore(text, m.index))) return;
    let url = m[0];
    while (/[.,;:!?)\]'"*>]$/.test(url)) url = url.slice(0, -1);
    const afterScheme = url.indexOf('//') + 2;
    const authority = url.slice(afterScheme).split(/[/?#]/, 1)[0] ?? '';
    const at = authority.lastIndexOf('@');
    const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
    const host = hostPort.startsWith('[') ? hostPort.slice(1, hostPort.indexOf(']')) : hostPort.replace(/:\d*$/, '');
    const v4 = parseIpv4(host);
    const v6 = !v4 && host.includes(':') ? parseIpv6(host) : undefined;
    const kept = v4 ? isNonClientIpv4(v4) || ctx.keepIp(v4Bytes(v4)) : v6 ? isNonClientIpv6(v6) || ctx.keepIp(v6) : !host.includes(':') && ctx.keepUrlHost(host);
    if (!kept) {
      push(out, m.index, m.index + url.length, 'URL');
    } else if (at >= 0) {
      const user = authority.slice(0, at).split(':', 1)[0]!;
      if (user && !ctx.keepAccount(user)) push(out, m.index + afterScheme, m.index + afterScheme + at, 'NAME');
    }
  });
}
