/**
 * One line of a benchmark table: writ's time next to its floor (the anchor), as a ratio.
 * `target` says what "met" means; rows without a target are there to show where time goes.
 */
export interface BenchRow {
  measure: string;
  /** Median wall time of writ, in milliseconds. */
  writMs: number;
  /** Median wall time of the anchor (the floor for this measure), or null when there is none. */
  anchorMs: number | null;
  /** Upper bound on writMs, or null. */
  maxWritMs: number | null;
  /** Upper bound on writMs / anchorMs, or null. */
  maxRatio: number | null;
  /**
   * Unit of writMs, anchorMs and maxWritMs when the row is not a time (for example 'MB' for a peak
   * RSS row); absent means milliseconds. Shown next to the value so the `writ ms` column stays true.
   */
  unit?: string;
}

export function ratioOf(row: BenchRow): number | null {
  return row.anchorMs === null || row.anchorMs <= 0 ? null : row.writMs / row.anchorMs;
}

/** 'yes', 'no (…)' naming the missed bound(s), or '—' when the row has no target. */
export function metOf(row: BenchRow): string {
  if (row.maxWritMs === null && row.maxRatio === null) return '—';
  const missed: string[] = [];
  if (row.maxWritMs !== null && row.writMs > row.maxWritMs) missed.push('time');
  const ratio = ratioOf(row);
  if (row.maxRatio !== null && (ratio === null || ratio > row.maxRatio)) missed.push('ratio');
  return missed.length === 0 ? 'yes' : `NO (${missed.join(', ')})`;
}

export function targetOf(row: BenchRow): string {
  const parts: string[] = [];
  if (row.maxWritMs !== null) parts.push(`writ ≤ ${row.maxWritMs} ${row.unit ?? 'ms'}`);
  // 2 → '2.0'; a bound finer than one decimal (1/25 = 0.04) keeps its digits.
  if (row.maxRatio !== null) parts.push(`ratio ≤ ${Number(row.maxRatio.toFixed(1)) === row.maxRatio ? row.maxRatio.toFixed(1) : String(row.maxRatio)}`);
  return parts.length === 0 ? '—' : parts.join(', ');
}

/** A row's writ value for the table: whole milliseconds, or the value and its unit ('112 MB'). */
export function writCell(row: BenchRow): string {
  return row.unit === undefined ? row.writMs.toFixed(0) : `${row.writMs.toFixed(0)} ${row.unit}`;
}

/** A row's anchor value for the table, '—' when there is none. */
export function anchorCell(row: BenchRow): string {
  if (row.anchorMs === null) return '—';
  return row.unit === undefined ? row.anchorMs.toFixed(0) : `${row.anchorMs.toFixed(0)} ${row.unit}`;
}

/** A ratio for the table: two decimals, three below 0.1 (writ against a much slower tool). */
export function ratioCell(ratio: number | null): string {
  return ratio === null ? '—' : ratio.toFixed(ratio < 0.1 ? 3 : 2);
}

/** A plain-text table with a header rule; columns padded to their widest cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/** The benchmark table: measure | writ ms | anchor ms | ratio | target | met. */
export function formatBenchTable(rows: readonly BenchRow[], anchorHeader = 'anchor ms'): string {
  return formatTable(
    ['measure', 'writ ms', anchorHeader, 'ratio', 'target', 'met'],
    rows.map((r) => {
      return [r.measure, writCell(r), anchorCell(r), ratioCell(ratioOf(r)), targetOf(r), metOf(r)];
    }),
    [1, 2, 3],
  );
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Peak resident set size of this process so far, in MiB (resourceUsage reports KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * What every benchmark module in bench/ exports as `benchmark`, so bench/run-all.ts finds and runs
 * it: a name and a function returning its table rows (detail lines go to `log`).
 */
export interface Benchmark {
  name: string;
  /** One sentence on what the anchor (floor) of its rows is. */
  anchor: string;
  run(log: (line: string) => void): Promise<BenchRow[]>;
}
