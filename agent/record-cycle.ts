import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CycleReport } from '../core/engine/cycle-report.js';
import { writeFileAtomic } from '../adapters/fs/write-file-atomic.js';

/**
 * Writes a cycle's plain report durably to `<dir>/<YYYY-MM-DD>/<run_id>.json` (UTC date of the
 * cycle's reference time). The agent keeps these in its state dir for people debugging a cycle;
 * the evidence is the signed chain (evidence-recorder.ts).
 *
 * @example
 * await recordCycleFile('/var/lib/writ/state/cycles', report);
 */
export async function recordCycleFile(baseDir: string, report: CycleReport): Promise<string> {
  const dir = join(baseDir, report.started.slice(0, 10));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${report.run_id}.json`);
  writeFileAtomic(path, JSON.stringify(report, null, 2) + '\n', 0o600);
  return path;
}
