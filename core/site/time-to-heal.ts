import type { TimeToHeal } from './site-model.js';

/**
 * Median and 90th percentile (nearest rank) of the seconds incidents took to be resolved.
 *
 * @example
 * timeToHeal([10, 20, 30, 40]); // { resolved: 4, median_seconds: 25, p90_seconds: 40 }
 */
export function timeToHeal(seconds: readonly number[]): TimeToHeal {
  if (seconds.length === 0) return { resolved: 0, median_seconds: null, p90_seconds: null };
  const s = [...seconds].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  const p90 = s[Math.max(0, Math.ceil(0.9 * n) - 1)]!;
  return { resolved: n, median_seconds: median, p90_seconds: p90 };
}
