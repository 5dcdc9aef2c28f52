import { phiToken } from './phi-category.js';
import type { ScrubOptions } from './scrub-options.js';
import { scrubText } from './scrub-text.js';

/**
 * An exception as scrubbed text: name, message, stack and causes (an exception's text often
 * quotes the data it failed on: a path with a user name, a record with a patient's name). Fails
 * closed: anything that cannot be scrubbed becomes `[PHI:WITHHELD]`.
 *
 * @example
 * scrubErrorText(new Error('no chart for patient Ana Ruiz')); // 'Error: no chart for patient [PHI:NAME]'
 */
export function scrubErrorText(error: unknown, options: ScrubOptions & { withStack?: boolean } = {}): string {
  try {
    const parts: string[] = [];
    let e: unknown = error;
    for (let depth = 0; depth < 5 && e !== undefined; depth++) {
      if (e instanceof Error) {
        const head = `${e.name}: ${e.message}`;
        parts.push(options.withStack && e.stack ? (e.stack.startsWith(head) ? e.stack : `${head}\n${e.stack}`) : head);
        e = e.cause;
      } else {
        parts.push(String(e));
        break;
      }
    }
    return scrubText(parts.join('\nCaused by: '), options).text;
  } catch {
    return phiToken('WITHHELD');
  }
}
