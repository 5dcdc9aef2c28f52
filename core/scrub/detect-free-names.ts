import { GIVEN_NAMES, NOT_NAME_WORDS } from './name-dictionary.js';
import type { PhiSpan } from './phi-span.js';
import { forEachMatch, isWordChar } from './text-boundary.js';

/*
 * Person names with no label at all:
 * - "… Maria Garcia logged on": a dictionary given name, an optional initial, then a capitalised
 *   word that is not a common IT/clinical word. Names the dictionary does not know are missed
 *   (see docs/phi-scrubber.md: known gaps); names in a context are caught whatever they are.
 * - chat and ticket mentions: "@Jane Doe please call …"
 * - possessives in tool output: "Processing Kole Gottlieb's mailbox", "Jane Doe's OneDrive"
 * Each starts from a cheap ASCII candidate; the Unicode-aware pattern runs only there.
 */
const NAME_WORD = "\\p{Lu}\\p{Ll}*(?:['’\\-]\\p{Lu}?\\p{Ll}+)*";
const GIVEN_CANDIDATE = /[A-Z][a-z]+ /g;
const REST_OF_PAIR = /(?:(\p{Lu})\.? )?(\p{Lu}[\p{Ll}'’]+(?:-\p{Lu}\p{Ll}+)?)(?![\p{L}\p{N}_@]|\.[\p{L}\p{N}])/uy;
const MENTION = new RegExp(`(${NAME_WORD}(?: ${NAME_WORD}){1,2})(?![\\p{L}\\p{N}_@.])`, 'uy');
const POSSESSIVE_TAIL = /['’]s (?:[Mm]ailbox|OneDrive|[Pp]rofile|[Aa]ccount|[Hh]ome folder|[Dd]esktop|[Ff]iles|[Dd]ocuments|[Cc]alendar|[Ii]nbox|[Aa]rchive)(?![A-Za-z])/g;
const NAME_BEFORE = new RegExp(`(?:^|[^\\p{L}\\p{N}_])(${NAME_WORD}(?: ${NAME_WORD}){1,2})$`, 'u');

const notNames = (name: string) => name.split(' ').some((w) => NOT_NAME_WORDS.has(w.toLowerCase()));

/** Dictionary given name + surname pairs, @First Last mentions and "First Last's mailbox". */
export function detectFreeNames(text: string, out: PhiSpan[]): void {
  forEachMatch(GIVEN_CANDIDATE, text, (m) => {
    const given = m[0].slice(0, -1);
    if (!GIVEN_NAMES.has(given.toLowerCase())) return;
    const before = text[m.index - 1];
    // a word boundary, or right after a JSON escape such as "\n"
    if (isWordChar(before) && !(text[m.index - 2] === '\\' && /[ntr]/.test(before!))) return;
    if (before === '\\' || before === '/' || before === '.' || before === '@' || before === '-') return;
    REST_OF_PAIR.lastIndex = m.index + m[0].length;
    const rest = REST_OF_PAIR.exec(text);
    if (!rest || NOT_NAME_WORDS.has(rest[2]!.toLowerCase())) return;
    out.push({ start: m.index, end: m.index + m[0].length + rest[0].length, category: 'NAME' });
  });
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    if (isWordChar(text[at - 1]) || text[at - 1] === '.') continue;
    MENTION.lastIndex = at + 1;
    const m = MENTION.exec(text);
    if (m && !notNames(m[1]!)) out.push({ start: at + 1, end: at + 1 + m[1]!.length, category: 'NAME' });
  }
  forEachMatch(POSSESSIVE_TAIL, text, (m) => {
    const name = NAME_BEFORE.exec(text.slice(Math.max(0, m.index - 80), m.index))?.[1];
    if (name && !notNames(name)) out.push({ start: m.index - name.length, end: m.index, category: 'NAME' });
  });
}
