import { describe, expect, it } from 'vitest';
import { NEXT_OPEN_HORIZON_MS, windowState } from '../../../../core/engine/maintenance-window.js';
import type { MaintenanceWindow } from '../../../../core/model/generated/site.js';

const CHICAGO = 'America/Chicago';
type Day = MaintenanceWindow['days'][number];

function win(days: Day[], start: string, end: string, extra: Partial<MaintenanceWindow> = {}): MaintenanceWindow {
  return { name: 'nightly', days: days as MaintenanceWindow['days'], start, end, ...extra };
}
const state = (windows: MaintenanceWindow[] | undefined, utc: string, zone = CHICAGO) => windowState(windows, zone, new Date(utc));
const ALL_DAYS: Day[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// In 2026 Chicago springs forward on Sunday 8 March (02:00 CST → 03:00 CDT, 08:00 UTC) and falls back
// on Sunday 1 November (02:00 CDT → 01:00 CST, 07:00 UTC).

describe('windowState: no windows', () => {
  it.each([[undefined], [[]]])('%j is closed with nothing to wait for', (windows) => {
    expect(state(windows as MaintenanceWindow[] | undefined, '2026-03-07T09:00:00Z')).toEqual({ open: false });
  });
});

describe('windowState: a plain window', () => {
  const sat = [win(['sat'], '02:00', '04:00')];

  it.each([
    ['Sat 01:59 CST', '2026-03-07T07:59:00Z', false],
    ['Sat 02:00 CST (start is inclusive)', '2026-03-07T08:00:00Z', true],
    ['Sat 03:59 CST', '2026-03-07T09:59:00Z', true],
    ['Sat 04:00 CST (end is exclusive)', '2026-03-07T10:00:00Z', false],
    ['Fri 03:00 CST', '2026-03-06T09:00:00Z', false],
    ['Sat 03:00 in UTC but Fri 21:00 in Chicago', '2026-03-07T03:00:00Z', false],
  ])('%s → open %s', (_, utc, open) => {
    expect(state(sat, utc).open).toBe(open);
  });

  it('names the open window', () => {
    expect(state(sat, '2026-03-07T09:00:00Z')).toEqual({ open: true, window: 'nightly' });
  });

  it('gives the next start when closed, in UTC, after the March switch at the new offset', () => {
    expect(state(sat, '2026-03-07T10:00:00Z')).toEqual({ open: false, nextOpen: '2026-03-14T07:00:00.000Z' });
    expect(state(sat, '2026-03-06T12:00:00Z').nextOpen).toBe('2026-03-07T08:00:00.000Z');
  });
});

describe('windowState: spring forward in America/Chicago', () => {
  it('a daily 01:00–03:00 window keeps its local hours on both sides of the switch', () => {
    const daily = [win(ALL_DAYS, '01:00', '03:00')];
    expect(state(daily, '2026-03-07T07:30:00Z').open).toBe(true); // Sat 01:30 CST
    expect(state(daily, '2026-03-09T06:30:00Z').open).toBe(true); // Mon 01:30 CDT
    expect(state(daily, '2026-03-09T05:30:00Z').open).toBe(false); // Mon 00:30 CDT
    expect(state(daily, '2026-03-09T08:30:00Z').open).toBe(false); // Mon 03:30 CDT (a fixed CST offset would say 02:30, open)
    expect(state(daily, '2026-03-08T12:00:00Z').nextOpen).toBe('2026-03-09T06:00:00.000Z');
  });

  it('a window starting inside the skipped hour opens when the clock jumps', () => {
    const sun = [win(['sun'], '02:00', '04:00')];
    expect(state(sun, '2026-03-08T07:59:59Z')).toEqual({ open: false, nextOpen: '2026-03-08T08:00:00.000Z' }); // 01:59:59 CST
    expect(state(sun, '2026-03-08T08:00:00Z').open).toBe(true); // 03:00 CDT
    expect(state(sun, '2026-03-08T08:59:00Z').open).toBe(true); // 03:59 CDT
    expect(state(sun, '2026-03-08T09:00:00Z').open).toBe(false); // 04:00 CDT: an hour shorter that night
  });

  it('a window wholly inside the skipped hour does not open that day', () => {
    const sun = [win(['sun'], '02:00', '02:30')];
    expect(state(sun, '2026-03-08T07:00:00Z')).toEqual({ open: false, nextOpen: '2026-03-15T07:00:00.000Z' });
    for (const utc of ['2026-03-08T07:59:59Z', '2026-03-08T08:00:00Z', '2026-03-08T08:15:00Z']) expect(state(sun, utc).open).toBe(false);
  });
});

describe('windowState: fall back in America/Chicago', () => {
  it('a window inside the repeated hour is open through both passes', () => {
    const sun = [win(['sun'], '01:00', '01:30')];
    expect(state(sun, '2026-11-01T05:00:00Z').nextOpen).toBe('2026-11-01T06:00:00.000Z'); // 00:00 CDT → 01:00 CDT
    expect(state(sun, '2026-11-01T06:15:00Z').open).toBe(true); // 01:15 CDT
    expect(state(sun, '2026-11-01T06:45:00Z')).toEqual({ open: false, nextOpen: '2026-11-01T07:00:00.000Z' }); // 01:45 CDT → 01:00 CST
    expect(state(sun, '2026-11-01T07:15:00Z').open).toBe(true); // 01:15 CST
    expect(state(sun, '2026-11-01T07:30:00Z').nextOpen).toBe('2026-11-08T07:00:00.000Z');
  });

  it('a window ending inside the repeated hour re-opens when the clock goes back', () => {
    const sun = [win(['sun'], '00:00', '01:30')];
    expect(state(sun, '2026-11-01T06:45:00Z')).toEqual({ open: false, nextOpen: '2026-11-01T07:00:00.000Z' });
    expect(state(sun, '2026-11-01T07:00:00Z').open).toBe(true);
  });

  it('02:00 on the switch day exists once, at the new offset', () => {
    const daily = [win(ALL_DAYS, '02:00', '04:00')];
    expect(state(daily, '2026-10-31T12:00:00Z').nextOpen).toBe('2026-11-01T08:00:00.000Z');
    expect(state(daily, '2026-11-01T07:30:00Z').open).toBe(false); // 01:30 CST
    expect(state(daily, '2026-11-01T08:00:00Z').open).toBe(true); // 02:00 CST
    expect(state(daily, '2026-10-31T07:00:00Z').open).toBe(true); // Sat 02:00 CDT
  });
});

describe('windowState: crossing midnight', () => {
  const satNight = [win(['sat'], '23:00', '02:00')];

  it.each([
    ['Sat 22:59', '2026-03-01T04:59:00Z', false],
    ['Sat 23:00', '2026-03-01T05:00:00Z', true],
    ['Sun 01:00 (belongs to Saturday)', '2026-03-01T07:00:00Z', true],
    ['Sun 01:59', '2026-03-01T07:59:00Z', true],
    ['Sun 02:00', '2026-03-01T08:00:00Z', false],
    ['Sun 23:30 (Sunday is not a window day)', '2026-03-02T05:30:00Z', false],
    ['Sat 01:00 (after a Friday, not in the window)', '2026-02-28T07:00:00Z', false],
  ])('sat 23:00–02:00 at %s → open %s', (_, utc, open) => {
    expect(state(satNight, utc).open).toBe(open);
  });

  it('crosses the spring switch: Sat 23:00 CST to Sun 02:00, which is never reached that night', () => {
    expect(state(satNight, '2026-03-08T05:00:00Z').open).toBe(true); // Sat 23:00 CST
    expect(state(satNight, '2026-03-08T07:59:00Z').open).toBe(true); // Sun 01:59 CST
    expect(state(satNight, '2026-03-08T08:00:00Z').open).toBe(false); // Sun 03:00 CDT
  });
});

describe('windowState: 24-hour windows (end equals start)', () => {
  it('mon 06:00–06:00 runs until Tuesday 06:00', () => {
    const w = [win(['mon'], '06:00', '06:00')];
    expect(state(w, '2026-03-02T11:59:00Z').open).toBe(false); // Mon 05:59 CST
    expect(state(w, '2026-03-02T12:00:00Z').open).toBe(true); // Mon 06:00
    expect(state(w, '2026-03-03T11:59:00Z').open).toBe(true); // Tue 05:59
    expect(state(w, '2026-03-03T12:00:00Z').open).toBe(false); // Tue 06:00
  });

  it('00:00–00:00 is the whole day', () => {
    const w = [win(['sat'], '00:00', '00:00')];
    expect(state(w, '2026-02-28T06:00:00Z').open).toBe(true); // Sat 00:00 CST
    expect(state(w, '2026-03-01T05:59:00Z').open).toBe(true); // Sat 23:59
    expect(state(w, '2026-03-01T06:00:00Z')).toEqual({ open: false, nextOpen: '2026-03-07T06:00:00.000Z' });
  });
});

describe('windowState: time zones', () => {
  it("a window's own time zone wins over the site's", () => {
    const london = [win(['sat'], '02:00', '04:00', { timezone: 'Europe/London' })];
    expect(state(london, '2026-03-07T02:30:00Z').open).toBe(true); // London Sat 02:30, Chicago Fri 20:30
    expect(state([win(['sat'], '02:00', '04:00')], '2026-03-07T02:30:00Z').open).toBe(false);
  });

  it('an unknown window zone is closed and named in problem', () => {
    const s = state([win(['sat'], '00:00', '00:00', { timezone: 'Mars/Olympus_Mons' })], '2026-03-07T12:00:00Z');
    expect(s.open).toBe(false);
    expect(s.nextOpen).toBeUndefined();
    expect(s.problem).toBe('window nightly: unknown time zone "Mars/Olympus_Mons"');
  });

  it('an unknown site zone is closed for windows without their own zone', () => {
    const s = state([win(ALL_DAYS, '00:00', '00:00')], '2026-03-07T12:00:00Z', 'Nowhere/Land');
    expect(s).toEqual({ open: false, problem: 'window nightly: unknown time zone "Nowhere/Land"' });
  });

  it('a good window still opens beside a broken one, and the problem is still said', () => {
    const s = state([win(ALL_DAYS, '00:00', '00:00', { name: 'broken', timezone: 'Bad/Zone' }), win(ALL_DAYS, '00:00', '00:00', { name: 'always' })], '2026-03-07T12:00:00Z');
    expect(s).toEqual({ open: true, window: 'always', problem: 'window broken: unknown time zone "Bad/Zone"' });
  });

  it('a malformed window is closed and reported, never a crash', () => {
    expect(state([win(['sat'], '24:00', '02:00')], '2026-03-07T12:00:00Z').problem).toBe('window nightly: start and end must be HH:MM (24 h)');
    expect(state([win(['caturday' as Day], '01:00', '02:00')], '2026-03-07T12:00:00Z').problem).toBe('window nightly: unknown day "caturday"');
    expect(state([null as unknown as MaintenanceWindow], '2026-03-07T12:00:00Z').open).toBe(false);
  });

  it('an invalid reference time is closed with a problem', () => {
    expect(windowState([win(ALL_DAYS, '00:00', '00:00')], CHICAGO, new Date(Number.NaN))).toEqual({ open: false, problem: 'the reference time is not a valid date' });
  });
});

describe('windowState: several windows', () => {
  it('names the first open window and waits for the earliest start', () => {
    const windows = [win(['sun'], '01:00', '05:00', { name: 'weekly' }), win(ALL_DAYS, '03:00', '04:00', { name: 'nightly' })];
    expect(state(windows, '2026-03-01T09:30:00Z')).toEqual({ open: true, window: 'weekly' }); // Sun 03:30 CST
    expect(state(windows, '2026-03-02T09:30:00Z')).toEqual({ open: true, window: 'nightly' }); // Mon 03:30
    expect(state(windows, '2026-03-02T12:00:00Z')).toEqual({ open: false, nextOpen: '2026-03-03T09:00:00.000Z' });
  });
});

describe('windowState: nextOpen is where the window really opens (sampled over 2026)', () => {
  // [name, windows, site zone, the only span of reference times where no opening lies within the horizon]
  const cases: [string, MaintenanceWindow[], string, [string, string]?][] = [
    // 8 March 02:00–02:30 does not exist; from the end of the 1 March window until 8 days before 15 March, nothing opens.
    ['sun 02:00–02:30 Chicago', [win(['sun'], '02:00', '02:30')], CHICAGO, ['2026-03-01T08:30:00Z', '2026-03-07T07:00:00Z']],
    ['sat 23:00–02:00 Chicago', [win(['sat'], '23:00', '02:00')], CHICAGO],
    ['sun 01:00–01:30 Chicago', [win(['sun'], '01:00', '01:30')], CHICAGO],
    ['tue 06:00–06:00 Sydney', [win(['tue'], '06:00', '06:00', { timezone: 'Australia/Sydney' })], CHICAGO],
    ['fri 00:30–01:00 Lord Howe (30-minute DST)', [win(['fri'], '00:30', '01:00')], 'Australia/Lord_Howe'],
  ];
  it.each(cases)('%s', (_, windows, zone, none) => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let t = start; t < start + 366 * 86_400_000; t += 29 * 3_600_000 + 13 * 60_000) {
      const s = windowState(windows, zone, new Date(t));
      if (s.open) continue;
      const at = new Date(t).toISOString();
      if (none && t >= Date.parse(none[0]) && t < Date.parse(none[1])) {
        expect(s.nextOpen, at).toBeUndefined();
        continue;
      }
      expect(s.nextOpen, at).toBeDefined();
      const next = Date.parse(s.nextOpen!);
      expect(next).toBeGreaterThan(t);
      expect(next - t).toBeLessThanOrEqual(NEXT_OPEN_HORIZON_MS);
      expect(windowState(windows, zone, new Date(next)).open, at).toBe(true);
      expect(windowState(windows, zone, new Date(next - 1000)).open, at).toBe(false);
    }
  });
});
