import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CycleReport } from '../core/engine/cycle-report.js';
import { writeFileAtomic } from '../adapters/fs/write-file-atomic.js';

/**
 * Writes a cycle's report durably to `<evidenceDir>/cycles/<YYYY-MM-DD>/<run_id>.json` (UTC date of
 * the cycle's reference time), where the evidence log picks it up.
 *
 * @example
 * await recordCycleFile('/var/lib/writ/evidence', report);
 */
export async function recordCycleFile(evidenceDir: string, report: CycleReport): Promise<string> {
  const dir = join(evidenceDir, 'cycles', report.started.slice(0, 10));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${report.run_id}.json`);
  writeFileAtomic(path, JSON.stringify(report, null, 2) + '\n', 0o600);
  return path;
}
