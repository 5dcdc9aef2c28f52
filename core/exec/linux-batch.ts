import { ExecError } from '../errors/exec-error.js';
import type { ParamValue } from '../policy/resolve-host-rules.js';
import { findCarryProblem } from './check-param-values.js';
import { LINUX_RUNNER_SCRIPT } from './linux-runner.js';
import type { StepOutcome, StepRequest } from './step.js';

/**
 * The batch protocol both Linux transports (ssh, local) speak with the runner of linux-runner.ts.
 *
 * Command (fixed; the only thing spliced in is the base64 of the runner, a safe alphabet):
 *   unset BASH_ENV ENV; exec [sudo -n --] bash --norc --noprofile -c "$(printf %s <runner-base64> | base64 -d)" writ-runner
 *
 * stdin (everything that varies travels here, as bytes with lengths):
 *   WRITBATCH 1 <count> <maxOutputBytes>\n
 *   per step: STEP <scriptBytes> <paramBytes> <timeoutMs>\n <script bytes> <param bytes>
 *   END\n
 * where the script is `library + "\n" + script` and the parameters are one NUL-terminated value per
 * declared parameter (booleans true/false, lists newline-joined), as docs/runbook-authoring.md says.
 *
 * stdout (one frame per step, streamed as each step ends):
 *   WRITBEGIN <count>\n
 *   WRITSTEP <index> <exitCode> <timedOut 0|1> <durationMs> <outLen> <outCut 0|1> <errLen> <errCut 0|1>\n <out bytes><err bytes>
 *   WRITDONE\n
 */

/** Per step, the stdout and the stderr kept (each); the rest is dropped and flagged truncated. */
export const LINUX_MAX_OUTPUT_BYTES = 1024 * 1024;
/** The longest step timeout the runner accepts (one day). */
const MAX_STEP_TIMEOUT_MS = 86_400_000;
/** `timeout -k 5`: a step that ignores TERM gets KILL this long after its timeout. */
export const LINUX_KILL_GRACE_MS = 5_000;
/** Frame header lines are short; a longer line means the stream is not ours. */
const MAX_LINE_BYTES = 256;
/** Lines a login shell may print before the runner starts (motd-like noise from rc files). */
const MAX_PREAMBLE_BYTES = 64 * 1024;

export interface LinuxBatchOptions {
  /** Run the runner through `sudo -n --` (Credential.sudo). */
  sudo?: boolean;
  /** Per step and per stream; default LINUX_MAX_OUTPUT_BYTES. */
  maxOutputBytes?: number;
}

export interface LinuxBatch {
  /** The exec command: fixed text, safe for any POSIX login shell. */
  command: string;
  /** The batch: scripts, libraries and parameters as length-prefixed bytes. */
  stdin: Buffer;
}

/**
 * Builds the command and stdin that run `steps` in order through one runner process. Throws
 * ExecError EXEC_PLATFORM_MISMATCH for a Windows step and EXEC_PARAM_INVALID for a value that cannot
 * travel (check with refuseLinuxBatch first to get per-step outcomes instead).
 *
 * @example
 * const { command, stdin } = buildLinuxBatch([{ key: 'c', runbookId: 'LIN-SSH-001', step: 'check', platform: 'linux', script, library, params, timeoutMs: 30_000 }]);
 * // command → 'unset BASH_ENV ENV; exec bash --norc --noprofile -c "$(printf %s IyB3cml0… | base64 -d)" writ-runner'
 */
export function buildLinuxBatch(steps: readonly StepRequest[], options: LinuxBatchOptions = {}): LinuxBatch {
  const cap = outputCap(options);
  const parts: Buffer[] = [Buffer.from(`WRITBATCH 1 ${steps.length} ${cap}\n`, 'latin1')];
  for (const step of steps) {
    const problem = stepProblem(step);
    if (problem) throw new ExecError(problem.reasonCode, `${step.runbookId} ${step.step}: ${problem.message}`, { hint: problem.hint, data: { key: step.key } });
    const script = Buffer.from(step.library === undefined ? step.script : `${step.library}\n${step.script}`, 'utf8');
    const params = encodeLinuxParams(step.params);
    parts.push(Buffer.from(`STEP ${script.length} ${params.length} ${stepTimeoutMs(step.timeoutMs)}\n`, 'latin1'), script, params);
  }
  parts.push(Buffer.from('END\n', 'latin1'));
  const runner = Buffer.from(LINUX_RUNNER_SCRIPT, 'utf8').toString('base64');
  // --norc --noprofile: bash sources ~/.bashrc when its stdin is a socket (sshd, and Node's stdio
  // pipes are socketpairs), and $BASH_ENV in any non-interactive shell; neither may touch the runner.
  const bash = `${options.sudo ? 'sudo -n -- ' : ''}bash --norc --noprofile`;
  return { command: `unset BASH_ENV ENV; exec ${bash} -c "$(printf %s ${runner} | base64 -d)" writ-runner`, stdin: Buffer.concat(parts) };
}

/**
 * When any step of a batch cannot be sent (a Windows script, a parameter that cannot travel), the
 * `refused` outcomes for the whole batch, else undefined. The whole batch is refused because its
 * steps are an ordered unit (check, remediate, verify): running the rest around a hole would be
 * worse than running nothing. The offending steps say why; the others name the offender.
 *
 * @example
 * refuseLinuxBatch([stepWithNulParam]);
 * // → [{ key: 'c', state: 'refused', reasonCode: 'EXEC_PARAM_INVALID', message: 'LIN-X-001 check: path: cannot travel as data: NUL character in the value', … }]
 */
export function refuseLinuxBatch(steps: readonly StepRequest[]): StepOutcome[] | undefined {
  const problems = steps.map(stepProblem);
  const first = problems.findIndex((p) => p !== undefined);
  if (first === -1) return undefined;
  const offender = steps[first]!;
  return steps.map((step, i) => {
    const problem = problems[i];
    if (problem) return unfinishedOutcome(step, 'refused', problem.reasonCode, `${step.runbookId} ${step.step}: ${problem.message}`);
    return unfinishedOutcome(step, 'refused', problems[first]!.reasonCode, `not run: step ${offender.key} of the same batch was refused`);
  });
}

/** An outcome for a step that did not run to its end (refused, connection lost, runner failed). */
export function unfinishedOutcome(step: StepRequest, state: Exclude<StepOutcome['state'], 'ran'>, reasonCode: string, message: string): StepOutcome {
  return { key: step.key, state, exitCode: null, stdout: '', stderr: '', truncated: false, durationMs: 0, reasonCode, message };
}

/** The outcome of a step the runner reported. */
export function outcomeFromFrame(step: StepRequest, frame: BatchStepFrame): StepOutcome {
  const outcome: StepOutcome = {
    key: step.key,
    state: frame.timedOut ? 'timeout' : 'ran',
    exitCode: frame.exitCode,
    stdout: frame.stdout.toString('utf8'),
    stderr: frame.stderr.toString('utf8'),
    truncated: frame.stdoutTruncated || frame.stderrTruncated,
    durationMs: frame.durationMs,
  };
  if (frame.timedOut) {
    outcome.reasonCode = 'EXEC_TIMEOUT';
    outcome.message = `${step.runbookId} ${step.step} was stopped after ${stepTimeoutMs(step.timeoutMs) / 1000} s`;
  }
  return outcome;
}

/** How long a whole batch may take before the caller's watchdog gives up on the runner. */
export function linuxBatchDeadlineMs(steps: readonly StepRequest[], marginMs = 15_000): number {
  return steps.reduce((sum, s) => sum + stepTimeoutMs(s.timeoutMs) + LINUX_KILL_GRACE_MS + 1_000, marginMs);
}

function outputCap(options: LinuxBatchOptions): number {
  const cap = options.maxOutputBytes ?? LINUX_MAX_OUTPUT_BYTES;
  if (!Number.isSafeInteger(cap) || cap < 0) throw new RangeError('maxOutputBytes must be a non-negative integer');
  return cap;
}

// Whole milliseconds, at least 1: `timeout 0` would mean "no timeout".
function stepTimeoutMs(timeoutMs: number): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return 1;
  return Math.min(Math.ceil(timeoutMs), MAX_STEP_TIMEOUT_MS);
}

function stepProblem(step: StepRequest): { reasonCode: string; message: string; hint: string } | undefined {
  if (step.platform !== 'linux') {
    return { reasonCode: 'EXEC_PLATFORM_MISMATCH', message: `a ${step.platform} script cannot run on a Linux transport`, hint: 'Check the host\'s platform in the site file and the runbook\'s platform.' };
  }
  for (const { name, value } of step.params) {
    const problem = findCarryProblem(name, value, 'linux');
    if (problem) {
      return { reasonCode: 'EXEC_PARAM_INVALID', message: `${problem.field}: ${problem.message}`, hint: 'Fix the value in the rule or site file; nothing of this batch ran.' };
    }
  }
  if (step.script.includes('\0') || step.library?.includes('\0')) {
    return { reasonCode: 'EXEC_PARAM_INVALID', message: 'the script text holds a NUL character', hint: 'Fix the runbook script; bash cannot run text with NUL characters.' };
  }
  return undefined;
}

function encodeLinuxParams(params: ReadonlyArray<{ name: string; value: ParamValue }>): Buffer {
  const text = params.map(({ value }) => `${Array.isArray(value) ? value.map(String).join('\n') : String(value)}\0`).join('');
  return Buffer.from(text, 'utf8');
}

/** One step's result as the runner framed it. */
export interface BatchStepFrame {
  kind: 'step';
  /** Position of the step in the batch (0-based). */
  index: number;
  exitCode: number;
  timedOut: boolean;
  durationMs: number;
  stdout: Buffer;
  stderr: Buffer;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
}

export type BatchFrame = { kind: 'begin'; count: number } | BatchStepFrame | { kind: 'done' };

export interface BatchOutputParser {
  /** Feeds bytes of the runner's stdout; returns the frames they completed, in order. */
  push(chunk: Buffer): BatchFrame[];
  /** Set once the stream broke the protocol; later input is ignored. */
  readonly error: string | undefined;
}

const STEP_LINE = /^WRITSTEP (\d{1,6}) (\d{1,3}) ([01]) (\d{1,12}) (\d{1,12}) ([01]) (\d{1,12}) ([01])$/;

/**
 * A streaming parser of the runner's stdout. Frames may arrive split across any number of chunks.
 * Lines before `WRITBEGIN` (noise from the login shell's rc files) are skipped up to 64 KiB; after
 * it, anything but well-formed frames (or a length over maxOutputBytes) sets `error`.
 *
 * @example
 * const parser = createBatchOutputParser();
 * channel.on('data', (chunk: Buffer) => { for (const frame of parser.push(chunk)) handle(frame); });
 */
export function createBatchOutputParser(options: { maxOutputBytes?: number } = {}): BatchOutputParser {
  const cap = outputCap(options);
  let buffered: Buffer = Buffer.alloc(0);
  // Chunks not yet joined: a large output is joined once, when all of it is there.
  let queued: Buffer[] = [];
  let queuedBytes = 0;
  let begun = false;
  let finished = false;
  let preamble = 0;
  let error: string | undefined;
  let pendingStep: { header: RegExpExecArray; outLen: number; errLen: number } | undefined;

  const fail = (message: string): void => {
    error = message;
    buffered = Buffer.alloc(0);
  };

  const parse = (frames: BatchFrame[]): void => {
    while (error === undefined) {
      if (pendingStep) {
        const need = pendingStep.outLen + pendingStep.errLen;
        if (buffered.length < need) return;
        const h = pendingStep.header;
        frames.push({
          kind: 'step',
          index: Number(h[1]),
          exitCode: Number(h[2]),
          timedOut: h[3] === '1',
          durationMs: Number(h[4]),
          stdout: Buffer.from(buffered.subarray(0, pendingStep.outLen)),
          stderr: Buffer.from(buffered.subarray(pendingStep.outLen, need)),
          stdoutTruncated: h[6] === '1',
          stderrTruncated: h[8] === '1',
        });
        buffered = buffered.subarray(need);
        pendingStep = undefined;
        continue;
      }
      const newline = buffered.indexOf(0x0a);
      if (newline === -1) {
        if (buffered.length > (begun ? MAX_LINE_BYTES : MAX_PREAMBLE_BYTES)) fail('runner output is not a writ batch frame (line too long)');
        return;
      }
      const line = buffered.subarray(0, newline).toString('latin1');
      buffered = buffered.subarray(newline + 1);
      if (finished) return fail('runner printed more after WRITDONE');
      if (!begun) {
        const m = /^WRITBEGIN (\d{1,6})$/.exec(line);
        if (m) {
          begun = true;
          frames.push({ kind: 'begin', count: Number(m[1]) });
        } else if ((preamble += newline + 1) > MAX_PREAMBLE_BYTES) {
          return fail('runner never started (no WRITBEGIN in the first 64 KiB)');
        }
        continue;
      }
      if (line === 'WRITDONE') {
        finished = true;
        frames.push({ kind: 'done' });
        continue;
      }
      const header = STEP_LINE.exec(line);
      if (!header) return fail(`unexpected runner output line: ${JSON.stringify(line.slice(0, 80))}`);
      const outLen = Number(header[5]);
      const errLen = Number(header[7]);
      if (outLen > cap || errLen > cap) return fail('runner reported more output than the cap');
      pendingStep = { header, outLen, errLen };
    }
  };

  return {
    push(chunk: Buffer): BatchFrame[] {
      const frames: BatchFrame[] = [];
      if (error !== undefined || chunk.length === 0) return frames;
      queued.push(chunk);
      queuedBytes += chunk.length;
      if (pendingStep && buffered.length + queuedBytes < pendingStep.outLen + pendingStep.errLen) return frames;
      buffered = buffered.length === 0 && queued.length === 1 ? chunk : Buffer.concat([buffered, ...queued]);
      queued = [];
      queuedBytes = 0;
      parse(frames);
      return frames;
    },
    get error() {
      return error;
    },
  };
}
