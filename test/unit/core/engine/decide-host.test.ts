import { describe, expect, it } from 'vitest';
import { emptyAgentState, type AgentState, type Incident } from '../../../../core/engine/agent-state.js';
import { afterFailedAttempt, decideHost, type CheckObservation, type DecideHostInput, type RuleDecision } from '../../../../core/engine/decide-host.js';
import type { EffectiveRule } from '../../../../core/policy/resolve-host-rules.js';
import { cond, deepFreeze, effectiveRule, failed, HOST, iso, NOW, ok, result, WAIVER } from './fixtures.js';

const FAIL = ok(result('fail', { permit_root_login: 'yes', max_auth_tries: 6 }));
const PASS = ok(result('pass', { permit_root_login: 'no', max_auth_tries: 3 }));
const key = (rule: string) => `${rule}@${HOST.id}`;

/** Runs decideHost with every rule seeing `observation` unless `results` says otherwise. */
function decide(rules: EffectiveRule[], o: { observation?: CheckObservation; results?: Record<string, CheckObservation>; state?: AgentState; window?: DecideHostInput['window'] } = {}): RuleDecision[] {
  const results = new Map<string, CheckObservation>();
  for (const r of rules) results.set(r.ruleId, o.results?.[r.ruleId] ?? o.observation ?? FAIL);
  return decideHost(deepFreeze({ host: HOST, rules, results, state: o.state ?? emptyAgentState(), now: NOW, window: o.window ?? { open: false, nextOpen: iso(3600) } }));
}
const kinds = (ds: RuleDecision[]) => ds.map((d) => `${d.ruleId}:${d.kind}`);

function withState(o: { cooldowns?: Record<string, string>; incidents?: Incident[] }): AgentState {
  const incidents: Record<string, Incident> = {};
  for (const i of o.incidents ?? []) incidents[`${i.rule}@${i.host}`] = i;
  return { version: 1, cooldowns: o.cooldowns ?? {}, incidents };
}
const incident = (rule: string, attempts: number, escalated?: string): Incident => ({
  id: `inc-${rule}`, rule, host: HOST.id, opened: iso(-3600), attempts, ...(attempts > 0 ? { lastAttempt: iso(-600) } : {}), ...(escalated ? { escalated } : {}),
});

describe('decideHost: one rule, by check outcome', () => {
  const rule = effectiveRule('L1-LIN-SSH-001', { params: { permit: 'no' }, cooldownSeconds: 600 });

  it('remediates drift in enforce mode, saying which runbook, attempt and params', () => {
    expect(decide([rule])).toEqual([{
      ruleId: 'L1-LIN-SSH-001', checkRunbook: 'LIN-SSH-001', kind: 'remediate', fixRunbook: 'LIN-SSH-001', attempt: 1, params: { permit: 'no' }, disruptive: false, cooldownSeconds: 600,
    }]);
  });

  it('uses the remediation runbook when it differs from the check and the default cooldown', () => {
    expect(decide([effectiveRule('L1-LIN-SSH-001', { fix: 'LIN-SSH-FIX' })])[0]).toMatchObject({ kind: 'remediate', fixRunbook: 'LIN-SSH-FIX', checkRunbook: 'LIN-SSH-001', cooldownSeconds: 300 });
  });

  it('only plans in audit mode', () => {
    expect(decide([effectiveRule('L1-LIN-SSH-001', { mode: 'audit', params: { permit: 'no' } })])).toEqual([{
      ruleId: 'L1-LIN-SSH-001', checkRunbook: 'LIN-SSH-001', kind: 'plan-remediate', reasonCode: 'AGT_AUDIT_ONLY', fixRunbook: 'LIN-SSH-001', params: { permit: 'no' }, disruptive: false,
    }]);
  });

  it('is compliant when the check passes, and closes an open incident', () => {
    expect(decide([rule], { observation: PASS })).toEqual([{ ruleId: 'L1-LIN-SSH-001', checkRunbook: 'LIN-SSH-001', kind: 'compliant' }]);
    const state = withState({ incidents: [incident('L1-LIN-SSH-001', 1)] });
    expect(decide([rule], { observation: PASS, state })).toEqual([{ ruleId: 'L1-LIN-SSH-001', checkRunbook: 'LIN-SSH-001', kind: 'compliant', closesIncident: true }]);
  });

  it('does not care about a failure its conditions do not describe', () => {
    const picky = effectiveRule('L1-LIN-SSH-001', { when: [cond('status', 'eq', 'fail'), cond('observed.max_auth_tries', 'gt', 10)] });
    expect(decide([picky])).toEqual([{ ruleId: 'L1-LIN-SSH-001', checkRunbook: 'LIN-SSH-001', kind: 'no-match' }]);
    const state = withState({ incidents: [incident('L1-LIN-SSH-001', 1)] });
    expect(decide([picky], { state })[0]).not.toHaveProperty('closesIncident');
  });

  it('acts on what its conditions say, host fields included', () => {
    const ehrOnly = effectiveRule('L1-LIN-SSH-001', { when: [cond('status', 'eq', 'fail'), cond('host.tags', 'contains', 'ehr')] });
    const webOnly = effectiveRule('L1-LIN-SSH-002', { check: 'LIN-SSH-002', when: [cond('status', 'eq', 'fail'), cond('host.tags', 'contains', 'web')] });
    expect(kinds(decide([ehrOnly, webOnly]))).toEqual(['L1-LIN-SSH-001:remediate', 'L1-LIN-SSH-002:no-match']);
  });

  it('reports not_applicable with the check\'s reason', () => {
    const na = ok(result('not_applicable', {}, { message: 'sshd is not installed', reason_code: 'PACKAGE_MISSING' }));
    expect(decide([rule], { observation: na })).toEqual([{ ruleId: 'L1-LIN-SSH-001', checkRunbook: 'LIN-SSH-001', kind: 'not-applicable', message: 'sshd is not installed', causeCode: 'PACKAGE_MISSING' }]);
    expect(decide([rule], { observation: ok(result('not_applicable')) })[0]).not.toHaveProperty('causeCode');
  });
});

describe('decideHost: a check that could not decide is never compliant', () => {
  const cases: [string, CheckObservation | undefined, string, string][] = [
    ['the check timed out', failed('EXEC_TIMEOUT', 'check ran over 60 s'), 'EXEC_TIMEOUT', 'check ran over 60 s'],
    ['the check printed no valid result', failed('EXEC_NO_RESULT', 'no JSON on the last line'), 'EXEC_NO_RESULT', 'no JSON on the last line'],
    ['the check reported error', ok(result('error', {}, { message: 'systemctl failed', reason_code: 'NO_SYSTEMD' })), 'NO_SYSTEMD', 'systemctl failed'],
    ['the check reported error without a reason', ok(result('error', {}, { message: 'boom' })), 'CHECK_ERROR', 'boom'],
    ['the status is unknown', ok({ status: 'ok', observed: {}, message: 'fine' } as unknown as ReturnType<typeof result>), 'INVALID_RESULT', 'the check result has no valid status'],
    ['there is no observation', undefined, 'NO_RESULT', 'the check did not run this cycle'],
  ];
  // Rules whose conditions would match pass or error results must not turn a broken check into a verdict.
  const rules = [
    effectiveRule('L1-LIN-SSH-001'),
    effectiveRule('L1-LIN-SSH-002', { check: 'LIN-SSH-002', when: [cond('status', 'in', ['error', 'pass', 'fail'])] }),
    effectiveRule('L1-LIN-SSH-003', { check: 'LIN-SSH-003', when: [cond('status', 'eq', 'fail'), cond('observed.x', 'exists', false)] }),
  ];
  it.each(cases)('%s', (_, observation, causeCode, message) => {
    const results = new Map<string, CheckObservation>();
    if (observation) for (const r of rules) results.set(r.ruleId, observation);
    const ds = decideHost({ host: HOST, rules, results, state: withState({ incidents: [incident('L1-LIN-SSH-001', 1)] }), now: NOW, window: { open: true } });
    for (const [i, d] of ds.entries()) {
      expect(d).toEqual({ ruleId: rules[i]!.ruleId, checkRunbook: rules[i]!.checkRunbook.id, kind: 'check-error', reasonCode: 'AGT_CHECK_ERROR', causeCode, message });
    }
  });
});

describe('decideHost: rules sharing a check compete, first match not in cooldown wins', () => {
  const a = effectiveRule('L1-LIN-SSH-001', { priority: 10 });
  const b = effectiveRule('L1-LIN-SSH-002', { priority: 20, fix: 'LIN-SSH-RESTART' });
  const c = effectiveRule('L1-LIN-SSH-003', { priority: 30 });
  const other = effectiveRule('L1-LIN-FW-001', { priority: 50, check: 'LIN-FW-001' });

  it('one decision per rule, in the given order', () => {
    const ds = decide([a, b, c, other]);
    expect(ds.map((d) => d.ruleId)).toEqual(['L1-LIN-SSH-001', 'L1-LIN-SSH-002', 'L1-LIN-SSH-003', 'L1-LIN-FW-001']);
  });

  it('the first matching rule acts; later matching rules on that check are superseded; other checks are independent', () => {
    const ds = decide([a, b, c, other]);
    expect(kinds(ds)).toEqual(['L1-LIN-SSH-001:remediate', 'L1-LIN-SSH-002:superseded', 'L1-LIN-SSH-003:superseded', 'L1-LIN-FW-001:remediate']);
    expect(ds[1]).toEqual({ ruleId: 'L1-LIN-SSH-002', checkRunbook: 'LIN-SSH-001', kind: 'superseded', reasonCode: 'AGT_SUPERSEDED', by: 'L1-LIN-SSH-001' });
  });

  it('a rule whose conditions do not match leaves the check to the next', () => {
    const picky = effectiveRule('L1-LIN-SSH-001', { priority: 10, when: [cond('observed.max_auth_tries', 'gt', 10)] });
    expect(kinds(decide([picky, b, c]))).toEqual(['L1-LIN-SSH-001:no-match', 'L1-LIN-SSH-002:remediate', 'L1-LIN-SSH-003:superseded']);
  });

  it('a superseded rule is only one that matched', () => {
    const picky = effectiveRule('L1-LIN-SSH-002', { priority: 20, when: [cond('observed.max_auth_tries', 'gt', 10)] });
    expect(kinds(decide([a, picky]))).toEqual(['L1-LIN-SSH-001:remediate', 'L1-LIN-SSH-002:no-match']);
  });

  it('cooldown falls through to the next matching rule', () => {
    const state = withState({ cooldowns: { [key('L1-LIN-SSH-001')]: iso(120) } });
    const ds = decide([a, b, c], { state });
    expect(kinds(ds)).toEqual(['L1-LIN-SSH-001:cooldown', 'L1-LIN-SSH-002:remediate', 'L1-LIN-SSH-003:superseded']);
    expect(ds[0]).toEqual({ ruleId: 'L1-LIN-SSH-001', checkRunbook: 'LIN-SSH-001', kind: 'cooldown', reasonCode: 'AGT_COOLDOWN', until: iso(120) });
    expect(ds[2]).toMatchObject({ by: 'L1-LIN-SSH-002' });
  });

  it('every rule in cooldown: nothing acts', () => {
    const state = withState({ cooldowns: { [key('L1-LIN-SSH-001')]: iso(120), [key('L1-LIN-SSH-002')]: iso(60) } });
    expect(kinds(decide([a, b], { state }))).toEqual(['L1-LIN-SSH-001:cooldown', 'L1-LIN-SSH-002:cooldown']);
  });

  it('a cooldown that ended is no cooldown', () => {
    const state = withState({ cooldowns: { [key('L1-LIN-SSH-001')]: iso(0) } });
    expect(kinds(decide([a, b], { state }))).toEqual(['L1-LIN-SSH-001:remediate', 'L1-LIN-SSH-002:superseded']);
  });

  it('a broken check on one rule does not stop the next rule on the same check', () => {
    const ds = decide([a, b], { results: { 'L1-LIN-SSH-001': failed('EXEC_TIMEOUT') } });
    expect(kinds(ds)).toEqual(['L1-LIN-SSH-001:check-error', 'L1-LIN-SSH-002:remediate']);
  });

  it('audit plans count as acting', () => {
    const auditA = effectiveRule('L1-LIN-SSH-001', { priority: 10, mode: 'audit' });
    expect(kinds(decide([auditA, b]))).toEqual(['L1-LIN-SSH-001:plan-remediate', 'L1-LIN-SSH-002:superseded']);
  });
});

describe('decideHost: waivers', () => {
  const waived = effectiveRule('L1-LIN-SSH-001', { waiver: WAIVER });
  const next = effectiveRule('L1-LIN-SSH-002');

  it('a matching waived rule is reported, not healed, and holds the check', () => {
    const ds = decide([waived, next]);
    expect(ds[0]).toEqual({ ruleId: 'L1-LIN-SSH-001', checkRunbook: 'LIN-SSH-001', kind: 'waived', reasonCode: 'AGT_WAIVED', waiver: WAIVER });
    expect(ds[1]).toMatchObject({ kind: 'superseded', by: 'L1-LIN-SSH-001' });
  });

  it('a waiver wins over cooldown, audit and escalation', () => {
    const state = withState({ cooldowns: { [key('L1-LIN-SSH-001')]: iso(120) } });
    expect(decide([waived], { state })[0]!.kind).toBe('waived');
    expect(decide([effectiveRule('L1-LIN-SSH-001', { waiver: WAIVER, mode: 'audit' })])[0]!.kind).toBe('waived');
    expect(decide([effectiveRule('L1-LIN-SSH-001', { waiver: WAIVER, escalate: { reason: 'A person must rotate the key.' } })])[0]!.kind).toBe('waived');
  });

  it('a waived rule whose check passes is simply compliant', () => {
    expect(decide([waived], { observation: PASS })[0]!.kind).toBe('compliant');
  });
});

describe('decideHost: disruptive runbooks and the maintenance window', () => {
  const restart = effectiveRule('L1-LIN-SSH-001', { disruptive: true });

  it('waits for the window when it is closed, saying when it opens', () => {
    const ds = decide([restart, effectiveRule('L1-LIN-SSH-002')], { window: { open: false, nextOpen: '2026-03-07T08:00:00.000Z' } });
    expect(ds[0]).toEqual({ ruleId: 'L1-LIN-SSH-001', checkRunbook: 'LIN-SSH-001', kind: 'outside-window', reasonCode: 'AGT_OUTSIDE_WINDOW', fixRunbook: 'LIN-SSH-001', nextOpen: '2026-03-07T08:00:00.000Z' });
    expect(ds[1]).toMatchObject({ kind: 'superseded', by: 'L1-LIN-SSH-001' });
  });

  it('without a known next opening, says only that it is outside', () => {
    expect(decide([restart], { window: { open: false } })[0]).not.toHaveProperty('nextOpen');
  });

  it('heals inside the window', () => {
    expect(decide([restart], { window: { open: true } })[0]).toMatchObject({ kind: 'remediate', disruptive: true });
  });

  it('a non-disruptive runbook does not wait', () => {
    expect(decide([effectiveRule('L1-LIN-SSH-001')], { window: { open: false } })[0]!.kind).toBe('remediate');
  });

  it('audit mode plans whatever the window', () => {
    expect(decide([effectiveRule('L1-LIN-SSH-001', { disruptive: true, mode: 'audit' })], { window: { open: false } })[0]).toMatchObject({ kind: 'plan-remediate', disruptive: true });
  });
});

describe('decideHost: retries', () => {
  const cases: [string, number | undefined, Incident | undefined, Partial<RuleDecision>][] = [
    ['max_retries 0 escalates without healing', 0, undefined, { kind: 'retries-spent', reasonCode: 'AGT_RETRIES_SPENT', attempts: 0, maxRetries: 0 }],
    ['default (1), no incident: first attempt', undefined, undefined, { kind: 'remediate', attempt: 1 }],
    ['default (1), one attempt made: spent', undefined, incident('L1-LIN-SSH-001', 1), { kind: 'retries-spent', attempts: 1, maxRetries: 1, incidentId: 'inc-L1-LIN-SSH-001' }],
    ['max_retries 1, no incident: first attempt', 1, undefined, { kind: 'remediate', attempt: 1 }],
    ['max_retries 2, one attempt made: second attempt', 2, incident('L1-LIN-SSH-001', 1), { kind: 'remediate', attempt: 2, incidentId: 'inc-L1-LIN-SSH-001' }],
    ['max_retries 2, two attempts made: spent', 2, incident('L1-LIN-SSH-001', 2), { kind: 'retries-spent', attempts: 2, maxRetries: 2 }],
    ['spent and already escalated: not raised again', 2, incident('L1-LIN-SSH-001', 2, iso(-300)), { kind: 'already-escalated', reasonCode: 'AGT_ESCALATED', incidentId: 'inc-L1-LIN-SSH-001', since: iso(-300) }],
    ['max_retries 0 and already escalated', 0, incident('L1-LIN-SSH-001', 0, iso(-300)), { kind: 'already-escalated', since: iso(-300) }],
    ['escalated earlier but max_retries since raised: tries again', 3, incident('L1-LIN-SSH-001', 2, iso(-300)), { kind: 'remediate', attempt: 3 }],
  ];
  it.each(cases)('%s', (_, maxRetries, inc, expected) => {
    const rule = effectiveRule('L1-LIN-SSH-001', maxRetries === undefined ? {} : { maxRetries });
    const state = withState({ incidents: inc ? [inc] : [] });
    expect(decide([rule], { state })[0]).toMatchObject(expected);
  });

  it('spent retries escalate in audit mode too and hold the check', () => {
    const rule = effectiveRule('L1-LIN-SSH-001', { maxRetries: 0, mode: 'audit' });
    expect(kinds(decide([rule, effectiveRule('L1-LIN-SSH-002')]))).toEqual(['L1-LIN-SSH-001:retries-spent', 'L1-LIN-SSH-002:superseded']);
  });

  it('cooldown comes before spent retries', () => {
    const state = withState({ cooldowns: { [key('L1-LIN-SSH-001')]: iso(60) }, incidents: [incident('L1-LIN-SSH-001', 1)] });
    expect(decide([effectiveRule('L1-LIN-SSH-001')], { state })[0]!.kind).toBe('cooldown');
  });
});

describe('decideHost: escalate rules', () => {
  const page = effectiveRule('L1-LIN-AUD-001', { escalate: { reason: 'Audit log tampering needs a person.', urgency: 'critical' } });

  it('escalates with the rule\'s reason and urgency', () => {
    expect(decide([page])).toEqual([{ ruleId: 'L1-LIN-AUD-001', checkRunbook: 'LIN-SSH-001', kind: 'escalate', reasonCode: 'AGT_ESCALATED', reason: 'Audit log tampering needs a person.', urgency: 'critical' }]);
  });

  it('urgency defaults to medium', () => {
    expect(decide([effectiveRule('L1-LIN-AUD-001', { escalate: { reason: 'Somebody must look at it.' } })])[0]).toMatchObject({ urgency: 'medium' });
  });

  it('escalates in audit mode too: it changes nothing on the host', () => {
    expect(decide([effectiveRule('L1-LIN-AUD-001', { escalate: { reason: 'Somebody must look at it.' }, mode: 'audit' })])[0]!.kind).toBe('escalate');
  });

  it('is not raised twice for one incident, and keeps holding the check', () => {
    const state = withState({ incidents: [incident('L1-LIN-AUD-001', 0, iso(-60))] });
    const ds = decide([page, effectiveRule('L1-LIN-SSH-002')], { state });
    expect(ds[0]).toEqual({ ruleId: 'L1-LIN-AUD-001', checkRunbook: 'LIN-SSH-001', kind: 'already-escalated', reasonCode: 'AGT_ESCALATED', incidentId: 'inc-L1-LIN-AUD-001', since: iso(-60) });
    expect(ds[1]).toMatchObject({ kind: 'superseded', by: 'L1-LIN-AUD-001' });
  });

  it('names an open, not yet escalated incident', () => {
    const state = withState({ incidents: [incident('L1-LIN-AUD-001', 0)] });
    expect(decide([page], { state })[0]).toMatchObject({ kind: 'escalate', incidentId: 'inc-L1-LIN-AUD-001' });
  });

  it('escalate rules take part in first-match: a higher-priority escalation supersedes a remediation', () => {
    expect(kinds(decide([page, effectiveRule('L1-LIN-SSH-001')]))).toEqual(['L1-LIN-AUD-001:escalate', 'L1-LIN-SSH-001:superseded']);
  });

  it('in cooldown falls through like any rule', () => {
    const state = withState({ cooldowns: { [key('L1-LIN-AUD-001')]: iso(60) } });
    expect(kinds(decide([page, effectiveRule('L1-LIN-SSH-001')], { state }))).toEqual(['L1-LIN-AUD-001:cooldown', 'L1-LIN-SSH-001:remediate']);
  });
});

describe('decideHost: purity', () => {
  it('never changes its input and gives the same answer twice', () => {
    const rules = [effectiveRule('L1-LIN-SSH-001', { maxRetries: 2 }), effectiveRule('L1-LIN-SSH-002')];
    const state = deepFreeze(withState({ incidents: [incident('L1-LIN-SSH-001', 1)], cooldowns: { [key('L1-LIN-SSH-002')]: iso(60) } }));
    const first = decide(rules, { state });
    expect(decide(rules, { state })).toEqual(first);
    expect(state.incidents[key('L1-LIN-SSH-001')]!.attempts).toBe(1);
  });

  it('no rules, no decisions', () => {
    expect(decide([])).toEqual([]);
  });
});

describe('afterFailedAttempt', () => {
  it.each<[number, number | undefined, 'retry-next-cycle' | 'escalate']>([
    [1, undefined, 'escalate'],
    [0, undefined, 'retry-next-cycle'],
    [1, 0, 'escalate'],
    [1, 2, 'retry-next-cycle'],
    [2, 2, 'escalate'],
    [3, 2, 'escalate'],
  ])('after %i attempt(s) with max_retries %s → %s', (attempts, maxRetries, expected) => {
    const rule = effectiveRule('L1-LIN-SSH-001', maxRetries === undefined ? {} : { maxRetries });
    expect(afterFailedAttempt({ attempts }, rule)).toBe(expected);
    expect(afterFailedAttempt({ attempts }, rule.rule)).toBe(expected);
  });
});
