import { UsageError } from '../../core/errors/writ-error.js';

/**
 * The run's reference time: `--now`, else WRIT_NOW, else the system clock. Read once per run.
 *
 * @example
 * const now = referenceTime(args.now, process.env.WRIT_NOW);
 */
export function referenceTime(flag: string | undefined, env: string | undefined): Date {
  const text = flag ?? env;
  if (text === undefined || text === '') return new Date();
  const d = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text) || Number.isNaN(d.getTime())) {
    throw new UsageError(`--now ${JSON.stringify(text)} is not an ISO 8601 time`, {
      hint: 'Write it like 2026-11-28T09:00:00Z (from --now or WRIT_NOW).', data: { value: text },
    });
  }
  return d;
}
