import { randomBytes } from 'node:crypto';
import { ExecError } from '../errors/exec-error.js';
import type { ParamValue } from '../policy/resolve-host-rules.js';
import { findCarryProblem } from './check-param-values.js';
import { LINUX_RUNNER_SCRIPT } from './linux-runner.js';
import type { StepOutcome, StepRequest } from './step.js';

/**
 * The batch protocol (2) both Linux transports (ssh, local) speak with the runner of linux-runner.ts.
 *
 * Command (fixed; the only thing spliced in is the base64 of the runner, a safe alphabet):
 *   unset BASH_ENV ENV; exec env -i PATH=… HOME="${HOME:-/}" LANG=C.UTF-8 WRIT_RUNNER_CLEAN=1 bash --norc --noprofile -c "$(printf %s <runner-base64> | base64 -d)" writ-runner
 *   unset BASH_ENV ENV; exec sudo -n -- bash --norc --noprofile -c "$(printf %s <runner-base64> | base64 -d)" writ-runner
 *
 * stdin (everything that varies travels here, as NUL-terminated fields; no field holds a NUL):
 *   WRITBATCH 2 <count> <B>
 *   per step: <index> <timeoutMs> <valueCount> <script> <value>…
 *   END
 * where B is the batch's random boundary token (128 bits, hex), the script is `library + "\n" +
 * script` and the values are one per declared parameter (booleans true/false, lists newline-joined),
 * which the runner hands to the script NUL-terminated on its stdin, as docs/runbook-authoring.md says.
 *
 * stdout and stderr (each; steps write straight into them, between markers):
 *   <B> BATCH <count>\n
 *   per step: <B> BEGIN <index>\n <the step's bytes> \n<B> END <index> <exitCode> <timedOut 0|1> <durationMs>\n
 *   <B> DONE\n
 * The `\n` before END is the runner's (so the marker starts a line) and is not part of the output.
 * Bytes before BATCH (login-shell noise; on stderr also the runner's own failure message) are
 * skipped. Node keeps at most maxOutputBytes of each stream per step and drops the rest (truncated).
 */

/** Per step, the stdout and the stderr kept (each); the rest is dropped and flagged truncated. */
export const LINUX_MAX_OUTPUT_BYTES = 1024 * 1024;
/** The longest step timeout the runner accepts (one day). */
const MAX_STEP_TIMEOUT_MS = 86_400_000;
/** The runner's watchdog sends KILL this long after TERM to a step that outlived its timeout. */
export const LINUX_KILL_GRACE_MS = 5_000;
/** Marker lines are short; a longer one means the stream is not ours. */
const MAX_LINE_BYTES = 256;
/** Bytes a login shell may print before the runner starts (motd-like noise from rc files). */
const MAX_PREAMBLE_BYTES = 64 * 1024;
/** Bytes of the runner's own stderr (outside any step) kept for a failure message. */
const RUNNER_STDERR_BYTES = 2048;
const BOUNDARY = /^[A-Za-z0-9]{32,128}$/;
/** The runner's PATH (linux-runner.ts sets the same). */
const RUNNER_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

export interface LinuxBatchOptions {
  /** Run the runner through `sudo -n --` (Credential.sudo). */
  sudo?: boolean;
  /** Per step and per stream; default LINUX_MAX_OUTPUT_BYTES. */
  maxOutputBytes?: number;
  /** The boundary token (tests); default 128 random bits in hex, new for every batch. */
  boundary?: string;
}

export interface LinuxBatch {
  /** The exec command: fixed text, safe for any POSIX login shell. */
  command: string;
  /** The batch: scripts, libraries and parameters as NUL-terminated fields. */
  stdin: Buffer;
  /** The batch's boundary token; createBatchOutputParser needs it. */
  boundary: string;
}

/**
 * Builds the command and stdin that run `steps` in order through one runner process. Throws
 * ExecError EXEC_PLATFORM_MISMATCH for a Windows step and EXEC_PARAM_INVALID for a value that cannot
 * travel (check with refuseLinuxBatch first to get per-step outcomes instead).
 *
 * @example
 * const { command, stdin } = buildLinuxBatch([{ key: 'c', runbookId: 'LIN-SSH-001', step: 'check', platform: 'linux', script, library, params, timeoutMs: 30_000 }]);
 * // command → 'unset BASH_ENV ENV; exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="${HOME:-/}" LANG=C.UTF-8 WRIT_RUNNER_CLEAN=1 bash --norc --noprofile -c "$(printf %s IyB3cml0… | base64 -d)" writ-runner'
 */
export function buildLinuxBatch(steps: readonly StepRequest[], options: LinuxBatchOptions = {}): LinuxBatch {
  outputCap(options);
  const boundary = options.boundary ?? randomBytes(16).toString('hex');
  if (!BOUNDARY.test(boundary)) throw new RangeError('boundary must be 32 to 128 ASCII letters and digits');
  const fields: string[] = ['WRITBATCH', '2', String(steps.length), boundary];
  steps.forEach((step, i) => {
    const problem = stepProblem(step);
    if (problem) throw new ExecError(problem.reasonCode, `${step.runbookId} ${step.step}: ${problem.message}`, { hint: problem.hint, data: { key: step.key } });
    const script = step.library === undefined ? step.script : `${step.library}\n${step.script}`;
    fields.push(String(i), String(stepTimeoutMs(step.timeoutMs)), String(step.params.length), script, ...step.params.map(({ value }) => linuxParamText(value)));
  });
  fields.push('END');
  // A NUL would split a field: stepProblem refuses it in scripts, libraries and values already.
  if (fields.some((f) => f.includes('\0'))) throw new ExecError('EXEC_PARAM_INVALID', 'a script or value holds a NUL character', { hint: 'Nothing of this batch ran.' });
  const runner = Buffer.from(LINUX_RUNNER_SCRIPT, 'utf8').toString('base64');
  // --norc --noprofile: bash sources ~/.bashrc when its stdin is a socket (sshd, and Node's stdio
  // pipes are socketpairs), and $BASH_ENV in any non-interactive shell; neither may touch the runner.
  // Without sudo, `env -i` gives the runner its clean environment right away (one exec fewer); through
  // sudo (whose rule names bash) the runner starts itself again under env -i.
  const bash = options.sudo
    ? 'sudo -n -- bash --norc --noprofile'
    : `env -i PATH=${RUNNER_PATH} HOME="\${HOME:-/}" LANG=C.UTF-8 WRIT_RUNNER_CLEAN=1 bash --norc --noprofile`;
  return {
    command: `unset BASH_ENV ENV; exec ${bash} -c "$(printf %s ${runner} | base64 -d)" writ-runner`,
    stdin: Buffer.from(`${fields.join('\0')}\0`, 'utf8'),
    boundary,
  };
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

function linuxParamText(value: ParamValue): string {
  return Array.isArray(value) ? value.map(String).join('\n') : String(value);
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

/** The runner's two output streams; each carries the same markers. */
export type BatchStream = 'stdout' | 'stderr';

export interface BatchOutputParser {
  /** Feeds bytes of one of the runner's streams; returns the frames they completed, in order. */
  push(stream: BatchStream, chunk: Buffer): BatchFrame[];
  /** Set once a stream broke the protocol; later input is ignored. */
  readonly error: string | undefined;
  /** What the runner printed on stderr before its first marker (its own failure message), at most 2 KiB. */
  readonly runnerStderr: string;
}

interface StreamEnd {
  kind: 'end';
  index: number;
  exitCode: number;
  timedOut: boolean;
  durationMs: number;
  data: Buffer;
  truncated: boolean;
}
type StreamEvent = { kind: 'batch'; count: number } | StreamEnd | { kind: 'done' };

const BATCH_LINE = /^BATCH (\d{1,6})$/;
const BEGIN_LINE = /^BEGIN (\d{1,6})$/;
const END_LINE = /^END (\d{1,6}) (\d{1,3}) ([01]) (\d{1,12})$/;

/**
 * Splits one stream by the markers of one batch. A step's bytes are counted as they pass: the first
 * `cap` are kept, the rest dropped (truncated). Bytes outside steps (before BATCH, or between END and
 * the next BEGIN, where only a process that escaped a step could write) are skipped, up to 64 KiB
 * per gap.
 */
class MarkerStream {
  error: string | undefined;
  #state: 'pre' | 'between' | 'step' | 'done' = 'pre';
  #buf: Buffer = Buffer.alloc(0);
  #skipped = 0;
  #count = 0;
  #next = 0;
  #kept: Buffer[] = [];
  #keptBytes = 0;
  #truncated = false;
  readonly #marker: Buffer;
  readonly #end: Buffer;
  readonly #cap: number;
  readonly #onSkip: ((bytes: Buffer) => void) | undefined;

  constructor(boundary: string, cap: number, onSkip?: (bytes: Buffer) => void) {
    this.#marker = Buffer.from(`${boundary} `, 'latin1');
    this.#end = Buffer.from(`\n${boundary} END `, 'latin1');
    this.#cap = cap;
    this.#onSkip = onSkip;
  }

  /** Bytes held back before the first marker (they may start one). */
  get pendingPreamble(): Buffer {
    return this.#state === 'pre' ? this.#buf : Buffer.alloc(0);
  }

  push(chunk: Buffer): StreamEvent[] {
    const events: StreamEvent[] = [];
    if (this.error !== undefined) return events;
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    while (this.error === undefined && this.#buf.length > 0) {
      if (this.#state === 'done') {
        this.#fail('runner printed more after DONE');
        break;
      }
      if (this.#state === 'step' ? !this.#stepBytes(events) : !this.#markerLine(events)) break;
    }
    return events;
  }

  /** Inside a step: passes its bytes on up to the END marker. False: needs more input. */
  #stepBytes(events: StreamEvent[]): boolean {
    const buf = this.#buf;
    const at = buf.indexOf(this.#end);
    if (at === -1) {
      // Keep a tail that may be the start of a marker split across chunks.
      const upTo = Math.max(0, buf.length - (this.#end.length - 1));
      this.#take(buf.subarray(0, upTo));
      this.#buf = buf.subarray(upTo);
      return false;
    }
    this.#take(buf.subarray(0, at));
    const nl = buf.indexOf(0x0a, at + 1);
    if (nl === -1) {
      if (buf.length - at > MAX_LINE_BYTES) this.#fail('runner output is not a writ batch frame (line too long)');
      this.#buf = buf.subarray(at);
      return false;
    }
    const m = END_LINE.exec(buf.subarray(at + 1 + this.#marker.length, nl).toString('latin1'));
    if (!m || Number(m[1]) !== this.#next) {
      this.#fail(`bad END marker for step ${this.#next}`);
      return false;
    }
    events.push({
      kind: 'end', index: this.#next, exitCode: Number(m[2]), timedOut: m[3] === '1', durationMs: Number(m[4]),
      data: this.#kept.length === 1 ? this.#kept[0]! : Buffer.concat(this.#kept), truncated: this.#truncated,
    });
    this.#kept = [];
    this.#keptBytes = 0;
    this.#truncated = false;
    this.#next++;
    this.#state = 'between';
    this.#buf = buf.subarray(nl + 1);
    return true;
  }

  /** Outside steps: skips noise up to the next marker line and handles it. False: needs more input. */
  #markerLine(events: StreamEvent[]): boolean {
    const buf = this.#buf;
    const at = buf.indexOf(this.#marker);
    if (at === -1) {
      this.#skip(buf.subarray(0, Math.max(0, buf.length - (this.#marker.length - 1))));
      this.#buf = buf.subarray(Math.max(0, buf.length - (this.#marker.length - 1)));
      return false;
    }
    this.#skip(buf.subarray(0, at));
    if (this.error !== undefined) return false;
    const nl = buf.indexOf(0x0a, at);
    if (nl === -1) {
      if (buf.length - at > MAX_LINE_BYTES) this.#fail('runner output is not a writ batch frame (line too long)');
      this.#buf = buf.subarray(at);
      return false;
    }
    const line = buf.subarray(at + this.#marker.length, nl).toString('latin1');
    this.#buf = buf.subarray(nl + 1);
    this.#skipped = 0;
    let m: RegExpExecArray | null;
    if (this.#state === 'pre' && (m = BATCH_LINE.exec(line))) {
      this.#count = Number(m[1]);
      this.#state = 'between';
      events.push({ kind: 'batch', count: this.#count });
    } else if (this.#state === 'between' && (m = BEGIN_LINE.exec(line)) && Number(m[1]) === this.#next && this.#next < this.#count) {
      this.#state = 'step';
    } else if (this.#state === 'between' && line === 'DONE' && this.#next === this.#count) {
      this.#state = 'done';
      events.push({ kind: 'done' });
    } else {
      this.#fail(`unexpected runner output line: ${JSON.stringify(line.slice(0, 80))}`);
      return false;
    }
    return true;
  }

  #take(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const room = this.#cap - this.#keptBytes;
    if (bytes.length > room) this.#truncated = true;
    if (room <= 0) return;
    const part = Buffer.from(bytes.subarray(0, room));
    this.#kept.push(part);
    this.#keptBytes += part.length;
  }

  #skip(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.#state === 'pre') this.#onSkip?.(bytes);
    this.#skipped += bytes.length;
    if (this.#skipped > MAX_PREAMBLE_BYTES) {
      this.#fail(this.#state === 'pre' ? 'runner never started (no batch header in the first 64 KiB)' : 'unexpected runner output between steps (over 64 KiB)');
    }
  }

  #fail(message: string): void {
    this.error = message;
    this.#buf = Buffer.alloc(0);
    this.#kept = [];
  }
}

/**
 * A streaming parser of the runner's stdout and stderr (fed separately, in any interleaving). Both
 * streams carry the same markers with the batch's boundary token; a step's frame is complete once
 * both streams ended it. Markers may arrive split across any number of chunks. Each stream's bytes
 * per step are cut at maxOutputBytes (flagged truncated). Anything but well-formed markers after the
 * first one sets `error`.
 *
 * @example
 * const parser = createBatchOutputParser({ boundary: batch.boundary });
 * channel.on('data', (chunk: Buffer) => { for (const frame of parser.push('stdout', chunk)) handle(frame); });
 * channel.stderr.on('data', (chunk: Buffer) => { for (const frame of parser.push('stderr', chunk)) handle(frame); });
 */
export function createBatchOutputParser(options: { boundary: string; maxOutputBytes?: number }): BatchOutputParser {
  const cap = outputCap(options);
  if (!BOUNDARY.test(options.boundary)) throw new RangeError('boundary must be 32 to 128 ASCII letters and digits');
  let runnerStderr = Buffer.alloc(0);
  const streams: Record<BatchStream, MarkerStream> = {
    stdout: new MarkerStream(options.boundary, cap),
    stderr: new MarkerStream(options.boundary, cap, (bytes) => {
      if (runnerStderr.length < RUNNER_STDERR_BYTES) runnerStderr = Buffer.concat([runnerStderr, bytes]).subarray(0, RUNNER_STDERR_BYTES);
    }),
  };
  const halves = new Map<number, Partial<Record<BatchStream, StreamEnd>>>();
  let count: number | undefined;
  let done = 0;
  let error: string | undefined;

  return {
    push(stream: BatchStream, chunk: Buffer): BatchFrame[] {
      const frames: BatchFrame[] = [];
      if (error !== undefined || chunk.length === 0) return frames;
      const events = streams[stream].push(chunk);
      for (const ev of events) {
        if (ev.kind === 'batch') {
          if (count === undefined) {
            count = ev.count;
            frames.push({ kind: 'begin', count });
          } else if (count !== ev.count) {
            error = 'stdout and stderr announce different step counts';
          }
        } else if (ev.kind === 'done') {
          if (++done === 2) frames.push({ kind: 'done' });
        } else {
          const half = halves.get(ev.index) ?? {};
          half[stream] = ev;
          const { stdout: out, stderr: err } = half;
          if (!out || !err) {
            halves.set(ev.index, half);
            continue;
          }
          halves.delete(ev.index);
          if (out.exitCode !== err.exitCode || out.timedOut !== err.timedOut || out.durationMs !== err.durationMs) {
            error = `stdout and stderr disagree on the result of step ${ev.index}`;
            break;
          }
          frames.push({
            kind: 'step', index: ev.index, exitCode: out.exitCode, timedOut: out.timedOut, durationMs: out.durationMs,
            stdout: out.data, stderr: err.data, stdoutTruncated: out.truncated, stderrTruncated: err.truncated,
          });
        }
      }
      const broken = streams[stream].error;
      if (error === undefined && broken !== undefined) error = `${stream}: ${broken}`;
      return frames;
    },
    get error() {
      return error;
    },
    get runnerStderr() {
      return Buffer.concat([runnerStderr, streams.stderr.pendingPreamble]).subarray(0, RUNNER_STDERR_BYTES).toString('utf8');
    },
  };
}
