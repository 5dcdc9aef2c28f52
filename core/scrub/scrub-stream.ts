import { emptyCounts, type PhiCounts } from './phi-category.js';
import { findPhiSpans } from './find-phi-spans.js';
import { renderSpans } from './phi-span.js';
import type { ScrubOptions } from './scrub-options.js';

export interface StreamScrubber {
  /** Takes the next chunk; returns the scrubbed text that is now safe to write (maybe ''). */
  push(chunk: string): string;
  /** Flushes everything held back. The scrubber cannot be used afterwards. */
  end(): string;
  /** Identifiers replaced so far. */
  counts(): PhiCounts;
}

export interface StreamScrubberOptions extends ScrubOptions {
  /**
   * Characters held back at the end of the buffer so an identifier (and its label, and the
   * patient-record anchors around it) split across chunks is seen whole. Default 1024.
   */
  holdBackChars?: number;
  /** Characters of already written text kept as context for the next part. Default 1024. */
  contextChars?: number;
  /** Pending text is processed in batches of at least this many characters. Default 16384. */
  batchChars?: number;
  /** A line longer than this is cut at a space (or hard) instead of waiting for its end. Default 262144. */
  maxLineChars?: number;
}

/**
 * A stateful scrubber for output that arrives in chunks (a process's stdout). Text is released a
 * line at a time once `holdBackChars` more have arrived, scanned together with the context before
 * it, so output equals scrubText over the whole text unless an identifier or its context spans
 * more than the hold-back. Never releases a part of a replaced span. If push/end throws, the
 * scrubber is poisoned and the caller must withhold the rest (see scrubOutput).
 *
 * @example
 * const s = createStreamScrubber();
 * const out = s.push('Failed password for js') + s.push('mith from 10.0.5.23\n') + s.end();
 */
export function createStreamScrubber(options: StreamScrubberOptions = {}): StreamScrubber {
  const hold = options.holdBackChars ?? 1024;
  const contextChars = options.contextChars ?? 1024;
  const batch = options.batchChars ?? 16_384;
  const maxLine = options.maxLineChars ?? 262_144;
  const counts = emptyCounts();
  let context = '';
  let pending = '';
  let state: 'open' | 'ended' | 'failed' = 'open';

  const lastBreakBefore = (limit: number): number => {
    for (let i = Math.min(limit, pending.length) - 1; i >= 0; i--) {
      const c = pending.charCodeAt(i);
      if (c === 10) return i + 1;
      if (c === 13 && pending.charCodeAt(i + 1) !== 10) return i + 1;
    }
    return -1;
  };

  const flush = (final: boolean): string => {
    let cut: number;
    if (final) cut = pending.length;
    else {
      const limit = pending.length - hold;
      if (limit <= 0) return '';
      cut = lastBreakBefore(limit);
      if (cut <= 0) {
        if (pending.length < maxLine) return '';
        const space = pending.lastIndexOf(' ', limit);
        cut = space > 0 ? space + 1 : limit;
      }
    }
    const full = context + pending;
    const base = context.length;
    const spans = findPhiSpans(full, options);
    let cutAbs = base + cut;
    if (!final) {
      for (const s of spans) {
        if (s.start < cutAbs && s.end > cutAbs) {
          // never release half a span: take it whole, or wait for the rest of it
          cutAbs = s.end < full.length ? s.end : Math.max(s.start, base);
          break;
        }
      }
      if (cutAbs <= base) return '';
    }
    for (const s of spans) if (s.start >= base && s.start < cutAbs) counts[s.category]++;
    const out = renderSpans(full, spans, base, cutAbs);
    const released = full.slice(base, cutAbs);
    pending = full.slice(cutAbs);
    const keep = context + released;
    // the next context starts at a line boundary when one is near, so it begins with whole tokens
    let ctxStart = Math.max(0, keep.length - contextChars);
    const nl = keep.indexOf('\n', ctxStart);
    if (nl >= 0 && nl < keep.length - 1) ctxStart = nl + 1;
    context = keep.slice(ctxStart);
    return out;
  };

  const guard = <T>(fn: () => T): T => {
    if (state === 'failed') throw new Error('stream scrubber failed earlier; withhold the output');
    if (state === 'ended') throw new Error('stream scrubber already ended');
    try {
      return fn();
    } catch (e) {
      state = 'failed';
      throw e;
    }
  };

  return {
    push: (chunk) =>
      guard(() => {
        pending += chunk;
        return pending.length >= hold + batch ? flush(false) : '';
      }),
    end: () =>
      guard(() => {
        const out = flush(true);
        state = 'ended';
        context = '';
        return out;
      }),
    counts: () => ({ ...counts }),
  };
}
