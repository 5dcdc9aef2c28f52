import type { EvidenceStatement } from '../evidence/evidence-record.js';
import { HEALED_OUTCOMES, STATUS_RANK, cellStatus } from './classify-check.js';
import { timeToHeal } from './time-to-heal.js';
import {
  type CellStatus, type ChainStatus, type ClinicData, type DayData, type DayPoint, type DayRecord, type FleetClinic, type HostData, type IncidentView,
  type LatestCell, type PacketData, type RecordRef, SITE_DATA_FORMAT, type StatusCounts, type VerificationState, type WaiverView,
  emptyCounts, isSafeFileId, recordAnchor, siteDataPath,
} from './site-model.js';

/** What the site files say about a clinic (no evidence). */
export interface ClinicInfo {
  site: string;
  name: string;
  description?: string;
  timezone: string;
  mode?: string;
  hosts: ClinicData['hosts'];
  rules: ClinicData['rules'];
  /** Waivers of the site file, state as of the build. */
  waivers: Omit<WaiverView, 'waived_checks'>[];
  /** The build's date in the site's time zone (YYYY-MM-DD): waivers that expired before it are expired. */
  today: string;
}

/** One stored record line of a clinic-day, as the adapter read and verified it. */
export interface SiteRecordInput {
  appliance: string;
  /** The statement's index, or for a line that could not be believed the index its position implies. */
  index: number;
  file: string;
  line: number;
  verification: VerificationState;
  /** The statement, present when its signature (or a checkpoint over it) verified. */
  statement?: EvidenceStatement;
  /** Why the line was not believed (then no statement). */
  problem?: { code: string; message: string };
}

/** Per-control evidence of one clinic (all time). */
export interface ClinicControl {
  records: number;
  counts: StatusCounts;
  status: 'met' | 'not-met' | 'exception' | 'no-evidence';
  failing: { host: string; rule: string; status: CellStatus }[];
}

/** What a clinic contributes to the fleet, control and runbook pages. */
export interface ClinicResult {
  clinic: ClinicData;
  hosts: HostData[];
  packets: PacketData[];
  fleet: FleetClinic;
  controls: Map<string, ClinicControl>;
  /** Runbook id → version key → evidence. */
  runbooks: Map<string, Map<string, { version: string; digest?: string; checks: number; first: string; last: string }>>;
  /** Every waiver (site file and evidence). */
  waivers: WaiverView[];
  records: number;
}

interface MonthAcc {
  days: Set<string>;
  counts: StatusCounts;
  heals: number;
  escalations: number;
  records: number;
  byKind: Map<string, number>;
  byVerification: Record<VerificationState, number>;
  last: Map<string, LatestCell & { controls: string[] }>;
  controls: Map<string, StatusCounts>;
}

const key = (host: string, rule: string) => `${host}\u0000${rule}`;
const runKey = (s: EvidenceStatement) => `${s.appliance}\u0000${s.run_id}\u0000${s.host ?? ''}\u0000${s.rule ?? ''}`;
const DETAIL_FIELDS = ['plan', 'result', 'timing', 'recovery', 'data'] as const;
const FAILING_AT_END: ReadonlySet<CellStatus> = new Set(['drift', 'escalated', 'error', 'unreachable']);

/**
 * Folds one clinic's evidence into its site data, one UTC day at a time: `addDay` takes the day's
 * records (all appliances), returns the day file and keeps only small per-day and per-cell state,
 * so memory grows with days × cells, never with records. `finish` returns the clinic, host and
 * packet files and what the fleet, control and runbook pages need. Pure: no clock, no files.
 *
 * @example
 * const agg = new ClinicAggregator(info, '2026-04-01T00:00:00Z');
 * for (const day of days) write(agg.addDay(day, await readDay(day)));
 * const { clinic, hosts, packets } = agg.finish(chains);
 */
export class ClinicAggregator {
  private readonly points: DayPoint[] = [];
  private readonly latest = new Map<string, LatestCell>();
  private readonly ruleControls = new Map<string, string[]>();
  private readonly strips = new Map<string, { day: string; status: CellStatus; checks: number }[]>();
  private readonly open = new Map<string, IncidentView>();
  private readonly incidents: IncidentView[] = [];
  private readonly months = new Map<string, MonthAcc>();
  private readonly controls = new Map<string, { records: number; counts: StatusCounts }>();
  private readonly runbooks = new Map<string, Map<string, { version: string; digest?: string; checks: number; first: string; last: string }>>();
  private readonly evidenceWaivers = new Map<string, WaiverView>();
  private readonly waivedChecks = new Map<string, number>();
  private readonly hostsSeen = new Set<string>();
  private records = 0;
  private heals = 0;
  private escalations = 0;
  private lastDay = '';

  constructor(private readonly info: ClinicInfo, private readonly generatedAt: string) {}

  /**
   * Adds one UTC day's records (any order; all appliances) and returns its day file. Days must
   * come in increasing order.
   */
  addDay(day: string, input: readonly SiteRecordInput[]): DayData {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`bad day ${JSON.stringify(day)}`);
    if (day <= this.lastDay) throw new Error(`days must come in increasing order: ${day} after ${this.lastDay}`);
    this.lastDay = day;
    const site = this.info.site;
    const month = this.month(day.slice(0, 7));
    month.days.add(day);
    const sorted = [...input].sort((a, b) => (a.appliance < b.appliance ? -1 : a.appliance > b.appliance ? 1 : a.index - b.index));

    // Heals and escalations of the day, by the run, host and rule they belong to.
    const remediations = new Map<string, EvidenceStatement>();
    const escalationsByRun = new Map<string, { st: EvidenceStatement; ref: RecordRef }>();
    const refOf = (r: SiteRecordInput): RecordRef => {
      const st = r.statement;
      const runbook = st?.runbook !== undefined ? { id: st.runbook, ...(st.runbook_version !== undefined ? { version: st.runbook_version } : {}), ...(st.runbook_digest !== undefined ? { digest: st.runbook_digest } : {}) } : undefined;
      return { site, appliance: r.appliance, index: r.index, day, time: st?.time ?? null, release: st?.release ?? null, ...(runbook ? { runbook } : {}), verification: r.verification };
    };
    for (const r of sorted) {
      const st = r.statement;
      if (!st) continue;
      if (st.kind === 'remediation') remediations.set(runKey(st), st);
      if (st.kind === 'escalation') escalationsByRun.set(runKey(st), { st, ref: refOf(r) });
    }

    const counts = emptyCounts();
    let heals = 0;
    let escalations = 0;
    const verification = new Map<string, { appliance: string; verified: number; 'beyond-checkpoint': number; broken: number }>();
    const records: DayRecord[] = [];
    const checks: { st: EvidenceStatement; ref: RecordRef; status: CellStatus; healTime?: string; healRef?: RecordRef }[] = [];
    const dayCells = new Map<string, { status: CellStatus; checks: number }>();
    const remediationRefs = new Map<string, RecordRef>();

    for (const r of sorted) {
      const ref = refOf(r);
      const v = verification.get(r.appliance) ?? { appliance: r.appliance, verified: 0, 'beyond-checkpoint': 0, broken: 0 };
      v[r.verification]++;
      verification.set(r.appliance, v);
      month.byVerification[r.verification]++;
      month.records++;
      this.records++;
      const st = r.statement;
      if (!st) {
        month.byKind.set('unverifiable', (month.byKind.get('unverifiable') ?? 0) + 1);
        records.push({ ref, anchor: recordAnchor(ref), kind: 'unverifiable', run_id: '', detail: {}, problem: { code: r.problem?.code ?? 'EVD_MALFORMED', message: r.problem?.message ?? 'the line could not be verified', file: r.file, line: r.line } });
        continue;
      }
      month.byKind.set(st.kind, (month.byKind.get(st.kind) ?? 0) + 1);
      const detail: Record<string, unknown> = {};
      for (const f of DETAIL_FIELDS) if (st[f] !== undefined) detail[f] = st[f];
      const rec: DayRecord = {
        ref, anchor: recordAnchor(ref), kind: st.kind, run_id: st.run_id,
        ...(st.host !== undefined ? { host: st.host } : {}), ...(st.rule !== undefined ? { rule: st.rule } : {}),
        ...(st.controls !== undefined ? { controls: st.controls } : {}), ...(st.decision !== undefined ? { decision: st.decision } : {}),
        ...(st.reason_code !== undefined ? { reason_code: st.reason_code } : {}),
        detail,
      };
      if (st.kind === 'check' && st.host !== undefined && st.rule !== undefined) {
        const rem = remediations.get(runKey(st));
        const outcome = rem?.result?.['outcome'];
        const status = cellStatus(st, typeof outcome === 'string' && HEALED_OUTCOMES.has(outcome));
        rec.status = status;
        counts[status]++;
        counts.checks++;
        checks.push({ st, ref, status });
        const k = key(st.host, st.rule);
        const cell = dayCells.get(k);
        dayCells.set(k, { status: !cell || STATUS_RANK[status] > STATUS_RANK[cell.status] ? status : cell.status, checks: (cell?.checks ?? 0) + 1 });
        if (isSafeFileId(st.host)) this.hostsSeen.add(st.host);
        const controls = st.controls ?? [];
        this.ruleControls.set(st.rule, controls);
        for (const c of controls) {
          const acc = this.controls.get(c) ?? { records: 0, counts: emptyCounts() };
          acc.records++;
          acc.counts[status]++;
          acc.counts.checks++;
          this.controls.set(c, acc);
          const mc = month.controls.get(c) ?? emptyCounts();
          mc[status]++;
          mc.checks++;
          month.controls.set(c, mc);
        }
        if (st.runbook !== undefined) {
          const byVersion = this.runbooks.get(st.runbook) ?? new Map();
          const vk = `${st.runbook_version ?? ''}\u0000${st.runbook_digest ?? ''}`;
          const e = byVersion.get(vk) ?? { version: st.runbook_version ?? '', ...(st.runbook_digest ? { digest: st.runbook_digest } : {}), checks: 0, first: st.time, last: st.time };
          e.checks++;
          if (st.time < e.first) e.first = st.time;
          if (st.time > e.last) e.last = st.time;
          byVersion.set(vk, e);
          this.runbooks.set(st.runbook, byVersion);
        }
        if (status === 'waived') this.noteEvidenceWaiver(st);
      } else if (st.kind === 'remediation') {
        const outcome = st.result?.['outcome'];
        rec.status = typeof outcome === 'string' ? outcome : 'unknown';
        if (outcome === 'healed') heals++;
        remediationRefs.set(runKey(st), ref);
      } else if (st.kind === 'escalation') {
        rec.status = 'escalated';
        escalations++;
      }
      records.push(rec);
    }

    // Incidents and latest state, in time order.
    checks.sort((a, b) => (a.st.time < b.st.time ? -1 : a.st.time > b.st.time ? 1 : 0));
    for (const c of checks) {
      const st = c.st;
      const k = key(st.host!, st.rule!);
      const prev = this.latest.get(k);
      const cell: LatestCell = { host: st.host!, rule: st.rule!, status: c.status, decision: st.decision ?? '', time: st.time, ...(st.reason_code ? { reason_code: st.reason_code } : {}), ref: c.ref };
      if (!prev || prev.time <= st.time) this.latest.set(k, cell);
      const ml = month.last.get(k);
      if (!ml || ml.time <= st.time) month.last.set(k, { ...cell, controls: st.controls ?? [] });
      this.trackIncident(k, c, remediations.get(runKey(st)), remediationRefs.get(runKey(st)), escalationsByRun.get(runKey(st)));
    }
    for (const [k, cell] of dayCells) {
      const strip = this.strips.get(k) ?? [];
      strip.push({ day, status: cell.status, checks: cell.checks });
      this.strips.set(k, strip);
    }

    for (const s of Object.keys(counts) as (keyof StatusCounts)[]) if (s !== 'checks') month.counts[s] += counts[s];
    month.counts.checks += counts.checks;
    month.heals += heals;
    month.escalations += escalations;
    this.heals += heals;
    this.escalations += escalations;
    const point: DayPoint = { day, counts, compliance: compliance(counts), heals, escalations, records: sorted.length };
    this.points.push(point);
    return {
      format: SITE_DATA_FORMAT, generated_at: this.generatedAt, site, day, point,
      verification: [...verification.values()].sort((a, b) => (a.appliance < b.appliance ? -1 : 1)),
      records,
    };
  }

  /** Builds the clinic's files from everything added, with its chains' verdicts. */
  finish(chains: readonly ChainStatus[]): ClinicResult {
    const { info, generatedAt } = this;
    const site = info.site;
    const latest = [...this.latest.values()].sort(byHostRule);
    const closedHealed = this.incidents.filter((i) => i.state === 'healed' && i.time_to_heal_seconds !== undefined);
    const tth = timeToHeal(closedHealed.map((i) => i.time_to_heal_seconds!));
    const allIncidents = [...this.incidents, ...this.open.values()].sort((a, b) => (a.opened < b.opened ? -1 : a.opened > b.opened ? 1 : byHostRule(a, b)));
    const waivers = this.allWaivers();
    const days = this.points.map((p) => p.day);
    const months = [...this.months.keys()].sort();

    const clinic: ClinicData = {
      format: SITE_DATA_FORMAT, generated_at: generatedAt, site, name: info.name,
      ...(info.description !== undefined ? { description: info.description } : {}), timezone: info.timezone, ...(info.mode !== undefined ? { mode: info.mode } : {}),
      hosts: info.hosts, rules: info.rules, matrix: latest, history: this.points, waivers, chains: [...chains], days, months, time_to_heal: tth,
    };

    const hostIds = [...new Set([...info.hosts.map((h) => h.id), ...this.hostsSeen])].sort();
    const hostInfo = new Map(info.hosts.map((h) => [h.id, h]));
    const stripsByHost = new Map<string, HostData['history']>();
    for (const [k, d] of this.strips) {
      const [host, rule] = k.split('\u0000') as [string, string];
      stripsByHost.set(host, [...(stripsByHost.get(host) ?? []), { rule, days: d }]);
    }
    const latestByHost = groupBy(latest, (c) => c.host);
    const incidentsByHost = groupBy(allIncidents, (i) => i.host);
    const hosts: HostData[] = hostIds.map((host) => ({
      format: SITE_DATA_FORMAT, generated_at: generatedAt, site, host,
      platform: hostInfo.get(host)?.platform ?? 'unknown', tags: hostInfo.get(host)?.tags ?? [],
      latest: latestByHost.get(host) ?? [],
      history: (stripsByHost.get(host) ?? []).sort((a, b) => (a.rule < b.rule ? -1 : 1)),
      incidents: incidentsByHost.get(host) ?? [],
    }));

    const controls = new Map<string, ClinicControl>();
    const ruleStatus = (cells: readonly { rule: string; host: string; status: CellStatus }[], ctrl: string, controlsOf: (c: { rule: string }) => readonly string[]) => {
      const mine = cells.filter((c) => controlsOf(c).includes(ctrl));
      const failing = mine.filter((c) => FAILING_AT_END.has(c.status)).map((c) => ({ host: c.host, rule: c.rule, status: c.status }));
      const status: ClinicControl['status'] = failing.length > 0 ? 'not-met' : mine.some((c) => c.status === 'waived') ? 'exception' : mine.some((c) => c.status === 'compliant' || c.status === 'healed') ? 'met' : 'no-evidence';
      return { status, failing };
    };
    for (const [ctrl, acc] of this.controls) {
      controls.set(ctrl, { records: acc.records, counts: acc.counts, ...ruleStatus(latest, ctrl, (c) => this.ruleControls.get(c.rule) ?? []) });
    }

    const packets: PacketData[] = months.map((m) => {
      const acc = this.months.get(m)!;
      const start = `${m}-01`;
      const mine = allIncidents;
      const inMonth = (t: string | undefined) => t !== undefined && t.slice(0, 7) === m;
      const last = [...acc.last.values()].sort(byHostRule);
      const monthTth = timeToHeal(mine.filter((i) => i.state === 'healed' && inMonth(i.closed) && i.time_to_heal_seconds !== undefined).map((i) => i.time_to_heal_seconds!));
      return {
        format: SITE_DATA_FORMAT, generated_at: generatedAt, site, name: info.name, month: m,
        summary: {
          days: acc.days.size, hosts: new Set(last.map((c) => c.host)).size, rules: new Set(last.map((c) => c.rule)).size,
          counts: acc.counts, compliance: compliance(acc.counts), heals: acc.heals, escalations: acc.escalations, time_to_heal: monthTth,
        },
        controls: [...acc.controls].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, counts]) => ({
          id, title: '', counts, status: ruleStatus(last, id, (c) => (c as LatestCell & { controls: string[] }).controls).status,
        })),
        incidents: {
          healed: mine.filter((i) => i.state === 'healed' && inMonth(i.closed)),
          escalated: mine.filter((i) => i.escalation !== undefined && inMonth(i.escalation.ref.time ?? undefined)),
          open: mine.filter((i) => i.opened.slice(0, 7) <= m && (i.closed === undefined || i.closed.slice(0, 7) > m)),
        },
        failing: last.filter((c) => FAILING_AT_END.has(c.status)).map((c) => ({ host: c.host, rule: c.rule, status: c.status, controls: c.controls, ref: c.ref })),
        exceptions: waivers.filter((w) => w.expires >= start),
        evidence: {
          records: acc.records, by_kind: Object.fromEntries([...acc.byKind].sort(([a], [b]) => (a < b ? -1 : 1))), by_verification: acc.byVerification, chains: [...chains],
        },
        days: [...acc.days].sort(),
        oscal: siteDataPath({ kind: 'oscal', site, month: m }),
      };
    });

    const chainBroken = chains.some((c) => c.status === 'broken');
    const fleet: FleetClinic = {
      site, name: info.name, hosts: info.hosts.length, rules: info.rules.length, series: this.points,
      open_drift: latest.filter((c) => c.status === 'drift').length,
      open_escalations: latest.filter((c) => c.status === 'escalated').length,
      open_errors: latest.filter((c) => c.status === 'error' || c.status === 'unreachable').length,
      heals: this.heals, escalations: this.escalations, time_to_heal: tth,
      chain: { status: chainBroken ? 'broken' : 'ok', appliances: [...chains] },
      first_day: days[0] ?? null, last_day: days[days.length - 1] ?? null,
      compliance: this.points.length > 0 ? this.points[this.points.length - 1]!.compliance : null,
    };
    return { clinic, hosts, packets, fleet, controls, runbooks: this.runbooks, waivers, records: this.records };
  }

  private month(m: string): MonthAcc {
    let acc = this.months.get(m);
    if (!acc) {
      acc = { days: new Set(), counts: emptyCounts(), heals: 0, escalations: 0, records: 0, byKind: new Map(), byVerification: { verified: 0, 'beyond-checkpoint': 0, broken: 0 }, last: new Map(), controls: new Map() };
      this.months.set(m, acc);
    }
    return acc;
  }

  private trackIncident(k: string, c: { st: EvidenceStatement; ref: RecordRef; status: CellStatus }, rem: EvidenceStatement | undefined, remRef: RecordRef | undefined, esc: { st: EvidenceStatement; ref: RecordRef } | undefined): void {
    const st = c.st;
    let open = this.open.get(k);
    const close = (at: string, ref: RecordRef) => {
      if (!open) return;
      open.closed = at;
      open.closed_ref = ref;
      if (open.state !== 'escalated') {
        open.state = 'healed';
        open.time_to_heal_seconds = Math.max(0, Math.round((Date.parse(at) - Date.parse(open.opened)) / 1000));
      }
      this.incidents.push(open);
      this.open.delete(k);
      open = undefined;
    };
    if (c.status === 'drift' || c.status === 'escalated' || c.status === 'healed') {
      if (!open) {
        open = { site: this.info.site, host: st.host!, rule: st.rule!, opened: st.time, state: 'open', opened_ref: c.ref };
        this.open.set(k, open);
      }
      if (c.status === 'escalated' && open.escalation === undefined) {
        open.state = 'escalated';
        const r = esc?.st.result;
        open.escalation = {
          ...(typeof r?.['reason'] === 'string' ? { reason: r['reason'] } : {}), ...(typeof r?.['urgency'] === 'string' ? { urgency: r['urgency'] } : {}),
          ref: esc?.ref ?? c.ref,
        };
      }
      if (c.status === 'healed' && rem && remRef) {
        const ms = typeof rem.timing?.duration_ms === 'number' ? rem.timing.duration_ms : 0;
        close(new Date(Date.parse(rem.time) + ms).toISOString(), remRef);
      }
    } else if (c.status === 'compliant' && open) {
      close(st.time, c.ref);
    }
  }

  private noteEvidenceWaiver(st: EvidenceStatement): void {
    const w = st.plan?.['waiver'] as { owner?: unknown; expires?: unknown; ticket?: unknown } | undefined;
    // The site file's waiver when it covers this host and, if the record names one, is the same one (same expiry).
    const fromFile = this.info.waivers.find((f) => f.rule === st.rule && (f.hosts === undefined || f.hosts.includes(st.host!)) && (typeof w?.expires !== 'string' || w.expires === f.expires));
    if (fromFile) {
      const k = `${fromFile.rule}\u0000${(fromFile.hosts ?? []).join(',')}\u0000${fromFile.expires}`;
      this.waivedChecks.set(k, (this.waivedChecks.get(k) ?? 0) + 1);
      return;
    }
    if (typeof w?.owner !== 'string' || typeof w.expires !== 'string') return;
    const k = `${st.rule}\u0000${st.host}\u0000${w.owner}\u0000${w.expires}`;
    const view = this.evidenceWaivers.get(k) ?? {
      site: this.info.site, rule: st.rule!, hosts: [st.host!], owner: w.owner, expires: w.expires,
      ...(typeof w.ticket === 'string' ? { ticket: w.ticket } : {}), state: 'active' as const, source: 'evidence' as const, waived_checks: 0,
    };
    view.waived_checks++;
    this.evidenceWaivers.set(k, view);
  }

  private allWaivers(): WaiverView[] {
    const fromFile = this.info.waivers.map((w) => ({ ...w, waived_checks: this.waivedChecks.get(`${w.rule}\u0000${(w.hosts ?? []).join(',')}\u0000${w.expires}`) ?? 0 }));
    const evidence = [...this.evidenceWaivers.values()].map((w) => ({ ...w, state: w.expires < this.info.today ? 'expired' as const : 'active' as const }));
    return [...fromFile, ...evidence].sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.expires < b.expires ? -1 : 1));
  }
}

/** (compliant + healed) / (checks − not-applicable), or null when nothing applicable ran. */
export function compliance(c: StatusCounts): number | null {
  const applicable = c.checks - c['not-applicable'];
  return applicable > 0 ? Math.round(((c.compliant + c.healed) / applicable) * 10000) / 10000 : null;
}

function byHostRule(a: { host: string; rule: string }, b: { host: string; rule: string }): number {
  return a.host < b.host ? -1 : a.host > b.host ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}
