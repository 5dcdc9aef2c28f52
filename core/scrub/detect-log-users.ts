import { NOT_NAME_WORDS } from './name-dictionary.js';
import type { PhiSpan } from './phi-span.js';
import type { ScrubContext } from './scrub-options.js';
import { forEachMatch } from './text-boundary.js';

/*
 * Account names in the fixed phrasing of Unix and Windows logs and tools:
 *   sshd      Failed password for [invalid user] jsmith from …, Accepted publickey for … from …,
 *             Invalid user jsmith from …, Disconnected from authenticating user jsmith …
 *   PAM       session opened for user jsmith by …, password changed for jsmith
 *   sudo/su   sudo: jsmith : TTY=…, (to root) jsmith on pts/0
 *   id        uid=1001(jsmith) gid=1001(jsmith)
 *   passwd    jsmith:x:1001:1001:John Smith,,,:/home/jsmith:/bin/bash (user and GECOS name)
 *   last/who  jsmith   pts/0   10.0.5.23 …
 *   quoted    user 'jsmith' does not exist, FOR 'jsmith'
 * Each regex captures the account; the capture is replaced unless it is a built-in account.
 */
const USER = "([^\\s;,'\"()\\[\\]<>=]{1,64})(?![^\\s;,'\"()\\[\\]<>])";
const PATTERNS: readonly RegExp[] = [
  new RegExp(`\\b(?:for|user)\\s+(?:(?:invalid|illegal|unknown)\\s+user\\s+)?${USER}\\s+from\\s`, 'gid'),
  new RegExp(`\\b(?:invalid|illegal|authenticating|unknown|for|by|of|new|locked|unlocked|disabled|enabled|deleted|added|created|removed)\\s+user:?\\s+${USER}`, 'gid'),
  new RegExp(`\\b(?:as|as local)\\s+user\\s+${USER}`, 'gid'),
  /\bby\s+([^\s()]{1,64})\(uid=\d{1,10}\)/gd,

  new RegExp(`\\bpassword (?:changed|expired|reset) for\\s+${USER}`, 'gid'),
  new RegExp(`\\bsudo(?:\\[\\d{1,10}\\])?:\\s+${USER}\\s:`, 'gd'),
  /\(to\s+([^\s)]{1,64})\)\s+([^\s]{1,64})\s+on\b/gd,
  /\b(?:[ers]?[ug]id|groups)=\d{1,10}\(([^)\s]{1,64})\)/gd,
  /\bCRON\[\d{1,10}\]:\s+\(([^)\s]{1,64})\)/gd,
  // ls -l: owner and group columns
  /^[\-dlcbps][rwxsStT\-]{9}[.+@]?\s+\d{1,6}\s+([^\s]{1,32})\s+([^\s]{1,32})\s+\d/gmd,
  /^([a-z_][a-z0-9._-]{0,31})\s+(?:pts\/\d{1,4}|tty\d{1,4}|ttys\d{1,4}|:\d{1,3}|console)\s/gmd,
  /\b(?:user|account|for|login|logon)\s+'([^'\s]{1,64})'/gid,
  /\b(?:user|account|for|login|logon)\s+"([^"\s]{1,64})"/gid,
  /\bnew user: name=([^\s,]{1,64})/gd,
];
const PASSWD = /^([a-z_][a-z0-9._-]{0,31}):[x*!]?:(\d{1,10}):\d{1,10}:([^:\r\n]{0,128}):/gmd;

function pushName(text: string, start: number, end: number, ctx: ScrubContext, out: PhiSpan[]): void {
  let value = text.slice(start, end).replace(/[.:\-]+$/, '');
  const slash = Math.max(value.lastIndexOf('\\'), value.lastIndexOf('/'));
  if (slash >= 0) {
    start += slash + 1;
    value = value.slice(slash + 1);
  }
  if (!value || ctx.keepAccount(value) || NOT_NAME_WORDS.has(value.toLowerCase())) return;
  out.push({ start, end: start + value.length, category: 'NAME' });
}

// anchored on a literal, the account read backwards: samba "  jsmith (ipv4:10.0.5.23:52144)",
// OpenVPN "jsmith/203.0.113.7:51820 MULTI_sva"
const BEFORE_LITERAL: readonly [RegExp, RegExp][] = [
  [/ \(ipv[46]:/g, /(?:^|\s)([^\s;,'"()\[\]<>=]{1,64})$/],
  [/\/\d{1,3}(?:\.\d{1,3}){3}:\d/g, /(?:^|\s)([\p{L}_][\p{L}\p{N}._\-]{0,63})$/u],
];

/** Account names in sshd, PAM, sudo, su, id, passwd and last/who output. */
export function detectLogUsers(text: string, ctx: ScrubContext, out: PhiSpan[]): void {
  for (const re of PATTERNS) {
    forEachMatch(re, text, (m) => {
      for (let g = 1; g < m.length; g++) {
        const at = m.indices?.[g];
        if (at) pushName(text, at[0], at[1], ctx, out);
      }
    });
  }
  for (const [literal, account] of BEFORE_LITERAL) {
    forEachMatch(literal, text, (m) => {
      const before = text.slice(Math.max(0, m.index - 66), m.index);
      const a = account.exec(before);
      if (a) pushName(text, m.index - a[1]!.length, m.index, ctx, out);
    });
  }
  forEachMatch(PASSWD, text, (m) => {
    const uid = Number(m[2]);
    if (uid < 1000 || uid >= 65534 || ctx.keepAccount(m[1]!)) return; // system accounts
    const [u, , gecos] = [m.indices![1]!, m.indices![2]!, m.indices![3]!];
    pushName(text, u[0], u[1], ctx, out);
    const full = m[3]!.split(',')[0]!.trim();
    if (full && /\p{L}/u.test(full)) {
      const start = gecos[0] + m[3]!.indexOf(full);
      out.push({ start, end: start + full.length, category: 'NAME' });
    }
  });
}
