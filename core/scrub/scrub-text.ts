import { emptyCounts, type PhiCounts } from './phi-category.js';
import { findPhiSpans } from './find-phi-spans.js';
import { renderSpans } from './phi-span.js';
import type { ScrubOptions } from './scrub-options.js';

export interface ScrubTextResult {
  text: string;
  /** Identifiers replaced, per category. */
  counts: PhiCounts;
}

/**
 * Replaces every identifier in `text` by its category token (`[PHI:NAME]`, `[PHI:SSN]` …). Machine
 * tokens (build numbers, KB ids, GUIDs, hashes, ports, event ids, log timestamps) are kept, and
 * JSON text stays valid JSON. May throw on a bug: callers that must fail closed use scrubOutput.
 *
 * @example
 * scrubText('Failed password for jsmith from 10.0.5.23 port 22').text;
 * // 'Failed password for [PHI:NAME] from [PHI:IP] port 22'
 */
export function scrubText(text: string, options: ScrubOptions = {}): ScrubTextResult {
  const spans = findPhiSpans(text, options);
  const counts = emptyCounts();
  for (const s of spans) counts[s.category]++;
  return { text: renderSpans(text, spans), counts };
}
