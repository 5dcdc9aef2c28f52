import type { MaintenanceWindow } from '../model/generated/site.js';

/** Whether disruptive runbooks may run now, and when they next may. */
export interface WindowState {
  open: boolean;
  /** Name of the open window (the first listed one when several are open). */
  window?: string;
  /** When closed: the next instant a window opens, ISO UTC, if that is within NEXT_OPEN_HORIZON_MS. */
  nextOpen?: string;
  /** Windows that could not be judged (unknown time zone, malformed time or day); they count as closed. */
  problem?: string;
}

/** How far ahead nextOpen looks: a weekly window always opens within this. */
export const NEXT_OPEN_HORIZON_MS = 8 * 24 * 3_600_000;

const DAY_MS = 86_400_000;
/** Offsets are sampled this often when looking for DST changes; zones change offset at most twice a year. */
const PROBE_MS = 3 * 3_600_000;
/** Index is the weekday counted from Sunday, as Date#getUTCDay. */
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A window in minutes of the local day, with its zone's clock. */
interface ParsedWindow {
  name: string;
  days: ReadonlySet<number>;
  startMin: number;
  endMin: number;
  zone: ZoneClock;
}

/**
 * Whether a site's maintenance windows are open at `now` (site.schema.json `maintenance_windows`).
 * Days, start and end are wall-clock times in the window's `timezone`, else the site's. An end
 * earlier than the start crosses midnight and belongs to the day it starts (`sat 23:00–02:00` is
 * open on Sunday at 01:00); an end equal to the start is a 24-hour window. Wall-clock reading makes
 * DST come out as people expect: a window inside the skipped spring hour never opens that day, and
 * one inside the repeated autumn hour is open through both passes. No windows: closed, so
 * disruptive runbooks only plan. A window in an unknown time zone counts as closed and is named in
 * `problem`.
 *
 * @example
 * windowState([{ name: 'nightly', days: ['sat'], start: '23:00', end: '02:00' }], 'America/Chicago', new Date('2026-03-08T07:30:00Z'));
 * // { open: true, window: 'nightly' } (Sunday 01:30 CST)
 */
export function windowState(windows: readonly MaintenanceWindow[] | undefined, siteTimeZone: string, now: Date): WindowState {
  const t = now instanceof Date ? now.getTime() : Number.NaN;
  if (!Number.isFinite(t)) return { open: false, problem: 'the reference time is not a valid date' };
  const problems: string[] = [];
  const parsed: ParsedWindow[] = [];
  for (const [i, w] of (Array.isArray(windows) ? windows : []).entries()) {
    const result = parseWindow(w, i, siteTimeZone);
    if (typeof result === 'string') problems.push(result);
    else parsed.push(result);
  }
  const problem = problems.length > 0 ? { problem: problems.join('; ') } : {};

  const open = parsed.find((w) => openAt(w, t));
  if (open) return { open: true, window: open.name, ...problem };

  let next: number | undefined;
  for (const w of parsed) {
    const n = nextOpenOf(w, t);
    if (n !== undefined && (next === undefined || n < next)) next = n;
  }
  return next === undefined ? { open: false, ...problem } : { open: false, nextOpen: new Date(next).toISOString(), ...problem };
}

function parseWindow(w: MaintenanceWindow, index: number, siteTimeZone: string): ParsedWindow | string {
  const name = typeof w?.name === 'string' ? w.name : `#${index + 1}`;
  const zoneName = typeof w?.timezone === 'string' ? w.timezone : siteTimeZone;
  const zone = zoneClock(zoneName);
  if (!zone) return `window ${name}: unknown time zone "${String(zoneName)}"`;
  const start = HHMM.exec(String(w?.start));
  const end = HHMM.exec(String(w?.end));
  if (!start || !end) return `window ${name}: start and end must be HH:MM (24 h)`;
  const days = new Set<number>();
  for (const d of Array.isArray(w.days) ? w.days : []) {
    const i = DAY_NAMES.indexOf(d);
    if (i < 0) return `window ${name}: unknown day "${String(d)}"`;
    days.add(i);
  }
  return { name, days, startMin: Number(start[1]) * 60 + Number(start[2]), endMin: Number(end[1]) * 60 + Number(end[2]), zone };
}

/** Open when the wall clock is inside the window; a crossing window is also open on the morning after one of its days. */
function openAt(w: ParsedWindow, t: number): boolean {
  const local = t + w.zone.offsetMs(t);
  const day = Math.floor(local / DAY_MS);
  const minute = Math.floor((local - day * DAY_MS) / 60_000);
  const today = weekday(day);
  const yesterday = (today + 6) % 7;
  if (w.endMin > w.startMin) return w.days.has(today) && minute >= w.startMin && minute < w.endMin;
  // end <= start: crosses midnight (end == start is a full 24 hours).
  return (w.days.has(today) && minute >= w.startMin) || (w.days.has(yesterday) && minute < w.endMin);
}

/**
 * The first instant after `t` (within the horizon) when the window is open. Between offset changes
 * the wall clock runs steadily, so a window can only open at a local start time or at an offset
 * change (the spring jump lands inside a window; the autumn repeat re-enters one): try those.
 */
function nextOpenOf(w: ParsedWindow, t: number): number | undefined {
  const limit = t + NEXT_OPEN_HORIZON_MS;
  const { offsets, changes } = w.zone.scan(t, limit);
  const candidates: number[] = changes.filter((c) => c > t && c <= limit);
  const firstDay = Math.floor((t + w.zone.offsetMs(t)) / DAY_MS);
  for (let day = firstDay - 1; day <= firstDay + 9; day++) {
    if (!w.days.has(weekday(day))) continue;
    const wall = day * DAY_MS + w.startMin * 60_000;
    // A wall time maps to one instant, two (autumn repeat) or none (spring gap; the change covers it).
    for (const offset of offsets) {
      const at = wall - offset;
      if (at > t && at <= limit && w.zone.offsetMs(at) === offset) candidates.push(at);
    }
  }
  candidates.sort((a, b) => a - b);
  return candidates.find((c) => openAt(w, c));
}

/** 1970-01-01 was a Thursday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** A time zone's wall clock, read through Intl (tzdata), never a fixed offset. */
interface ZoneClock {
  /** Local wall clock minus UTC at `t`, in ms. */
  offsetMs(t: number): number;
  /** The distinct offsets in [from, to] and the instants the offset changes there. */
  scan(from: number, to: number): { offsets: number[]; changes: number[] };
}

/** Clocks by zone name (null: unknown zone); building a formatter costs far more than using it. */
const clocks = new Map<string, ZoneClock | null>();

function zoneClock(timeZone: string): ZoneClock | null {
  let clock = clocks.get(timeZone);
  if (clock !== undefined) return clock;
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    clock = makeClock(format);
  } catch {
    clock = null;
  }
  clocks.set(timeZone, clock);
  return clock;
}

function makeClock(format: Intl.DateTimeFormat): ZoneClock {
  const offsetMs = (t: number): number => {
    const whole = Math.floor(t / 1000) * 1000;
    const parts: Record<string, number> = {};
    for (const p of format.formatToParts(whole)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0, parts['second'] ?? 0);
    return wall - whole;
  };
  const scan = (from: number, to: number) => {
    const offsets: number[] = [];
    const changes: number[] = [];
    let lo = Math.floor(from / 1000) * 1000;
    let loOffset = offsetMs(lo);
    offsets.push(loOffset);
    while (lo < to) {
      const hi = lo + PROBE_MS;
      const hiOffset = offsetMs(hi);
      if (hiOffset !== loOffset) {
        if (!offsets.includes(hiOffset)) offsets.push(hiOffset);
        // Find the first second with the new offset.
        let a = lo;
        let b = hi;
        while (b - a > 1000) {
          const mid = a + Math.floor((b - a) / 2000) * 1000;
          if (offsetMs(mid) === loOffset) a = mid;
          else b = mid;
        }
        changes.push(b);
      }
      lo = hi;
      loOffset = hiOffset;
    }
    return { offsets, changes };
  };
  return { offsetMs, scan };
}
