import type { EvidenceStatementInput } from '../evidence/evidence-record.js';
import type { CycleReport, HostRecord, RuleRecord } from './cycle-report.js';

/**
 * Scrubs one JSON object of host-derived text (messages, observed values, step output notes) and
 * returns the scrubbed copy. It may throw; the caller then withholds the object (fail closed).
 */
export type EvidenceScrubber = (value: Record<string, unknown>) => Record<string, unknown>;

/** What replaces a part the scrubber could not vouch for: the reason, never the text. */
export const WITHHELD = { withheld: true, reason_code: 'PHI_SCRUB_FAILED' } as const;

/** Largest scrubbed part kept in a record (characters of its JSON); a larger part is withheld whole. */
export const MAX_PART_CHARS = 256 * 1024;

/**
 * The evidence statements of one agent cycle, in a stable order: one `cycle` record (release,
 * staleness, window, counts), then per host and rule a `check` record (the check's result, the
 * decision, the runbook version and script digest that ran), a `remediation` record for each heal
 * attempt (every step with its script digest), and an `escalation` record for each escalation.
 * Everything a host printed passes through `scrub`; when it throws, that part is withheld with
 * PHI_SCRUB_FAILED and the record still says what happened.
 *
 * @example
 * const inputs = cycleStatements(report, 'northside-appl-1', scrubber);
 */
export function cycleStatements(report: CycleReport, appliance: string, scrub: EvidenceScrubber): EvidenceStatementInput[] {
  const safe = (value: Record<string, unknown>): Record<string, unknown> => {
    let scrubbed: Record<string, unknown>;
    try {
      scrubbed = scrub(value);
    } catch {
      return { ...WITHHELD };
    }
    return JSON.stringify(scrubbed).length > MAX_PART_CHARS ? { withheld: true, reason_code: 'PHI_OVER_CAP' } : scrubbed;
  };
  const release = report.release.version !== undefined && report.release.digest !== undefined ? { version: report.release.version, digest: report.release.digest } : null;
  const base = { appliance, site: report.site, time: report.started, run_id: report.run_id, release };
  const out: EvidenceStatementInput[] = [{
    ...base,
    kind: 'cycle',
    ...(report.release.reason_code ? { reason_code: report.release.reason_code } : {}),
    timing: { started: report.started, duration_ms: report.duration_ms },
    data: safe({
      release_state: report.release.state,
      ...(report.release.age_seconds !== undefined ? { release_age_seconds: report.release.age_seconds } : {}),
      ...(report.release.commit ? { release_commit: report.release.commit } : {}),
      ...(report.release.cause ? { release_cause: report.release.cause } : {}),
      healing_allowed: report.healing_allowed,
      maintenance_window: report.maintenance_window,
      summary: report.summary,
      hosts: report.hosts.map((h) => ({ host: h.host, reachable: h.reachable, ...(h.reason_code ? { reason_code: h.reason_code } : {}), ...(h.message ? { message: h.message } : {}) })),
    }),
  }];
  for (const host of report.hosts) {
    for (const rule of host.rules) out.push(...ruleStatements(base, host, rule, safe));
  }
  return out;
}

type Base = Pick<EvidenceStatementInput, 'appliance' | 'site' | 'time' | 'run_id' | 'release'>;

function ruleStatements(base: Base, host: HostRecord, rule: RuleRecord, safe: (v: Record<string, unknown>) => Record<string, unknown>): EvidenceStatementInput[] {
  const common = { ...base, host: host.host, rule: rule.rule, controls: rule.controls };
  const out: EvidenceStatementInput[] = [{
    ...common,
    kind: 'check',
    runbook: rule.check.runbook,
    runbook_version: rule.check.runbook_version,
    ...(rule.check.script_sha256 ? { runbook_digest: rule.check.script_sha256 } : {}),
    decision: rule.decision,
    ...(rule.reason_code ? { reason_code: rule.reason_code } : {}),
    plan: { mode: rule.mode, severity: rule.severity, ...(rule.waiver ? { waiver: rule.waiver } : {}), ...(rule.detail ? { detail: rule.detail } : {}) },
    result: safe({
      status: rule.check.status,
      observed: rule.check.observed,
      message: rule.check.message,
      ...(rule.check.reason_code ? { reason_code: rule.check.reason_code } : {}),
    }),
    timing: { duration_ms: rule.check.duration_ms },
  }];
  const r = rule.remediation;
  if (r) {
    out.push({
      ...common,
      kind: 'remediation',
      runbook: r.runbook,
      ...(r.runbook_version ? { runbook_version: r.runbook_version } : {}),
      decision: rule.decision,
      ...(r.reason_code ? { reason_code: r.reason_code } : {}),
      result: safe({
        outcome: r.outcome, incident: r.incident, attempt: r.attempt, max_retries: r.max_retries,
        steps: r.steps.map((s) => ({ ...s })),
      }),
      timing: { duration_ms: r.steps.reduce((n, s) => n + s.duration_ms, 0) },
    });
  }
  const e = rule.escalation;
  if (e) {
    out.push({
      ...common,
      kind: 'escalation',
      decision: rule.decision,
      reason_code: e.cause === 'rule' ? 'AGT_ESCALATED' : 'AGT_RETRIES_SPENT',
      result: { incident: e.incident, cause: e.cause, reason: e.reason, urgency: e.urgency },
    });
  }
  return out;
}
