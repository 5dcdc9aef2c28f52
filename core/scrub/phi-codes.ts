import type { LintCode } from '../lint/lint-context.js';

/**
 * Reason codes of the PHI scrubber (core/scrub). An evidence record that withholds output carries
 * one of these instead of the output. Listed in docs/reason-codes.md.
 */
export const PHI_CODES: readonly LintCode[] = [
  { code: 'PHI_SCRUB_FAILED', title: 'Output withheld: scrubber failed', help: 'The PHI scrubber raised an error on this output, so the output was withheld whole rather than passed through. The record keeps the reason, never the text. Report it with the check id; re-running the check usually yields the same output.' },
  { code: 'PHI_OVER_CAP', title: 'Output withheld: over the size cap', help: 'The output was larger than the scrubber\'s size cap, so it was withheld whole rather than scrubbed in part. Make the check print less (a summary, not a dump) or raise the cap in the caller.' },
  { code: 'PHI_INPUT_NOT_JSON', title: 'Input is not JSON', help: 'writ scrub --format json was given text that does not parse as JSON; nothing was written. Scrub it as text (--format text) or fix the producer.' },
];
