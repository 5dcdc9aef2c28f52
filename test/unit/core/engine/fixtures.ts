import type { CheckObservation } from '../../../../core/engine/decide-host.js';
import type { CheckResult } from '../../../../core/model/generated/check-result.js';
import type { Condition, Rule } from '../../../../core/model/generated/rule.js';
import type { Runbook } from '../../../../core/model/generated/runbook.js';
import type { EffectiveRule, EffectiveWaiver, ParamValue, RuleMode } from '../../../../core/policy/resolve-host-rules.js';

/** The reference time of every engine test: Sunday 2026-03-01 10:00 UTC. */
export const NOW = new Date('2026-03-01T10:00:00.000Z');

export const HOST = { id: 'ehr-db-01', platform: 'linux', tags: ['ehr', 'db'] } as const;

/** Seconds after NOW, as a Date. */
export const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
export const iso = (seconds: number) => at(seconds).toISOString();

export function runbook(id: string, opts: { disruptive?: boolean } = {}): Runbook {
  return {
    apiVersion: 'writ/v1',
    kind: 'Runbook',
    id,
    name: `Runbook ${id}`,
    platform: 'linux',
    severity: 'high',
    controls: ['hipaa:164.312(a)(1)'],
    disruptive: opts.disruptive ?? false,
    scripts: {} as Runbook['scripts'],
  };
}

export interface RuleOptions {
  /** Check runbook id; default LIN-SSH-001. */
  check?: string;
  /** Fix runbook id for remediate rules; default the check runbook. */
  fix?: string;
  when?: Condition[];
  priority?: number;
  cooldownSeconds?: number;
  maxRetries?: number;
  /** Default remediate; pass an object for an escalate rule. */
  escalate?: { reason: string; urgency?: 'low' | 'medium' | 'high' | 'critical' };
  mode?: RuleMode;
  waiver?: EffectiveWaiver;
  disruptive?: boolean;
  params?: Record<string, ParamValue>;
}

/** An EffectiveRule built by hand, as resolveHostRules would give it (enforce unless told). */
export function effectiveRule(ruleId: string, o: RuleOptions = {}): EffectiveRule {
  const check = o.check ?? 'LIN-SSH-001';
  const rule: Rule = {
    apiVersion: 'writ/v1',
    kind: 'Rule',
    id: ruleId,
    name: `Rule ${ruleId}`,
    severity: 'high',
    check,
    action: o.escalate
      ? { type: 'escalate', reason: o.escalate.reason, ...(o.escalate.urgency ? { urgency: o.escalate.urgency } : {}) }
      : { type: 'remediate', ...(o.fix ? { runbook: o.fix } : {}) },
  };
  if (o.when) rule.when = o.when as Rule['when'];
  if (o.priority !== undefined) rule.priority = o.priority;
  if (o.cooldownSeconds !== undefined) rule.cooldown_seconds = o.cooldownSeconds;
  if (o.maxRetries !== undefined) rule.max_retries = o.maxRetries;
  const disruptive = o.disruptive ?? false;
  const out: EffectiveRule = {
    ruleId,
    rule,
    checkRunbook: runbook(check),
    fixRunbook: o.escalate ? undefined : runbook(o.fix ?? check, { disruptive }),
    mode: o.mode ?? 'enforce',
    modeSource: o.mode ? 'host' : 'site',
    params: o.params ?? {},
    disruptive: o.escalate ? false : disruptive,
    controls: ['hipaa:164.312(a)(1)'],
    scriptDigests: {},
  };
  if (o.waiver) out.waiver = o.waiver;
  return out;
}

export const WAIVER: EffectiveWaiver = { owner: 'it@clinic.example', expires: '2026-06-30', justification: 'Legacy imaging software needs it until the upgrade.', index: 0 };

/** A check result. */
export function result(status: CheckResult['status'], observed: CheckResult['observed'] = {}, extra: Partial<CheckResult> = {}): CheckResult {
  return { status, observed, message: `check says ${status}`, ...extra };
}

/** A condition, with the value typed loosely as YAML gives it. */
export function cond(field: string, op: Condition['op'], value?: unknown): Condition {
  return value === undefined ? { field, op } : ({ field, op, value } as Condition);
}

export const ok = (r: CheckResult): CheckObservation => ({ ok: true, result: r });
export const failed = (reasonCode: string, message = 'the check could not run'): CheckObservation => ({ ok: false, reasonCode, message });

/** Freezes a value and everything in it, so a test fails if a pure function mutates its input. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
