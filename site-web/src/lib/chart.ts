// Geometry for the SVG charts, computed at build time (no client chart library).
import type { DayPoint } from './model.ts';

export interface LineChart {
  width: number;
  height: number;
  /** One `points` string per run of days with a value (a gap breaks the line). */
  segments: string[];
  /** Bars for heals (up) and escalations, per day. */
  heals: { x: number; y: number; h: number; w: number }[];
  escalations: { x: number; y: number; h: number; w: number }[];
  plot: { left: number; right: number; top: number; bottom: number };
  summary: string;
}

const PAD = { left: 44, right: 8, top: 8, bottom: 22 };

/** Compliance line (0..100 %) over days, plus small heal/escalation bars along the bottom band. */
export function complianceChart(series: DayPoint[], width = 640, height = 180): LineChart {
  const plot = { left: PAD.left, right: width - PAD.right, top: PAD.top, bottom: height - PAD.bottom };
  const band = 28; // bar band height under the line area
  const lineBottom = plot.bottom - band - 4;
  const n = series.length;
  const step = n > 1 ? (plot.right - plot.left) / (n - 1) : 0;
  const xAt = (i: number) => (n > 1 ? plot.left + i * step : (plot.left + plot.right) / 2);
  const segments: string[] = [];
  let current: string[] = [];
  series.forEach((p, i) => {
    if (p.compliance === null) {
      if (current.length) segments.push(current.join(' '));
      current = [];
      return;
    }
    const y = lineBottom - p.compliance * (lineBottom - plot.top);
    current.push(`${xAt(i).toFixed(1)},${y.toFixed(1)}`);
  });
  if (current.length) segments.push(current.join(' '));
  const maxBar = Math.max(1, ...series.map((p) => Math.max(p.heals, p.escalations)));
  const w = Math.max(1, Math.min(8, step / 2.5 || 8));
  const heals = series.map((p, i) => ({ x: xAt(i) - w, y: plot.bottom - (p.heals / maxBar) * band, h: (p.heals / maxBar) * band, w }));
  const escalations = series.map((p, i) => ({ x: xAt(i), y: plot.bottom - (p.escalations / maxBar) * band, h: (p.escalations / maxBar) * band, w }));
  const values = series.map((p) => p.compliance).filter((v): v is number => v !== null);
  const f = (v: number) => `${(v * 100).toFixed(1)} %`;
  const summary = values.length === 0
    ? 'No applicable checks in this period.'
    : `Compliance from ${series[0]!.day} to ${series[n - 1]!.day}: first ${f(values[0]!)}, last ${f(values[values.length - 1]!)}, lowest ${f(Math.min(...values))}. ` +
      `${series.reduce((a, p) => a + p.heals, 0)} heals and ${series.reduce((a, p) => a + p.escalations, 0)} escalations.`;
  return { width, height, segments, heals: heals.filter((b) => b.h > 0), escalations: escalations.filter((b) => b.h > 0), plot: { ...plot, bottom: lineBottom }, summary };
}
