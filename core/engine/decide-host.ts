import type { CheckResult } from '../model/generated/check-result.js';
import type { Escalate } from '../model/generated/rule.js';
import type { EffectiveRule, EffectiveWaiver, ParamValue } from '../policy/resolve-host-rules.js';
import { cooldownUntil, stateKey, type AgentState, type Incident } from './agent-state.js';
import { matchConditions } from './conditions.js';

/** rule.schema.json `max_retries` default. */
export const DEFAULT_MAX_RETRIES = 1;
/** rule.schema.json `cooldown_seconds` default. */
export const DEFAULT_COOLDOWN_SECONDS = 300;
/** rule.schema.json escalate `urgency` default. */
export const DEFAULT_URGENCY = 'medium';

/** What running a rule's check gave: a result, or why there is none (timeout, no valid JSON, unreachable host). */
export type CheckObservation = { ok: true; result: CheckResult } | { ok: false; reasonCode: string; message: string };

type Urgency = NonNullable<Escalate['urgency']>;

interface DecisionBase {
  ruleId: string;
  /** Id of the rule's check runbook; rules sharing it compete, first match not in cooldown wins. */
  checkRunbook: string;
  /** An AGT_ code (core/engine/agent-codes.ts) where the kind has one. */
  reasonCode?: string;
  /** Set (on `compliant` only) when an incident is open for the pair and the check now passes: close it. */
  closesIncident?: true;
}

/**
 * What the agent does about one rule on one host this cycle (a closed set of kinds, STYLE §7).
 * Kinds that *act* on the rule's check (and make later matching rules on the same check
 * `superseded`): remediate, plan-remediate, escalate, already-escalated, retries-spent,
 * outside-window, waived. `cooldown` does not act: the next matching rule may.
 */
export type RuleDecision = DecisionBase &
  (
    | { kind: 'check-error'; reasonCode: 'AGT_CHECK_ERROR'; /** The underlying code: EXEC_…, the check's reason_code, NO_RESULT or INVALID_RESULT. */ causeCode: string; message: string }
    | { kind: 'not-applicable'; message: string; causeCode?: string }
    | { kind: 'compliant' }
    | { kind: 'no-match' }
    | { kind: 'waived'; reasonCode: 'AGT_WAIVED'; waiver: EffectiveWaiver }
    | { kind: 'escalate'; reasonCode: 'AGT_ESCALATED'; reason: string; urgency: Urgency; incidentId?: string }
    | { kind: 'already-escalated'; reasonCode: 'AGT_ESCALATED'; incidentId: string; since: string }
    | { kind: 'plan-remediate'; reasonCode: 'AGT_AUDIT_ONLY'; fixRunbook: string; params: Record<string, ParamValue>; disruptive: boolean }
    | { kind: 'cooldown'; reasonCode: 'AGT_COOLDOWN'; until: string }
    | { kind: 'outside-window'; reasonCode: 'AGT_OUTSIDE_WINDOW'; fixRunbook: string; nextOpen?: string }
    | { kind: 'retries-spent'; reasonCode: 'AGT_RETRIES_SPENT'; attempts: number; maxRetries: number; incidentId?: string }
    | {
        kind: 'remediate';
        fixRunbook: string;
        /** The attempt number this run will be once beginAttempt counts it (1 for a new incident). */
        attempt: number;
        params: Record<string, ParamValue>;
        disruptive: boolean;
        /** Pass to beginAttempt. */
        cooldownSeconds: number;
        /** The open incident this attempt continues, if any. */
        incidentId?: string;
      }
    | { kind: 'superseded'; reasonCode: 'AGT_SUPERSEDED'; /** The rule that acted on the same check first. */ by: string }
  );

export type RuleDecisionKind = RuleDecision['kind'];

/** Everything decideHost needs; time and the window come in, nothing is read from the system. */
export interface DecideHostInput {
  host: { id: string; platform: string; tags: readonly string[] };
  /** The host's rules, already sorted by priority then id (resolveHostRules order). */
  rules: readonly EffectiveRule[];
  /** Check observations by rule id. A rule without one is a check error, never compliant. */
  results: ReadonlyMap<string, CheckObservation>;
  state: AgentState;
  now: Date;
  /** The site's maintenance window now (windowState). */
  window: { open: boolean; nextOpen?: string };
}

const ACTING: ReadonlySet<RuleDecisionKind> = new Set<RuleDecisionKind>(['remediate', 'plan-remediate', 'escalate', 'already-escalated', 'retries-spent', 'outside-window', 'waived']);

/**
 * Decides, for every rule of one host in order, what the agent does this cycle. One decision per
 * rule, same order. Per (host, check runbook) the first matching rule not in cooldown wins; later
 * matching rules on that check are `superseded`, rules on other checks are independent. A check
 * that errored, timed out or has no result is `check-error`, never compliant. Pure: callers act on
 * the decisions (beginAttempt before remediate, markEscalated after escalate or retries-spent,
 * closeIncident when `closesIncident`).
 *
 * Order for a matching rule: superseded → waived → cooldown → escalate rule (escalate, or
 * already-escalated) → attempts ≥ max_retries (retries-spent, or already-escalated) → audit
 * (plan-remediate) → disruptive with the window closed (outside-window) → remediate. Escalations
 * happen in audit mode too: they change nothing on the host.
 *
 * @example
 * decideHost({ host, rules, results: new Map([['L1-LIN-SSH-001', { ok: true, result }]]), state, now, window: { open: false } });
 * // [{ ruleId: 'L1-LIN-SSH-001', checkRunbook: 'LIN-SSH-001', kind: 'remediate', fixRunbook: 'LIN-SSH-001', attempt: 1, … }]
 */
export function decideHost(input: DecideHostInput): RuleDecision[] {
  const actedBy = new Map<string, string>();
  return input.rules.map((rule) => {
    const decision = decideRule(rule, input, actedBy.get(rule.checkRunbook.id));
    if (ACTING.has(decision.kind) && !actedBy.has(decision.checkRunbook)) actedBy.set(decision.checkRunbook, rule.ruleId);
    return decision;
  });
}

/** A rule as afterFailedAttempt reads it: the Rule itself or its EffectiveRule. */
export type RetryLimited = { max_retries?: number } | { rule: { max_retries?: number } };

/**
 * What to do after a remediation attempt failed its re-check: escalate once the incident has had
 * the rule's max_retries attempts (default 1), else try again next cycle (after the cooldown).
 * Takes the Rule or its EffectiveRule.
 *
 * @example
 * afterFailedAttempt({ attempts: 1 }, { max_retries: 2 }); // 'retry-next-cycle'
 * afterFailedAttempt({ attempts: 2 }, effectiveRule); // 'escalate' when its max_retries is 2
 */
export function afterFailedAttempt(incident: Pick<Incident, 'attempts'>, rule: RetryLimited): 'retry-next-cycle' | 'escalate' {
  return incident.attempts >= maxRetriesOf('rule' in rule ? rule.rule : rule) ? 'escalate' : 'retry-next-cycle';
}

function decideRule(rule: EffectiveRule, input: DecideHostInput, supersededBy: string | undefined): RuleDecision {
  const base = { ruleId: rule.ruleId, checkRunbook: rule.checkRunbook.id };
  const observation = input.results.get(rule.ruleId);
  if (!observation) return { ...base, kind: 'check-error', reasonCode: 'AGT_CHECK_ERROR', causeCode: 'NO_RESULT', message: 'the check did not run this cycle' };
  if (!observation.ok) return { ...base, kind: 'check-error', reasonCode: 'AGT_CHECK_ERROR', causeCode: observation.reasonCode, message: observation.message };

  const result = observation.result;
  const status: unknown = result?.status;
  const message = typeof result?.message === 'string' ? result.message : '';
  const causeCode = typeof result?.reason_code === 'string' ? result.reason_code : undefined;
  if (status === 'error') return { ...base, kind: 'check-error', reasonCode: 'AGT_CHECK_ERROR', causeCode: causeCode ?? 'CHECK_ERROR', message };
  if (status !== 'pass' && status !== 'fail' && status !== 'not_applicable') {
    return { ...base, kind: 'check-error', reasonCode: 'AGT_CHECK_ERROR', causeCode: 'INVALID_RESULT', message: 'the check result has no valid status' };
  }
  if (status === 'not_applicable') return causeCode === undefined ? { ...base, kind: 'not-applicable', message } : { ...base, kind: 'not-applicable', message, causeCode };

  const key = stateKey(rule.ruleId, input.host.id);
  const incident = Object.hasOwn(input.state.incidents, key) ? input.state.incidents[key] : undefined;
  if (!matchConditions(rule.rule.when, { result, host: input.host })) {
    if (status !== 'pass') return { ...base, kind: 'no-match' };
    return incident ? { ...base, kind: 'compliant', closesIncident: true } : { ...base, kind: 'compliant' };
  }

  if (supersededBy !== undefined) return { ...base, kind: 'superseded', reasonCode: 'AGT_SUPERSEDED', by: supersededBy };
  if (rule.waiver) return { ...base, kind: 'waived', reasonCode: 'AGT_WAIVED', waiver: rule.waiver };
  const until = cooldownUntil(input.state, rule.ruleId, input.host.id, input.now);
  if (until !== undefined) return { ...base, kind: 'cooldown', reasonCode: 'AGT_COOLDOWN', until };

  const alreadyEscalated = incident?.escalated !== undefined ? { ...base, kind: 'already-escalated' as const, reasonCode: 'AGT_ESCALATED' as const, incidentId: incident.id, since: incident.escalated } : undefined;
  const action = rule.rule.action;
  if (action.type === 'escalate') {
    if (alreadyEscalated) return alreadyEscalated;
    const escalate: RuleDecision = { ...base, kind: 'escalate', reasonCode: 'AGT_ESCALATED', reason: action.reason, urgency: action.urgency ?? DEFAULT_URGENCY };
    if (incident) escalate.incidentId = incident.id;
    return escalate;
  }

  // Retries are counted per incident; max_retries 0 escalates without healing.
  const maxRetries = maxRetriesOf(rule.rule);
  const attempts = incident?.attempts ?? 0;
  if (attempts >= maxRetries) {
    if (alreadyEscalated) return alreadyEscalated;
    const spent: RuleDecision = { ...base, kind: 'retries-spent', reasonCode: 'AGT_RETRIES_SPENT', attempts, maxRetries };
    if (incident) spent.incidentId = incident.id;
    return spent;
  }

  const fixRunbook = rule.fixRunbook?.id ?? rule.checkRunbook.id;
  if (rule.mode !== 'enforce') return { ...base, kind: 'plan-remediate', reasonCode: 'AGT_AUDIT_ONLY', fixRunbook, params: rule.params, disruptive: rule.disruptive };
  if (rule.disruptive && !input.window.open) {
    const outside: RuleDecision = { ...base, kind: 'outside-window', reasonCode: 'AGT_OUTSIDE_WINDOW', fixRunbook };
    if (input.window.nextOpen !== undefined) outside.nextOpen = input.window.nextOpen;
    return outside;
  }
  const remediate: RuleDecision = {
    ...base,
    kind: 'remediate',
    fixRunbook,
    attempt: attempts + 1,
    params: rule.params,
    disruptive: rule.disruptive,
    cooldownSeconds: rule.rule.cooldown_seconds ?? DEFAULT_COOLDOWN_SECONDS,
  };
  if (incident) remediate.incidentId = incident.id;
  return remediate;
}

function maxRetriesOf(rule: { max_retries?: number }): number {
  const n = rule.max_retries;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : DEFAULT_MAX_RETRIES;
}
