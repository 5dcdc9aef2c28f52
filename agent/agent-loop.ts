import type { CycleReport } from '../core/engine/cycle-report.js';
import { runCycle, type CycleDeps, type CycleSettings } from './run-cycle.js';

export interface LoopOptions {
  /** Run one cycle and return. */
  once: boolean;
  intervalMs: number;
  jitterMs: number;
  /** The reference time of each cycle. */
  now(): Date;
  /** Random number in [0, 1) for the jitter. */
  random(): number;
  /** Resolves when the agent is asked to stop (SIGTERM); the running cycle finishes first. */
  stopped: Promise<void>;
}

/**
 * The appliance loop: one cycle, then wait `interval ± jitter` (spreading many appliances' pulls),
 * until asked to stop. A cycle that throws (a bug, a full disk) is logged and the loop goes on.
 * Returns the last cycle's report.
 *
 * @example
 * const last = await runAgentLoop(settings, deps, { once: true, … });
 */
export async function runAgentLoop(settings: CycleSettings, deps: CycleDeps, options: LoopOptions): Promise<CycleReport | undefined> {
  let stop = false;
  void options.stopped.then(() => (stop = true));
  let last: CycleReport | undefined;
  for (;;) {
    try {
      last = await runCycle(settings, deps, options.now());
    } catch (e) {
      if (options.once) throw e;
      deps.log.error('cycle_failed', { reason_code: (e as { code?: string }).code ?? 'AGT_INTERNAL', message: (e as Error).message });
    }
    if (options.once || stop) return last;
    const wait = Math.max(1000, options.intervalMs + Math.round((options.random() * 2 - 1) * options.jitterMs));
    deps.log.debug('sleep', { seconds: Math.round(wait / 1000) });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((r) => (timer = setTimeout(r, wait))), options.stopped]);
    clearTimeout(timer);
    if (stop) return last;
  }
}
