import type { PhiCounts } from './phi-category.js';
import { decodeOutput } from './decode-output.js';
import { scrubJson } from './scrub-json.js';
import type { ScrubOptions } from './scrub-options.js';
import { scrubText } from './scrub-text.js';

export interface ScrubOutputOptions extends ScrubOptions {
  /** Outputs larger than this are withheld whole (PHI_OVER_CAP). */
  maxBytes: number;
  /**
   * `text` scrubs the text as is (JSON text stays valid JSON); `json` parses and scrubs the value
   * (withheld when it does not parse); `auto` does `json` when the text parses, else `text`.
   * Default `text`.
   */
  format?: 'text' | 'json' | 'auto';
}

export type ScrubOutputResult =
  | { ok: true; text: string; counts: PhiCounts }
  | { ok: false; reasonCode: 'PHI_SCRUB_FAILED' | 'PHI_OVER_CAP'; message: string };

/**
 * Decodes (UTF-8, or UTF-16LE/BE with or without BOM) and scrubs one captured output — stdout,
 * stderr or exception text — failing closed: when the output is over `maxBytes`, or anything
 * throws, nothing of the output is returned, only a reason code and a message that carries sizes
 * and never text (error messages can quote their input). The caller records the reason instead
 * of the output.
 *
 * @example
 * const r = scrubOutput(stdoutBytes, { maxBytes: 1 << 20 });
 * const field = r.ok ? r.text : { withheld: r.reasonCode };
 */
export function scrubOutput(bytes: Uint8Array, options: ScrubOutputOptions): ScrubOutputResult {
  if (!(bytes.length <= options.maxBytes)) {
    return { ok: false, reasonCode: 'PHI_OVER_CAP', message: `output of ${bytes.length} bytes is over the scrubber's cap of ${options.maxBytes} bytes; withheld` };
  }
  try {
    const text = decodeOutput(bytes);
    const format = options.format ?? 'text';
    if (format !== 'text') {
      let parsed: { value: unknown } | undefined;
      try {
        parsed = { value: JSON.parse(text) };
      } catch {
        if (format === 'json') return { ok: false, reasonCode: 'PHI_SCRUB_FAILED', message: `output of ${bytes.length} bytes is not valid JSON; withheld` };
      }
      if (parsed) {
        const r = scrubJson(parsed.value, options);
        return { ok: true, text: JSON.stringify(r.value), counts: r.counts };
      }
    }
    const r = scrubText(text, options);
    return { ok: true, text: r.text, counts: r.counts };
  } catch (e) {
    const kind = e instanceof Error ? e.name : typeof e;
    return { ok: false, reasonCode: 'PHI_SCRUB_FAILED', message: `the scrubber failed (${kind}) on an output of ${bytes.length} bytes; withheld` };
  }
}
