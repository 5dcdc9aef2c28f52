import { comparePositions, type EscalationSignal, type HealSignal, keyString, type RecordPosition, type Signal } from './escalation-signal.js';
import { markerValue, type IssueMarker } from './issue-marker.js';

/** An escalation issue as GitHub holds it, reduced to what its markers say. */
export interface KnownIssue {
  number: number;
  open: boolean;
  marker: IssueMarker;
  /** Incidents (marker values) of the App's incident comments; read for open issues only. */
  commentIncidents: string[];
  /** Positions of the escalations those comments report. */
  commentEscalations: RecordPosition[];
  /** Heals the App already commented (a close that failed after its comment). */
  healComments: RecordPosition[];
  /** The heal marker the App appended to the body when it closed the issue. */
  healed?: RecordPosition;
  /** When GitHub closed it (ISO); what orders a replay against an issue a person closed. */
  closedAt?: string;
}

/** An issue the plan refers to: an existing number or one the plan opens (`new:1`, …). */
export type IssueRef = number | `new:${number}`;

export type EscalationAction =
  | { type: 'open'; ref: `new:${number}`; signal: EscalationSignal }
  | { type: 'comment'; issue: IssueRef; signal: EscalationSignal }
  | { type: 'close'; issue: IssueRef; signal: HealSignal; comment: boolean };

/** A signal the plan leaves alone, and why. */
export interface EscalationSkip {
  code: 'WH_ESCALATION_KNOWN' | 'WH_ESCALATION_STALE' | 'WH_HEAL_OLDER' | 'WH_ESCALATION_CAPPED';
  signal: Signal;
  issue?: IssueRef;
}

export interface EscalationPlan {
  actions: EscalationAction[];
  skipped: EscalationSkip[];
}

interface Track {
  ref: IssueRef;
  open: boolean;
  incidents: Set<string>;
  escalations: RecordPosition[];
  healComments: RecordPosition[];
  healed?: RecordPosition;
  closedAt?: string;
}

const samePosition = (a: RecordPosition, b: RecordPosition) => a.appliance === b.appliance && a.index === b.index;

/**
 * Orders signals for replay: by signed time, then appliance, then chain index (stable).
 *
 * @example
 * const ordered = sortSignals(signals);
 */
export function sortSignals(signals: readonly Signal[]): Signal[] {
  return [...signals].sort((a, b) => {
    const t = Date.parse(a.source.time) - Date.parse(b.source.time);
    if (t !== 0) return t;
    if (a.source.appliance !== b.source.appliance) return a.source.appliance < b.source.appliance ? -1 : 1;
    return a.source.index - b.source.index;
  });
}

/**
 * What to do on GitHub for verified signals, given the escalation issues GitHub already holds. Pure
 * and replayable: state comes only from the issues' markers, so the same signals against the issues
 * they produced plan nothing. Signals are taken in record order (sortSignals). Per (site, host, rule):
 *
 * - An escalation whose incident an issue already names (body or the App's comment) is known: skip.
 * - One not later than the heal that closed an issue (or, for an issue a person closed, than its
 *   closing time) is stale: skip.
 * - Otherwise a comment on the open issue (the newest, when several are open), or a new issue.
 * - A heal later than every escalation an open issue reports closes it, with a comment unless the
 *   App already posted that one; a heal not later than them leaves it open (WH_HEAL_OLDER).
 *   Heals for keys without an open issue are not reported (every passing check is one).
 *
 * At most `maxActions` actions; the rest are skipped as WH_ESCALATION_CAPPED (a redelivery of the
 * same push continues where this one stopped, because done actions are then known).
 *
 * @example
 * const plan = planEscalationIssues(sortSignals(signals), issues, { maxActions: 100 });
 */
export function planEscalationIssues(signals: readonly Signal[], issues: readonly KnownIssue[], options: { maxActions: number }): EscalationPlan {
  const tracks = new Map<string, Track[]>();
  for (const i of issues) {
    const k = keyString(i.marker.key);
    if (!tracks.has(k)) tracks.set(k, []);
    tracks.get(k)!.push({
      ref: i.number, open: i.open,
      incidents: new Set([i.marker.incident, ...i.commentIncidents]),
      escalations: [i.marker.at, ...i.commentEscalations],
      healComments: [...i.healComments],
      ...(i.healed ? { healed: i.healed } : {}),
      ...(i.closedAt ? { closedAt: i.closedAt } : {}),
    });
  }
  for (const list of tracks.values()) list.sort((a, b) => (a.ref as number) - (b.ref as number));
  const actions: EscalationAction[] = [];
  const skipped: EscalationSkip[] = [];
  let opened = 0;
  const full = () => actions.length >= options.maxActions;

  for (const signal of signals) {
    const k = keyString(signal.key);
    const list = tracks.get(k) ?? [];
    if (signal.kind === 'escalation') {
      const incident = markerValue(signal.incident);
      const known = list.find((t) => t.incidents.has(incident));
      if (known) {
        skipped.push({ code: 'WH_ESCALATION_KNOWN', signal, issue: known.ref });
        continue;
      }
      const stale = list.find((t) => !t.open && (t.healed ? comparePositions(signal.source, t.healed) <= 0 : t.closedAt !== undefined && Date.parse(signal.source.time) <= Date.parse(t.closedAt)));
      if (stale) {
        skipped.push({ code: 'WH_ESCALATION_STALE', signal, issue: stale.ref });
        continue;
      }
      if (full()) {
        skipped.push({ code: 'WH_ESCALATION_CAPPED', signal });
        continue;
      }
      const open = list.filter((t) => t.open).at(-1);
      if (open) {
        actions.push({ type: 'comment', issue: open.ref, signal });
        open.incidents.add(incident);
        open.escalations.push(signal.source);
      } else {
        const ref = `new:${++opened}` as const;
        actions.push({ type: 'open', ref, signal });
        list.push({ ref, open: true, incidents: new Set([incident]), escalations: [signal.source], healComments: [] });
        tracks.set(k, list);
      }
      continue;
    }
    for (const t of list.filter((x) => x.open)) {
      const later = t.escalations.every((e) => comparePositions(signal.source, e) > 0);
      if (!later) {
        skipped.push({ code: 'WH_HEAL_OLDER', signal, issue: t.ref });
        continue;
      }
      if (full()) {
        skipped.push({ code: 'WH_ESCALATION_CAPPED', signal, issue: t.ref });
        continue;
      }
      actions.push({ type: 'close', issue: t.ref, signal, comment: !t.healComments.some((h) => samePosition(h, signal.source)) });
      t.open = false;
      t.healed = signal.source;
    }
  }
  return { actions, skipped };
}
