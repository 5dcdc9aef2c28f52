import { detectAddresses } from './detect-addresses.js';
import { detectCsv } from './detect-csv.js';
import { detectFreeNames } from './detect-free-names.js';
import { detectHl7 } from './detect-hl7.js';
import { detectLabels } from './detect-labels.js';
import { detectLogUsers } from './detect-log-users.js';
import { detectPaths } from './detect-paths.js';
import { detectPatterns } from './detect-patterns.js';
import { detectSql } from './detect-sql.js';
import { detectX12 } from './detect-x12.js';
import { mergeSpans, type PhiSpan } from './phi-span.js';
import { scrubContext, type ScrubOptions } from './scrub-options.js';

/**
 * Every stretch of `text` the scrubber replaces, merged, in order. The spans are offsets and
 * categories only; they carry nothing of the values.
 *
 * @example
 * findPhiSpans('DOB: 03/04/1985'); // [{ start: 5, end: 15, category: 'DOB' }]
 */
export function findPhiSpans(text: string, options: ScrubOptions = {}): PhiSpan[] {
  const ctx = scrubContext(options);
  const spans: PhiSpan[] = [];
  detectPatterns(text, ctx, spans);
  detectPaths(text, ctx, spans);
  detectLogUsers(text, ctx, spans);
  detectLabels(text, ctx, spans);
  detectHl7(text, spans);
  detectSql(text, ctx, spans);
  detectX12(text, spans);
  detectCsv(text, ctx, spans);
  detectAddresses(text, spans);
  detectFreeNames(text, spans);
  return mergeSpans(text, spans);
}
