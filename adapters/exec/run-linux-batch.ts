import type { Readable, Writable } from 'node:stream';
import { isWritError } from '../../core/errors/writ-error.js';
import {
  buildLinuxBatch,
  createBatchOutputParser,
  linuxBatchDeadlineMs,
  outcomeFromFrame,
  refuseLinuxBatch,
  unfinishedOutcome,
  type BatchStream,
} from '../../core/exec/linux-batch.js';
import type { StepOutcome, StepRequest } from '../../core/exec/step.js';

/** How the runner's process ended. */
export interface RunnerEnd {
  /** The runner's exit was seen (an exit status or signal). False: the link broke first. */
  exited: boolean;
  code: number | null;
  signal: string | null;
}

/** One started runner: an SSH exec channel or a local child process. */
export interface RunnerProcess {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Settles once all output was delivered and the runner is gone (or the link is). */
  ended: Promise<RunnerEnd>;
  /** Stops the runner (the watchdog fired or the session closes). */
  abort(): void;
}

export interface RunLinuxBatchOptions {
  sudo?: boolean;
  maxOutputBytes?: number;
  /** Extra time the whole batch may take beyond its steps' timeouts before the runner is stopped. */
  watchdogMarginMs?: number;
}

/** After the runner reported DONE, how long its streams may stay open before it is stopped. */
const DONE_GRACE_MS = 5_000;

/**
 * Runs steps through one Linux runner (core/exec/linux-batch.ts) started by `start`, and returns one
 * outcome per step, in order. Steps that cannot travel refuse the whole batch before anything starts.
 * Results stream in as steps end, so when the link breaks the finished steps keep their results and
 * the others get `transport-error` (EXEC_CONNECTION_LOST when the link broke, EXEC_RUNNER_FAILED
 * when the runner itself failed, hung past the batch deadline, or broke the protocol).
 *
 * @example
 * const outcomes = await runLinuxBatch(steps, async (command) => startOverSsh(command), { sudo: false });
 */
export async function runLinuxBatch(
  steps: readonly StepRequest[],
  start: (command: string) => Promise<RunnerProcess>,
  options: RunLinuxBatchOptions = {},
): Promise<StepOutcome[]> {
  if (steps.length === 0) return [];
  const refused = refuseLinuxBatch(steps);
  if (refused) return refused;
  const batchOptions = { ...(options.sudo ? { sudo: true } : {}), ...(options.maxOutputBytes === undefined ? {} : { maxOutputBytes: options.maxOutputBytes }) };
  const batch = buildLinuxBatch(steps, batchOptions);

  let runner: RunnerProcess;
  try {
    runner = await start(batch.command);
  } catch (e) {
    const code = isWritError(e) ? e.code : 'EXEC_CONNECTION_LOST';
    const message = e instanceof Error ? e.message : 'the runner could not be started';
    return steps.map((step) => unfinishedOutcome(step, 'transport-error', code, message));
  }

  const results: (StepOutcome | undefined)[] = steps.map(() => undefined);
  const parser = createBatchOutputParser({ ...batchOptions, boundary: batch.boundary });
  let protocolError: string | undefined;
  let sawDone = false;
  let afterDone: NodeJS.Timeout | undefined;
  const onData = (stream: BatchStream) => (chunk: Buffer) => {
    for (const frame of parser.push(stream, chunk)) {
      if (frame.kind === 'step') {
        const step = steps[frame.index];
        if (!step || results[frame.index]) protocolError ??= `runner reported an unknown step ${frame.index}`;
        else results[frame.index] = outcomeFromFrame(step, frame);
      } else if (frame.kind === 'begin' && frame.count !== steps.length) {
        protocolError ??= `runner announced ${frame.count} steps, ${steps.length} were sent`;
      } else if (frame.kind === 'done') {
        sawDone = true;
        // Every result is in. A process that escaped a step's process group may still hold the
        // streams open; do not wait for it.
        afterDone = setTimeout(() => runner.abort(), DONE_GRACE_MS);
      }
    }
    if (parser.error !== undefined || protocolError !== undefined) runner.abort();
  };
  runner.stdout.on('data', onData('stdout'));
  runner.stderr.on('data', onData('stderr'));
  // The runner may stop reading early (it failed); that surfaces through `ended`, not here.
  runner.stdin.on('error', () => {});
  runner.stdin.end(batch.stdin);

  const deadlineMs = linuxBatchDeadlineMs(steps, options.watchdogMarginMs);
  let watchdogFired = false;
  const watchdog = setTimeout(() => {
    watchdogFired = true;
    runner.abort();
  }, deadlineMs);
  let end: RunnerEnd;
  try {
    end = await runner.ended;
  } finally {
    clearTimeout(watchdog);
    clearTimeout(afterDone);
  }

  const unfinished = (): { code: string; message: string } => {
    if (watchdogFired) return { code: 'EXEC_RUNNER_FAILED', message: `the runner did not finish within ${deadlineMs} ms and was stopped` };
    const broken = parser.error ?? protocolError;
    if (broken !== undefined) return { code: 'EXEC_RUNNER_FAILED', message: `the runner broke the batch protocol: ${broken}` };
    if (!end.exited) return { code: 'EXEC_CONNECTION_LOST', message: 'the connection was lost before the step finished' };
    const how = end.signal ? `was killed by ${end.signal}` : `exited with ${end.code}`;
    const said = parser.runnerStderr.trim();
    return { code: 'EXEC_RUNNER_FAILED', message: `the runner ${how} before the step finished${said ? `: ${said}` : ''}${sawDone ? ' (it reported fewer steps than were sent)' : ''}` };
  };
  let why: { code: string; message: string } | undefined;
  return steps.map((step, i) => {
    const result = results[i];
    if (result) return result;
    why ??= unfinished();
    return unfinishedOutcome(step, 'transport-error', why.code, why.message);
  });
}
