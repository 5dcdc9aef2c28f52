import { describe, expect, it } from 'vitest';
import type { EscalationSignal, HealSignal, Signal } from '../../../../core/escalation/escalation-signal.js';
import { parseHealedMarker, parseIncidentMarker, parseIssueMarker } from '../../../../core/escalation/issue-marker.js';
import { type EscalationPlan, type KnownIssue, planEscalationIssues, sortSignals } from '../../../../core/escalation/plan-escalation-issues.js';
import { bodyWithHeal, escalationIssue, healComment, incidentComment } from '../../../../core/escalation/render-escalation-issue.js';

const T = (m: number) => new Date(Date.UTC(2026, 2, 1, 2, m)).toISOString();
const key = (host = 'ws-1') => ({ site: 'clinic-a', host, rule: 'L1-X-001' });
const source = (minute: number, index: number, appliance = 'ap-1') => ({ appliance, index, time: T(minute), release: null, run_id: 'r', file: 'f', line: 1 });
const esc = (minute: number, index: number, incident: string, host = 'ws-1', appliance = 'ap-1'): EscalationSignal =>
  ({ kind: 'escalation', key: key(host), source: source(minute, index, appliance), incident, cause: 'rule', reason: 'r', severity: 'high', controls: [] });
const heal = (minute: number, index: number, host = 'ws-1', appliance = 'ap-1'): HealSignal => ({ kind: 'heal', key: key(host), source: source(minute, index, appliance), how: 'check-pass' });

/** GitHub as a list of issues with bodies and comments; applying a plan the way the App does. */
interface SimIssue { number: number; open: boolean; body: string; comments: string[]; closedAt?: string }
function apply(issues: SimIssue[], plan: EscalationPlan): void {
  const numbers = new Map<string, number>();
  const find = (ref: number | string) => issues.find((i) => i.number === (typeof ref === 'number' ? ref : numbers.get(ref)))!;
  for (const a of plan.actions) {
    if (a.type === 'open') {
      const n = 100 + issues.length;
      numbers.set(a.ref, n);
      issues.push({ number: n, open: true, body: escalationIssue(a.signal, 'c'.repeat(40)).body, comments: [] });
    } else if (a.type === 'comment') {
      find(a.issue).comments.push(incidentComment(a.signal, 'c'.repeat(40)));
    } else {
      const i = find(a.issue);
      if (a.comment) i.comments.push(healComment(a.signal, 'c'.repeat(40)));
      i.open = false;
      i.body = bodyWithHeal(i.body, a.signal);
    }
  }
}
/** What the App reads back: markers only (comments of open issues only). */
function known(issues: SimIssue[]): KnownIssue[] {
  return issues.map((i) => {
    const healed = parseHealedMarker(i.body, { anywhere: true });
    const incs = i.open ? i.comments.map(parseIncidentMarker).filter((x) => x !== undefined) : [];
    return {
      number: i.number, open: i.open, marker: parseIssueMarker(i.body)!, commentIncidents: incs.map((x) => x.incident), commentEscalations: incs.map((x) => x.at),
      healComments: i.open ? i.comments.map((c) => parseHealedMarker(c)).filter((x) => x !== undefined) : [], ...(healed ? { healed } : {}), ...(i.closedAt ? { closedAt: i.closedAt } : {}),
    };
  });
}
const run = (issues: SimIssue[], signals: Signal[], maxActions = 100) => {
  const plan = planEscalationIssues(sortSignals(signals), known(issues), { maxActions });
  apply(issues, plan);
  return plan;
};

describe('planEscalationIssues', () => {
  it('opens, comments per new incident, closes on a later heal, and opens anew for a later drift', () => {
    const gh: SimIssue[] = [];
    expect(run(gh, [esc(0, 1, 'a')]).actions.map((a) => a.type)).toEqual(['open']);
    expect(run(gh, [esc(10, 2, 'a')]).skipped.map((s) => s.code)).toEqual(['WH_ESCALATION_KNOWN']);
    expect(run(gh, [esc(20, 3, 'b')]).actions.map((a) => a.type)).toEqual(['comment']);
    expect(run(gh, [esc(25, 4, 'b')]).actions).toEqual([]);
    expect(run(gh, [heal(30, 5)]).actions).toEqual([{ type: 'close', issue: 100, signal: heal(30, 5), comment: true }]);
    expect(gh[0]!.open).toBe(false);
    expect(run(gh, [esc(40, 6, 'c')]).actions.map((a) => a.type)).toEqual(['open']);
    expect(gh.map((i) => i.open)).toEqual([false, true]);
  });

  it('handles a whole history in one push in record order, whatever order the signals come in', () => {
    const gh: SimIssue[] = [];
    const signals = [heal(30, 5), esc(40, 6, 'c'), esc(0, 1, 'a'), esc(20, 3, 'b'), heal(50, 7)];
    const plan = run(gh, signals);
    expect(plan.actions.map((a) => `${a.type}:${'ref' in a ? a.ref : a.issue}`)).toEqual(['open:new:1', 'comment:new:1', 'close:new:1', 'open:new:2', 'close:new:2']);
    expect(gh.map((i) => i.open)).toEqual([false, false]);
  });

  it('is idempotent: any replay of the same signals against the issues they made plans nothing', () => {
    const histories: Signal[][] = [
      [esc(0, 1, 'a'), esc(20, 3, 'b'), heal(30, 5)],
      [esc(0, 1, 'a'), heal(30, 5), esc(40, 6, 'c')],
      [esc(0, 1, 'a', 'ws-1'), esc(0, 2, 'x', 'ws-2'), heal(5, 3, 'ws-2'), esc(6, 4, 'y', 'ws-2')],
      [esc(0, 1, 'a'), esc(1, 2, 'b'), esc(2, 3, 'c'), heal(3, 4), esc(4, 5, 'd'), esc(5, 6, 'e'), heal(6, 7)],
    ];
    for (const history of histories) {
      // Delivered in one push, or one record per push, or every prefix again.
      const whole: SimIssue[] = [];
      run(whole, history);
      const single: SimIssue[] = [];
      for (const s of history) run(single, [s]);
      expect(single.map((i) => [i.open, i.comments.length])).toEqual(whole.map((i) => [i.open, i.comments.length]));
      for (let n = 1; n <= history.length; n++) expect(run(whole, history.slice(0, n)).actions).toEqual([]);
      expect(run(single, history).actions).toEqual([]);
    }
  });

  it('never closes on a heal that is not later than every escalation the open issue reports', () => {
    const gh: SimIssue[] = [];
    run(gh, [esc(10, 1, 'a', 'ws-1', 'ap-2'), esc(30, 9, 'b')]);
    for (const h of [heal(5, 2), heal(10, 3), heal(20, 3), heal(30, 8)]) {
      const plan = run(gh, [h]);
      expect(plan.actions).toEqual([]);
      expect(plan.skipped).toEqual([{ code: 'WH_HEAL_OLDER', signal: h, issue: 100 }]);
    }
    expect(run(gh, [heal(30, 10)]).actions.map((a) => a.type)).toEqual(['close']);
  });

  it('treats escalations older than the closing heal, or than a person\'s close, as stale', () => {
    const gh: SimIssue[] = [];
    run(gh, [esc(0, 1, 'a'), heal(30, 5)]);
    expect(run(gh, [esc(20, 3, 'never-seen')]).skipped.map((s) => s.code)).toEqual(['WH_ESCALATION_STALE']);
    expect(run(gh, [esc(30, 4, 'same-time', 'ws-1', 'ap-2')]).skipped.map((s) => s.code)).toEqual(['WH_ESCALATION_STALE']);
    const human: SimIssue[] = [];
    run(human, [esc(0, 1, 'a')]);
    human[0]!.open = false;
    human[0]!.closedAt = T(15);
    expect(run(human, [esc(10, 2, 'b')]).skipped.map((s) => s.code)).toEqual(['WH_ESCALATION_STALE']);
    expect(run(human, [esc(0, 1, 'a')]).skipped.map((s) => s.code)).toEqual(['WH_ESCALATION_KNOWN']);
    expect(run(human, [esc(20, 3, 'c')]).actions.map((a) => a.type)).toEqual(['open']);
  });

  it('does not comment a heal twice when a close failed after its comment', () => {
    const gh: SimIssue[] = [];
    run(gh, [esc(0, 1, 'a')]);
    gh[0]!.comments.push(healComment(heal(30, 5), 'c'.repeat(40)));
    expect(run(gh, [heal(30, 5)]).actions).toEqual([{ type: 'close', issue: 100, signal: heal(30, 5), comment: false }]);
  });

  it('stops at maxActions and reports the rest; a second run continues', () => {
    const gh: SimIssue[] = [];
    const signals = ['h1', 'h2', 'h3', 'h4', 'h5'].map((h, i) => esc(i, i, `i-${h}`, h));
    const first = run(gh, signals, 2);
    expect(first.actions).toHaveLength(2);
    expect(first.skipped.map((s) => s.code)).toEqual(['WH_ESCALATION_CAPPED', 'WH_ESCALATION_CAPPED', 'WH_ESCALATION_CAPPED']);
    run(gh, signals, 2);
    run(gh, signals, 2);
    expect(gh).toHaveLength(5);
    expect(run(gh, signals, 2).actions).toEqual([]);
  });

  it('keeps (site, host, rule) apart', () => {
    const gh: SimIssue[] = [];
    run(gh, [esc(0, 1, 'a', 'ws-1'), esc(0, 2, 'a', 'ws-2'), { ...esc(0, 3, 'a', 'ws-1'), key: { site: 'clinic-a', host: 'ws-1', rule: 'L1-Y-001' } }]);
    expect(gh).toHaveLength(3);
    run(gh, [heal(5, 4, 'ws-2')]);
    expect(gh.map((i) => i.open)).toEqual([true, false, true]);
  });
});
