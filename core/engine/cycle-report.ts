import type { StepName } from '../exec/step.js';

/** One step run during a remediation, as recorded. */
export interface StepRecord {
  step: StepName | 'fresh-check' | 're-check';
  runbook: string;
  /** SHA-256 (hex) of the script text that ran. */
  script_sha256: string;
  state: 'ran' | 'timeout' | 'refused' | 'transport-error';
  exit_code: number | null;
  /** For check-like steps: the result status read from the output. */
  status?: 'pass' | 'fail' | 'error' | 'not_applicable';
  reason_code?: string;
  message?: string;
  duration_ms: number;
}

/** How a remediation attempt ended. */
export type RemediationOutcome =
  | 'healed'
  | 'already-compliant'
  | 'still-failing'
  | 'rolled-back'
  | 'rollback-failed'
  | 'error';

export interface RemediationRecord {
  runbook: string;
  /** The fix runbook's reviewed version (so evidence links the heal to the runbook text that ran). */
  runbook_version?: string;
  incident: string;
  attempt: number;
  max_retries: number;
  outcome: RemediationOutcome;
  reason_code?: string;
  steps: StepRecord[];
}

export interface EscalationRecord {
  incident: string;
  /** `rule`: an escalate rule matched; `retries-spent`: healing gave up. */
  cause: 'rule' | 'retries-spent';
  reason: string;
  urgency: 'low' | 'medium' | 'high' | 'critical';
}

/** One rule on one host in one cycle. */
export interface RuleRecord {
  rule: string;
  severity: string;
  mode: 'audit' | 'enforce';
  controls: string[];
  check: {
    runbook: string;
    runbook_version: string;
    script_sha256: string;
    status: 'pass' | 'fail' | 'error' | 'not_applicable' | 'not-run';
    /** Only the keys the runbook lists in evidence_fields. */
    observed: Record<string, unknown>;
    message: string;
    reason_code?: string;
    duration_ms: number;
  };
  /** The engine's decision (decide-host.ts kinds). */
  decision: string;
  reason_code?: string;
  detail?: string;
  remediation?: RemediationRecord;
  escalation?: EscalationRecord;
  waiver?: { owner: string; expires: string; ticket?: string };
}

export interface HostRecord {
  host: string;
  platform: 'linux' | 'windows';
  transport: string;
  /** False when the host could not be reached: its rules were not checked (never compliant). */
  reachable: boolean;
  reason_code?: string;
  message?: string;
  rules: RuleRecord[];
  /** Rules the site names that cannot run on this host. */
  skipped: { rule: string; reason: string; message: string }[];
  started: string;
  duration_ms: number;
}

/** Everything one agent cycle did: the input to evidence. */
export interface CycleReport {
  format: 'writ-cycle/v1';
  run_id: string;
  site: string;
  appliance?: string;
  /** The cycle's reference time (ISO UTC). */
  started: string;
  duration_ms: number;
  release: {
    state: 'new' | 'current' | 'stale' | 'too-old' | 'none';
    version?: number;
    digest?: string;
    commit?: string;
    verified_at?: string;
    age_seconds?: number;
    reason_code?: string;
    cause?: { code: string; message: string };
  };
  /** False when the release is past its bound: checks ran, nothing healed. */
  healing_allowed: boolean;
  maintenance_window: { open: boolean; window?: string; next_open?: string };
  hosts: HostRecord[];
  summary: CycleSummary;
}

export interface CycleSummary {
  hosts: number;
  hosts_unreachable: number;
  checks: number;
  compliant: number;
  drift: number;
  check_errors: number;
  healed: number;
  heal_failed: number;
  planned: number;
  escalated: number;
  waived: number;
  deferred: number;
}

/**
 * Counts a cycle's outcomes for logs and the summary line.
 *
 * @example
 * summarizeCycle(hosts); // { hosts: 4, healed: 1, … }
 */
export function summarizeCycle(hosts: readonly HostRecord[]): CycleSummary {
  const s: CycleSummary = { hosts: hosts.length, hosts_unreachable: 0, checks: 0, compliant: 0, drift: 0, check_errors: 0, healed: 0, heal_failed: 0, planned: 0, escalated: 0, waived: 0, deferred: 0 };
  for (const h of hosts) {
    if (!h.reachable) s.hosts_unreachable++;
    for (const r of h.rules) {
      if (r.check.status !== 'not-run') s.checks++;
      if (r.decision === 'compliant') s.compliant++;
      if (r.decision === 'check-error' || r.check.status === 'not-run') s.check_errors++;
      if (['remediate', 'plan-remediate', 'cooldown', 'outside-window', 'retries-spent', 'escalate', 'already-escalated', 'waived', 'superseded'].includes(r.decision)) s.drift++;
      if (r.remediation?.outcome === 'healed') s.healed++;
      if (r.remediation && r.remediation.outcome !== 'healed' && r.remediation.outcome !== 'already-compliant') s.heal_failed++;
      if (r.decision === 'plan-remediate') s.planned++;
      if (r.escalation) s.escalated++;
      if (r.decision === 'waived') s.waived++;
      if (r.decision === 'outside-window' || r.decision === 'cooldown') s.deferred++;
    }
  }
  return s;
}
