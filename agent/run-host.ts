import { inDeclarationOrder, type BundledRunbook, type SiteBundle } from '../core/bundle/site-bundle.js';
import { matchConditions } from '../core/engine/conditions.js';
import { afterFailedAttempt, decideHost, type RuleDecision } from '../core/engine/decide-host.js';
import { beginAttempt, closeIncident, markEscalated, stateKey, type AgentState } from '../core/engine/agent-state.js';
import type { EscalationRecord, HostRecord, RemediationRecord, RuleRecord, StepRecord } from '../core/engine/cycle-report.js';
import { isWritError } from '../core/errors/writ-error.js';
import { checkParamValues } from '../core/exec/check-param-values.js';
import { readCheckResult, type CheckObservation } from '../core/exec/read-check-result.js';
import type { HostSession, HostTarget, StepName, StepOutcome, StepRequest, Transport } from '../core/exec/step.js';
import type { Host } from '../core/model/generated/site.js';
import { resolveBundleHostRules, type EffectiveRule, type ParamValue } from '../core/policy/resolve-host-rules.js';
import type { AgentLog } from './agent-log.js';

/** The agent's memory (cooldowns, incidents), updated and made durable before each action. */
export interface StateStore {
  get(): AgentState;
  /** Applies a change and persists it (fsync) before returning. */
  update(change: (state: AgentState) => AgentState): void;
}

export interface HostRunContext {
  bundle: SiteBundle;
  host: Host;
  /** How to reach the host, or why it cannot be reached (a missing credential). */
  target: HostTarget | { error: { code: string; message: string } };
  transport: Transport;
  /** The cycle's reference time (decisions, cooldowns, incidents). */
  now: Date;
  /** Monotonic milliseconds, for durations. */
  elapsed: () => number;
  /** False when the release is past its bound: check, decide, heal nothing. */
  healingAllowed: boolean;
  window: { open: boolean; nextOpen?: string };
  state: StateStore;
  newIncidentId: () => string;
  log: AgentLog;
}

/**
 * Checks one host against every rule its site enables, decides per rule, and heals where the
 * decision says so: fresh check → remediate → re-check (verify) → rollback when the re-check
 * fails → escalate when retries are spent. One session per host; all checks go in one batch.
 * A host that cannot be reached gets `reachable: false` and no rule is reported compliant.
 *
 * @example
 * const record = await runHost({ bundle, host, target, transport, now, … });
 */
export async function runHost(ctx: HostRunContext): Promise<HostRecord> {
  const started = ctx.elapsed();
  const { host } = ctx;
  const { rules, skipped } = resolveBundleHostRules(ctx.bundle, host.id, ctx.now);
  // Parameters bind in declaration order; a runbook whose order is unknown never runs.
  const runbooks = new Map(ctx.bundle.runbooks.map((r) => [r.id, inDeclarationOrder(r) ?? { ...r, unordered: true }]));
  const library = ctx.bundle.libraries.find((l) => l.platform === host.platform)?.text;
  const record: HostRecord = {
    host: host.id, platform: host.platform, transport: host.transport, reachable: true, rules: [],
    skipped: skipped.map((s) => ({ rule: s.ruleId, reason: s.reason, message: s.message })),
    started: ctx.now.toISOString(), duration_ms: 0,
  };
  const finish = () => ((record.duration_ms = Math.round(ctx.elapsed() - started)), record);
  if (rules.length === 0) return finish();

  const step = (runbook: BundledRunbook, name: StepName, rule: EffectiveRule, key: string): StepRequest | { refused: CheckObservation & { ok: false } } => {
    const script = runbook.scripts[name];
    if ('unordered' in runbook) return { refused: { ok: false, reasonCode: 'EXEC_PARAM_INVALID', message: `runbook ${runbook.id} in this release does not say its parameter order; release it again with this writ version` } };
    if (!script) return { refused: { ok: false, reasonCode: 'EXEC_RUNNER_FAILED', message: `runbook ${runbook.id} has no ${name} script` } };
    const checked = checkParamValues(runbook as never, paramsFor(runbook, rule), host.platform);
    if (!checked.ok) return { refused: { ok: false, reasonCode: checked.reasonCode, message: `${checked.field}: ${checked.message}` } };
    return {
      key, runbookId: runbook.id, step: name, platform: host.platform, script: script.text,
      ...(host.platform === 'linux' && library !== undefined ? { library } : {}),
      params: checked.params, timeoutMs: script.timeout_seconds * 1000,
    };
  };

  // One check per distinct (runbook, parameters): rules sharing a check share its result.
  const checkKeyOf = new Map<string, string>();
  const requests: StepRequest[] = [];
  const observations = new Map<string, CheckObservation>();
  const durations = new Map<string, number>();
  for (const rule of rules) {
    const runbook = runbooks.get(rule.checkRunbook.id)!;
    const key = `check:${runbook.id}:${JSON.stringify(paramsFor(runbook, rule))}`;
    checkKeyOf.set(rule.ruleId, key);
    if (observations.has(key) || requests.some((r) => r.key === key)) continue;
    const req = step(runbook, 'check', rule, key);
    if ('refused' in req) observations.set(key, req.refused);
    else requests.push(req);
  }

  let session: HostSession;
  try {
    if ('error' in ctx.target) throw Object.assign(new Error(ctx.target.error.message), { code: ctx.target.error.code });
    session = await ctx.transport.open(ctx.target);
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'EXEC_CONNECT_FAILED';
    const message = isWritError(e) || e instanceof Error ? (e as Error).message : String(e);
    ctx.log.warn('host_unreachable', { reason_code: code, message });
    record.reachable = false;
    record.reason_code = code;
    record.message = message;
    for (const rule of rules) record.rules.push(notRun(rule, runbooks.get(rule.checkRunbook.id)!, 'AGT_HOST_UNREACHABLE', code));
    return finish();
  }

  try {
    const outcomes = await session.run(requests);
    for (const o of outcomes) {
      observations.set(o.key, readCheckResult(o));
      durations.set(o.key, o.durationMs);
    }
    const results = new Map<string, CheckObservation>();
    for (const rule of rules) results.set(rule.ruleId, observations.get(checkKeyOf.get(rule.ruleId)!)!);
    const decisions = decideHost({
      host: { id: host.id, platform: host.platform, tags: host.tags ?? [] },
      rules, results, state: ctx.state.get(), now: ctx.now, window: ctx.window,
    });

    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      const decision = decisions[i]!;
      const key = checkKeyOf.get(rule.ruleId)!;
      const rec = ruleRecord(rule, runbooks.get(rule.checkRunbook.id)!, results.get(rule.ruleId)!, durations.get(key) ?? 0, decision);
      if (decision.closesIncident) ctx.state.update((s) => closeIncident(s, rule.ruleId, host.id));
      if (decision.kind === 'remediate') {
        if (!ctx.healingAllowed) {
          rec.decision = 'plan-remediate';
          rec.reason_code = 'AGT_RELEASE_TOO_OLD';
          rec.detail = 'the release is past its age bound: healing is paused until a newer release verifies';
        } else {
          rec.remediation = await heal(ctx, session, rule, runbooks, step);
          if (rec.remediation.outcome !== 'healed' && rec.remediation.outcome !== 'already-compliant') {
            rec.reason_code = rec.remediation.reason_code ?? 'AGT_HEAL_FAILED';
            const incident = ctx.state.get().incidents[stateKey(rule.ruleId, host.id)];
            if (incident && afterFailedAttempt(incident, rule.rule) === 'escalate') {
              rec.escalation = escalate(ctx, rule, 'retries-spent', incident.id);
            }
          }
        }
      } else if (decision.kind === 'escalate' || decision.kind === 'retries-spent') {
        const incident = ctx.state.get().incidents[stateKey(rule.ruleId, host.id)];
        rec.escalation = escalate(ctx, rule, decision.kind === 'escalate' ? 'rule' : 'retries-spent', incident?.id ?? ctx.newIncidentId());
      }
      record.rules.push(rec);
      ctx.log.info('rule_done', { rule: rule.ruleId, decision: rec.decision, status: rec.check.status, reason_code: rec.reason_code, outcome: rec.remediation?.outcome });
    }
  } finally {
    await session.close().catch(() => undefined);
  }
  return finish();
}

type StepBuilder = (runbook: BundledRunbook, name: StepName, rule: EffectiveRule, key: string) => StepRequest | { refused: CheckObservation & { ok: false } };

/** One remediation attempt; the attempt is made durable before anything runs on the host. */
async function heal(ctx: HostRunContext, session: HostSession, rule: EffectiveRule, runbooks: Map<string, BundledRunbook>, step: StepBuilder): Promise<RemediationRecord> {
  const hostId = ctx.host.id;
  const checkRunbook = runbooks.get(rule.checkRunbook.id)!;
  const fix = runbooks.get(rule.fixRunbook!.id)!;
  const existing = ctx.state.get().incidents[stateKey(rule.ruleId, hostId)];
  const incidentId = existing?.id ?? ctx.newIncidentId();
  let attempt = 0;
  ctx.state.update((s) => {
    const next = beginAttempt(s, { rule: rule.ruleId, host: hostId, now: ctx.now, cooldownSeconds: rule.rule.cooldown_seconds ?? 300, incidentId });
    attempt = next.incident.attempts;
    return next.state;
  });
  const out: RemediationRecord = { runbook: fix.id, ...(fix.version ? { runbook_version: fix.version } : {}), incident: incidentId, attempt, max_retries: rule.rule.max_retries ?? 1, outcome: 'error', steps: [] };
  ctx.log.info('heal_start', { rule: rule.ruleId, runbook: fix.id, incident: incidentId, attempt });

  const run = async (runbook: BundledRunbook, name: StepName, label: StepRecord['step']): Promise<{ outcome?: StepOutcome; observation: CheckObservation }> => {
    const req = step(runbook, name, rule, `${label}:${runbook.id}`);
    if ('refused' in req) {
      out.steps.push({ step: label, runbook: runbook.id, script_sha256: runbook.scripts[name]?.sha256 ?? '', state: 'refused', exit_code: null, reason_code: req.refused.reasonCode, message: req.refused.message, duration_ms: 0 });
      return { observation: req.refused };
    }
    const [outcome] = await session.run([req]);
    const observation = readCheckResult(outcome!);
    const rec: StepRecord = { step: label, runbook: runbook.id, script_sha256: runbook.scripts[name]!.sha256, state: outcome!.state, exit_code: outcome!.exitCode, duration_ms: outcome!.durationMs };
    if (name === 'check' || name === 'verify') {
      if (observation.ok) rec.status = observation.result.status;
      else rec.reason_code = observation.reasonCode;
    } else if (outcome!.reasonCode) rec.reason_code = outcome!.reasonCode;
    if (outcome!.state !== 'ran' && outcome!.message) rec.message = outcome!.message;
    out.steps.push(rec);
    return { outcome: outcome!, observation };
  };
  const hostFacts = { id: hostId, platform: ctx.host.platform, tags: ctx.host.tags ?? [] };
  const stillMatches = (o: CheckObservation) => o.ok && matchConditions(rule.rule.when, { result: o.result, host: hostFacts });

  // 1. Fresh check: the drift may have gone since the batch ran.
  const fresh = await run(checkRunbook, 'check', 'fresh-check');
  if (!fresh.observation.ok) {
    out.reason_code = fresh.observation.reasonCode;
    return out;
  }
  if (!stillMatches(fresh.observation)) {
    out.outcome = 'already-compliant';
    if (fresh.observation.result.status === 'pass') ctx.state.update((s) => closeIncident(s, rule.ruleId, hostId));
    return out;
  }
  // 2. Heal.
  const remediated = await run(fix, 'remediate', 'remediate');
  if (remediated.outcome?.state === 'transport-error') {
    out.reason_code = remediated.outcome.reasonCode ?? 'EXEC_CONNECTION_LOST';
    return out;
  }
  // 3. Re-check: the runbook's verify, or the rule's check again.
  const recheck = fix.scripts.verify ? await run(fix, 'verify', 're-check') : await run(checkRunbook, 'check', 're-check');
  const healed = recheck.observation.ok && recheck.observation.result.status === 'pass' && (fix.scripts.verify !== undefined || !stillMatches(recheck.observation));
  if (healed) {
    out.outcome = 'healed';
    ctx.state.update((s) => closeIncident(s, rule.ruleId, hostId));
    ctx.log.info('healed', { rule: rule.ruleId, runbook: fix.id, incident: incidentId });
    return out;
  }
  out.reason_code = recheck.observation.ok ? 'AGT_HEAL_FAILED' : recheck.observation.reasonCode;
  // 4. Roll back where the runbook can.
  if (fix.scripts.rollback) {
    const rolled = await run(fix, 'rollback', 'rollback');
    const ok = rolled.outcome?.state === 'ran' && rolled.outcome.exitCode === 0;
    out.outcome = ok ? 'rolled-back' : 'rollback-failed';
    if (!ok) out.reason_code = 'AGT_ROLLBACK_FAILED';
  } else {
    out.outcome = 'still-failing';
  }
  ctx.log.warn('heal_failed', { rule: rule.ruleId, runbook: fix.id, incident: incidentId, reason_code: out.reason_code, outcome: out.outcome });
  return out;
}

function escalate(ctx: HostRunContext, rule: EffectiveRule, cause: EscalationRecord['cause'], incident: string): EscalationRecord {
  ctx.state.update((s) => markEscalated(s, rule.ruleId, ctx.host.id, ctx.now, incident));
  const action = rule.rule.action;
  const record: EscalationRecord = action.type === 'escalate'
    ? { incident, cause, reason: action.reason, urgency: action.urgency ?? 'medium' }
    : { incident, cause, reason: `${rule.rule.max_retries ?? 1} remediation attempt(s) with ${rule.fixRunbook?.id} did not heal the drift`, urgency: rule.rule.severity };
  ctx.log.warn('escalated', { rule: rule.ruleId, incident, reason_code: cause === 'rule' ? 'AGT_ESCALATED' : 'AGT_RETRIES_SPENT' });
  return record;
}

/** A runbook's parameter values for a rule: the rule's effective values for the names it declares. */
function paramsFor(runbook: BundledRunbook, rule: EffectiveRule): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [name, spec] of Object.entries(runbook.parameters ?? {})) {
    if (name in rule.params) out[name] = rule.params[name]!;
    else if (spec?.default !== undefined) out[name] = spec.default;
  }
  return out;
}

function ruleRecord(rule: EffectiveRule, checkRunbook: BundledRunbook, observation: CheckObservation, durationMs: number, decision: RuleDecision): RuleRecord {
  const rec: RuleRecord = {
    rule: rule.ruleId, severity: rule.rule.severity, mode: rule.mode, controls: rule.controls,
    check: {
      runbook: checkRunbook.id, runbook_version: checkRunbook.version ?? '', script_sha256: checkRunbook.scripts.check?.sha256 ?? '',
      status: observation.ok ? observation.result.status : 'error',
      observed: observation.ok ? evidenceFields(checkRunbook, observation.result.observed) : {},
      message: observation.ok ? observation.result.message : observation.message,
      duration_ms: durationMs,
    },
    decision: decision.kind,
  };
  const reason = observation.ok ? observation.result.reason_code : observation.reasonCode;
  if (reason) rec.check.reason_code = reason;
  if (decision.reasonCode) rec.reason_code = decision.reasonCode;
  if (rule.waiver) rec.waiver = { owner: rule.waiver.owner, expires: rule.waiver.expires, ...(rule.waiver.ticket ? { ticket: rule.waiver.ticket } : {}) };
  return rec;
}

function notRun(rule: EffectiveRule, checkRunbook: BundledRunbook, reasonCode: string, execCode: string): RuleRecord {
  return {
    rule: rule.ruleId, severity: rule.rule.severity, mode: rule.mode, controls: rule.controls,
    check: { runbook: checkRunbook.id, runbook_version: checkRunbook.version ?? '', script_sha256: checkRunbook.scripts.check?.sha256 ?? '', status: 'not-run', observed: {}, message: `host not reached (${execCode})`, reason_code: execCode, duration_ms: 0 },
    decision: 'not-checked', reason_code: reasonCode,
  };
}

/** Keeps only the observed keys the runbook declares as evidence (everything else is dropped). */
function evidenceFields(runbook: BundledRunbook, observed: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of runbook.evidence_fields ?? []) if (Object.hasOwn(observed, key)) out[key] = observed[key];
  return out;
}
