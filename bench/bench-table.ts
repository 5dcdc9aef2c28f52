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
  if (row.maxWritMs !== null) parts.push(`writ ≤ ${row.maxWritMs} ms`);
  if (row.maxRatio !== null) parts.push(`ratio ≤ ${row.maxRatio.toFixed(1)}`);
  return parts.length === 0 ? '—' : parts.join(', ');
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
      const ratio = ratioOf(r);
      return [r.measure, r.writMs.toFixed(0), r.anchorMs === null ? '—' : r.anchorMs.toFixed(0), ratio === null ? '—' : ratio.toFixed(2), targetOf(r), metOf(r)];
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
