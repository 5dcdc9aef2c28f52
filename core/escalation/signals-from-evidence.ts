import type { TrustedKeys } from '../evidence/dsse.js';
import { type EvidenceStatement, parseRecordLine } from '../evidence/evidence-record.js';
import { type Signal, signalOf, withAttempts } from './escalation-signal.js';

/** New lines of one evidence file: `text` holds whole lines (LF-terminated), the first being line `firstLine`. */
export interface EvidenceChunk {
  /** Path on the evidence branch, `<site>/<appliance>/YYYY-MM-DD.jsonl`. */
  path: string;
  text: string;
  firstLine: number;
}

/** A line the App did not believe or could not use; it opens and closes nothing. */
export interface LineSkip {
  code: 'WH_EVIDENCE_UNVERIFIED' | 'WH_EVIDENCE_MALFORMED';
  /** The EVD_ code of the verifier, when it refused the line. */
  evidence_code?: string;
  file: string;
  line: number;
  message: string;
}

export interface SignalsFromEvidence {
  signals: Signal[];
  skipped: LineSkip[];
  /** Lines whose signature verified. */
  verified: number;
}

const SITE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const APPLIANCE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DAILY = /^\d{4}-\d{2}-\d{2}\.jsonl$/;

/**
 * Where an evidence branch file belongs: the appliance of `<site>/<appliance>/YYYY-MM-DD.jsonl`
 * for the given site, or undefined for any other path (checkpoints, quarantine, other sites).
 *
 * @example
 * applianceOfEvidencePath('clinic-a/clinic-a-appl-1/2026-03-01.jsonl', 'clinic-a'); // 'clinic-a-appl-1'
 */
export function applianceOfEvidencePath(path: string, site: string): string | undefined {
  const parts = path.split('/');
  if (parts.length !== 3 || parts[0] !== site || !SITE.test(site) || !APPLIANCE.test(parts[1]!) || !DAILY.test(parts[2]!)) return undefined;
  return parts[1];
}

/**
 * The escalation and heal signals in new evidence lines of one site. Each line is opened with
 * parseRecordLine against the site's keys, bound to the appliance of its folder: the signature is
 * checked over the raw payload before the payload is parsed. A line that fails (unknown or wrong key,
 * bad signature, malformed envelope or statement), names another site, or is an escalation or heal
 * record without usable host and rule ids, is skipped with a reason and never becomes a signal.
 * A last line without its newline is a torn write and skipped too.
 *
 * @example
 * const { signals, skipped } = signalsFromEvidence(chunks, 'clinic-a', trustedKeyMap(keys));
 */
export function signalsFromEvidence(chunks: readonly EvidenceChunk[], site: string, keys: TrustedKeys): SignalsFromEvidence {
  const signals: Signal[] = [];
  const remediations: EvidenceStatement[] = [];
  const skipped: LineSkip[] = [];
  let verified = 0;
  for (const chunk of chunks) {
    const appliance = applianceOfEvidencePath(chunk.path, site);
    if (appliance === undefined) {
      skipped.push({ code: 'WH_EVIDENCE_MALFORMED', file: chunk.path, line: chunk.firstLine, message: 'not a daily evidence file of this site' });
      continue;
    }
    const lines = chunk.text.split('\n');
    const tail = lines.pop()!;
    lines.forEach((text, i) => {
      const line = chunk.firstLine + i;
      const r = parseRecordLine(text, keys, { appliance });
      if (!r.ok) {
        skipped.push({ code: r.code === 'EVD_MALFORMED' ? 'WH_EVIDENCE_MALFORMED' : 'WH_EVIDENCE_UNVERIFIED', evidence_code: r.code, file: chunk.path, line, message: r.message });
        return;
      }
      verified++;
      const s = r.statement;
      if (s.site !== site || s.appliance !== appliance) {
        skipped.push({ code: 'WH_EVIDENCE_MALFORMED', file: chunk.path, line, message: 'the signed record names another site or appliance than its folder' });
        return;
      }
      if (s.kind === 'remediation') remediations.push(s);
      const signal = signalOf(s, { file: chunk.path, line });
      if (signal === null) return;
      if ('refused' in signal) skipped.push({ code: 'WH_EVIDENCE_MALFORMED', file: chunk.path, line, message: signal.problem });
      else signals.push(signal);
    });
    if (tail !== '') skipped.push({ code: 'WH_EVIDENCE_MALFORMED', file: chunk.path, line: chunk.firstLine + lines.length, message: 'last line has no newline (torn write)' });
  }
  return { signals: withAttempts(signals, remediations), skipped, verified };
}
