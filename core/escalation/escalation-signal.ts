import type { EvidenceStatement } from '../evidence/evidence-record.js';

/** The (site, host, rule) an escalation issue is about: at most one open issue per key. */
export interface EscalationKey {
  site: string;
  host: string;
  rule: string;
}

/** Where a record sits: which appliance's chain, at which index, signed for which time. */
export interface RecordPosition {
  appliance: string;
  index: number;
  /** ISO 8601 UTC, from the signed record. */
  time: string;
}

/** The record a signal came from, for the issue text (every field is signed, none is trusted as text). */
export interface SignalSource extends RecordPosition {
  release: { version: number; digest: string } | null;
  run_id: string;
  /** Evidence file on the branch (`<site>/<appliance>/YYYY-MM-DD.jsonl`) and 1-based line. */
  file: string;
  line: number;
}

/** Rule severities (common.schema.json), which escalation urgencies use too. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A verified `escalation` record: a person must act on this (site, host, rule). */
export interface EscalationSignal {
  kind: 'escalation';
  key: EscalationKey;
  source: SignalSource;
  /** The agent's incident id (one drift episode of the rule on the host). */
  incident: string;
  /** `rule`: the rule says escalate; `retries-spent`: healing gave up. Untrusted text. */
  cause: string;
  /** Why, as the rule or the agent put it. Untrusted text. */
  reason: string;
  /** From the record's urgency; `unknown` when it holds something else. */
  severity: Severity | 'unknown';
  controls: string[];
  /** From a `remediation` record of the same run, host, rule and incident, when the push held one. */
  attempts?: { attempt: number; max_retries: number };
}

/** A verified record showing the (site, host, rule) healthy: a passing check or a remediation that healed. */
export interface HealSignal {
  kind: 'heal';
  key: EscalationKey;
  source: SignalSource;
  /** `check-pass`: the rule's check passed; `healed` / `already-compliant`: a remediation's outcome. */
  how: 'check-pass' | 'healed' | 'already-compliant';
}

export type Signal = EscalationSignal | HealSignal;

/** Why a verified record was not turned into a signal although its kind would be one. */
export interface SignalRefusal {
  refused: true;
  /** What is wrong, for the log (never the field's text). */
  problem: string;
}

/**
 * Host ids and rule ids the App puts in issue titles, labels and markers: letters, digits, `.`, `_`
 * and `-` only, so no @mention, #reference, link, markup or marker syntax can ride in them.
 */
const ID_TEXT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What a verified record means for escalation issues: an `escalation` record is an
 * EscalationSignal; a `check` record whose result status is `pass`, or a `remediation` record whose
 * outcome is `healed` or `already-compliant`, is a HealSignal; any other record is null. A record of
 * one of those kinds whose host or rule cannot be used as an id is refused. The statement must
 * already be verified (parseRecordLine): this reads its fields, it does not vouch for them.
 *
 * @example
 * const s = signalOf(parsed.statement, { file: 'clinic-a/clinic-a-appl-1/2026-03-01.jsonl', line: 12 });
 */
export function signalOf(statement: EvidenceStatement, at: { file: string; line: number }): Signal | SignalRefusal | null {
  const kind = statement.kind;
  if (kind !== 'escalation' && kind !== 'check' && kind !== 'remediation') return null;
  const result = isObject(statement.result) ? statement.result : {};
  let how: HealSignal['how'] | undefined;
  if (kind === 'check') {
    if (result['status'] !== 'pass') return null;
    how = 'check-pass';
  } else if (kind === 'remediation') {
    if (result['outcome'] !== 'healed' && result['outcome'] !== 'already-compliant') return null;
    how = result['outcome'];
  }
  if (typeof statement.host !== 'string' || !ID_TEXT.test(statement.host)) return { refused: true, problem: `${kind} record without a usable host id` };
  if (typeof statement.rule !== 'string' || !ID_TEXT.test(statement.rule)) return { refused: true, problem: `${kind} record without a usable rule id` };
  const key = { site: statement.site, host: statement.host, rule: statement.rule };
  const source: SignalSource = {
    appliance: statement.appliance, index: statement.index, time: statement.time, release: statement.release, run_id: statement.run_id, file: at.file, line: at.line,
  };
  if (how) return { kind: 'heal', key, source, how };
  const incident = typeof result['incident'] === 'string' && result['incident'] !== '' ? result['incident'] : `${statement.appliance}#${statement.index}`;
  const urgency = result['urgency'];
  return {
    kind: 'escalation', key, source, incident,
    cause: typeof result['cause'] === 'string' ? result['cause'] : '',
    reason: typeof result['reason'] === 'string' ? result['reason'] : '',
    severity: (SEVERITIES as readonly unknown[]).includes(urgency) ? (urgency as Severity) : 'unknown',
    controls: statement.controls ?? [],
  };
}

/**
 * Adds the attempt counts of `remediation` records to the escalations of the same run, host, rule
 * and incident (a `retries-spent` escalation follows its last attempt in the same cycle).
 *
 * @example
 * const signals = withAttempts(escalationsAndHeals, remediationStatements);
 */
export function withAttempts(signals: Signal[], remediations: readonly EvidenceStatement[]): Signal[] {
  const attempts = new Map<string, { attempt: number; max_retries: number }>();
  for (const r of remediations) {
    const result = isObject(r.result) ? r.result : {};
    if (typeof result['attempt'] === 'number' && typeof result['max_retries'] === 'number' && typeof result['incident'] === 'string') {
      attempts.set(JSON.stringify([r.appliance, r.run_id, r.host, r.rule, result['incident']]), { attempt: result['attempt'], max_retries: result['max_retries'] });
    }
  }
  return signals.map((s) => {
    if (s.kind !== 'escalation') return s;
    const a = attempts.get(JSON.stringify([s.source.appliance, s.source.run_id, s.key.host, s.key.rule, s.incident]));
    return a ? { ...s, attempts: a } : s;
  });
}

/**
 * Orders two record positions: by signed time, then (same appliance) by chain index. Records of
 * different appliances with the same time are not ordered (0).
 *
 * @example
 * comparePositions(heal.source, escalation.source) > 0; // the heal is later
 */
export function comparePositions(a: RecordPosition, b: RecordPosition): number {
  const ta = Date.parse(a.time);
  const tb = Date.parse(b.time);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.appliance === b.appliance && a.index !== b.index) return a.index < b.index ? -1 : 1;
  return 0;
}

/** The key as one string (for maps). */
export function keyString(key: EscalationKey): string {
  return `${key.site}\u0000${key.host}\u0000${key.rule}`;
}
