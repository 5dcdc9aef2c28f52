import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildLinuxBatch,
  createBatchOutputParser,
  linuxBatchDeadlineMs,
  outcomeFromFrame,
  refuseLinuxBatch,
  type BatchFrame,
} from '../../../../core/exec/linux-batch.js';
import { LINUX_RUNNER_SCRIPT } from '../../../../core/exec/linux-runner.js';
import type { StepRequest } from '../../../../core/exec/step.js';
import { INJECTION_VALUES } from '../../../helpers/param-injection-cases.js';

const step = (key: string, script: string, params: StepRequest['params'] = [], extra: Partial<StepRequest> = {}): StepRequest => ({
  key, runbookId: 'LIN-TEST-001', step: 'check', platform: 'linux', script, params, timeoutMs: 5_000, ...extra,
});

/** Reads the stdin framing back, the way the runner does (NUL-terminated fields). */
function readBatch(stdin: Buffer): { count: number; boundary: string; steps: { script: string; params: Buffer; timeoutMs: number }[] } {
  expect(stdin[stdin.length - 1]).toBe(0);
  const fields = stdin.subarray(0, stdin.length - 1).toString('utf8').split('\0');
  const [magic, version, count, boundary] = fields;
  expect([magic, version]).toEqual(['WRITBATCH', '2']);
  expect(boundary).toMatch(/^[A-Za-z0-9]{32,128}$/);
  let at = 4;
  const steps = [];
  for (let i = 0; i < Number(count); i++) {
    const [index, ms, n, script] = fields.slice(at, at + 4);
    expect(index).toBe(String(i));
    const values = fields.slice(at + 4, at + 4 + Number(n));
    steps.push({ script: script!, params: Buffer.from(values.map((v) => `${v}\0`).join(''), 'utf8'), timeoutMs: Number(ms) });
    at += 4 + Number(n);
  }
  expect(fields.slice(at)).toEqual(['END']);
  return { count: Number(count), boundary: boundary!, steps };
}

const B = '0123456789abcdef0123456789ABCDEF';

/** One step's bytes on one stream, as the runner prints them. */
function stepBytes(index: number, data: string | Buffer, extra = { rc: 0, timedOut: 0, ms: 7 }): Buffer {
  return Buffer.concat([Buffer.from(`${B} BEGIN ${index}\n`), Buffer.from(data), Buffer.from(`\n${B} END ${index} ${extra.rc} ${extra.timedOut} ${extra.ms}\n`)]);
}

describe('buildLinuxBatch', () => {
  it('keeps the command fixed: only the runner\'s base64 is spliced in', () => {
    const a = buildLinuxBatch([step('a', 'echo "$(id)"', [{ name: 'v', value: '$(touch /tmp/x); `id`' }])]);
    const b = buildLinuxBatch([step('b', 'rm -rf /', [{ name: 'w', value: 'other' }]), step('c', 'true')]);
    expect(a.command).toBe(b.command);
    expect(a.command).toMatch(/^unset BASH_ENV ENV; exec env -i PATH=\/usr\/sbin:\/usr\/bin:\/sbin:\/bin HOME="\$\{HOME:-\/\}" LANG=C\.UTF-8 WRIT_RUNNER_CLEAN=1 bash --norc --noprofile -c "\$\(printf %s [A-Za-z0-9+/=]+ \| base64 -d\)" writ-runner$/);
    expect(a.boundary).not.toBe(b.boundary);
    expect(a.boundary).toMatch(/^[0-9a-f]{32}$/);
    const b64 = /printf %s ([A-Za-z0-9+/=]+) \|/.exec(a.command)![1]!;
    expect(Buffer.from(b64, 'base64').toString('utf8')).toBe(LINUX_RUNNER_SCRIPT);
    expect(buildLinuxBatch([], { sudo: true }).command).toMatch(/^unset BASH_ENV ENV; exec sudo -n -- bash --norc --noprofile -c "\$\(printf %s [A-Za-z0-9+/=]+ \| base64 -d\)" writ-runner$/);
  });

  it('frames scripts, libraries and parameters as NUL-terminated fields on stdin', () => {
    const { stdin } = buildLinuxBatch(
      [
        step('a', 'echo a', [{ name: 's', value: 'x y' }, { name: 'n', value: 3 }, { name: 'b', value: false }, { name: 'l', value: ['p', 'q', 2, true] }], { library: 'lib() { :; }' }),
        step('b', 'echo ü', [], { timeoutMs: 1500.2 }),
      ],
      { maxOutputBytes: 4096 },
    );
    const batch = readBatch(stdin);
    expect(batch.count).toBe(2);
    expect(batch.steps[0]).toEqual({ script: 'lib() { :; }\necho a', params: Buffer.from('x y\x003\x00false\x00p\nq\n2\ntrue\x00'), timeoutMs: 5000 });
    expect(batch.steps[1]).toEqual({ script: 'echo ü', params: Buffer.alloc(0), timeoutMs: 1501 });
  });

  it('carries every injection value as its exact UTF-8 bytes', () => {
    const params = INJECTION_VALUES.map((value, i) => ({ name: `v${i}`, value }));
    const batch = readBatch(buildLinuxBatch([step('a', 'true', params)]).stdin);
    const expected = Buffer.concat(INJECTION_VALUES.map((v) => Buffer.from(`${v}\0`, 'utf8')));
    expect(batch.steps[0]!.params.equals(expected)).toBe(true);
  });

  it('never turns a timeout into "no timeout"', () => {
    const batch = readBatch(buildLinuxBatch([step('a', 'x', [], { timeoutMs: 0 }), step('b', 'x', [], { timeoutMs: Number.NaN })]).stdin);
    expect(batch.steps.map((s) => s.timeoutMs)).toEqual([1, 1]);
  });

  it('throws for a step that cannot travel; refuseLinuxBatch refuses the whole batch', () => {
    const bad = step('bad', 'true', [{ name: 'p', value: 'a\0b' }]);
    expect(() => buildLinuxBatch([bad])).toThrow(/NUL/);
    expect(() => buildLinuxBatch([step('s', 'echo a\0b')])).toThrow(/NUL/);
    expect(() => buildLinuxBatch([step('l', 'true', [], { library: 'x\0' })])).toThrow(/NUL/);
    expect(() => buildLinuxBatch([step('ok', 'true')], { boundary: 'short' })).toThrow(/boundary/);
    const outcomes = refuseLinuxBatch([step('ok', 'true'), bad, step('win', 'Get-Date', [], { platform: 'windows' })]);
    expect(outcomes?.map((o) => [o.key, o.state, o.reasonCode])).toEqual([
      ['ok', 'refused', 'EXEC_PARAM_INVALID'],
      ['bad', 'refused', 'EXEC_PARAM_INVALID'],
      ['win', 'refused', 'EXEC_PLATFORM_MISMATCH'],
    ]);
    expect(outcomes?.[0]?.message).toContain('step bad of the same batch');
    expect(outcomes?.[1]?.message).toContain('p: cannot travel as data: NUL');
    expect(refuseLinuxBatch([step('ok', 'true')])).toBeUndefined();
  });

  it('gives the watchdog every step\'s timeout plus kill grace and a margin', () => {
    expect(linuxBatchDeadlineMs([step('a', 'x', [], { timeoutMs: 1000 }), step('b', 'x', [], { timeoutMs: 2000 })], 10_000)).toBe(10_000 + 3000 + 2 * 6000);
  });
});

describe('createBatchOutputParser', () => {
  const out = Buffer.concat([
    Buffer.from('motd noise from a login rc file\n'),
    Buffer.from(`${B} BATCH 3\n`),
    stepBytes(0, `out\n${B} DONE\nno newline at the end`),
    stepBytes(1, '', { rc: 143, timedOut: 1, ms: 1001 }),
    stepBytes(2, 'ü'.repeat(300), { rc: 3, timedOut: 0, ms: 2 }),
    Buffer.from(`${B} DONE\n`),
  ]);
  const err = Buffer.concat([
    Buffer.from('noise without a newline'),
    Buffer.from(`${B} BATCH 3\n`),
    stepBytes(0, 'err\n\n'),
    stepBytes(1, '', { rc: 143, timedOut: 1, ms: 1001 }),
    stepBytes(2, 'x', { rc: 3, timedOut: 0, ms: 2 }),
    Buffer.from(`${B} DONE\n`),
  ]);
  const expected: BatchFrame[] = [
    { kind: 'begin', count: 3 },
    { kind: 'step', index: 0, exitCode: 0, timedOut: false, durationMs: 7, stdout: Buffer.from(`out\n${B} DONE\nno newline at the end`), stderr: Buffer.from('err\n\n'), stdoutTruncated: false, stderrTruncated: false },
    { kind: 'step', index: 1, exitCode: 143, timedOut: true, durationMs: 1001, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), stdoutTruncated: false, stderrTruncated: false },
    { kind: 'step', index: 2, exitCode: 3, timedOut: false, durationMs: 2, stdout: Buffer.from('ü'.repeat(100)), stderr: Buffer.from('x'), stdoutTruncated: true, stderrTruncated: false },
    { kind: 'done' },
  ];
  const options = { boundary: B, maxOutputBytes: 200 };

  it('parses whole streams, skipping noise before the first marker, and pairs stdout with stderr', () => {
    const parser = createBatchOutputParser(options);
    expect([...parser.push('stdout', out), ...parser.push('stderr', err)]).toEqual(expected);
    expect(parser.error).toBeUndefined();
    expect(parser.runnerStderr).toBe('noise without a newline');
    // Either stream may run ahead of the other.
    const other = createBatchOutputParser(options);
    expect([...other.push('stderr', err), ...other.push('stdout', out)]).toEqual(expected);
  });

  it('tolerates markers split anywhere (byte by byte, and random interleaved chunks)', () => {
    const byByte = createBatchOutputParser(options);
    const frames: BatchFrame[] = [];
    for (let i = 0; i < Math.max(out.length, err.length); i++) {
      frames.push(...byByte.push('stdout', out.subarray(i, i + 1)), ...byByte.push('stderr', err.subarray(i, i + 1)));
    }
    expect(frames).toEqual(expected);
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let round = 0; round < 50; round++) {
      const parser = createBatchOutputParser(options);
      const got: BatchFrame[] = [];
      const at = { stdout: 0, stderr: 0 };
      const all = { stdout: out, stderr: err };
      while (at.stdout < out.length || at.stderr < err.length) {
        const stream = next() % 2 === 0 ? 'stdout' : 'stderr';
        const size = 1 + (next() % 97);
        got.push(...parser.push(stream, all[stream].subarray(at[stream], at[stream] + size)));
        at[stream] += size;
      }
      expect(got).toEqual(expected);
    }
  });

  it('keeps results of steps both streams finished, and stops at anything that is not a marker', () => {
    const partial = createBatchOutputParser(options);
    const frames = [...partial.push('stdout', out.subarray(0, out.indexOf(`${B} BEGIN 1`))), ...partial.push('stderr', err.subarray(0, err.indexOf(`${B} BEGIN 2`)))];
    expect(frames.map((f) => f.kind)).toEqual(['begin', 'step']);
    const garbage = createBatchOutputParser(options);
    garbage.push('stdout', Buffer.from(`${B} BATCH 1\n${B} hello\n`));
    expect(garbage.error).toContain('unexpected runner output');
    const wrongStep = createBatchOutputParser(options);
    wrongStep.push('stdout', Buffer.from(`${B} BATCH 2\n${B} BEGIN 1\n`));
    expect(wrongStep.error).toContain('unexpected runner output');
    const disagree = createBatchOutputParser(options);
    disagree.push('stdout', Buffer.concat([Buffer.from(`${B} BATCH 1\n`), stepBytes(0, '', { rc: 0, timedOut: 0, ms: 1 })]));
    disagree.push('stderr', Buffer.concat([Buffer.from(`${B} BATCH 1\n`), stepBytes(0, '', { rc: 1, timedOut: 0, ms: 1 })]));
    expect(disagree.error).toContain('disagree');
    const late = createBatchOutputParser(options);
    late.push('stdout', Buffer.from(`${B} BATCH 0\n${B} DONE\nmore\n`));
    expect(late.error).toContain('after DONE');
    const silent = createBatchOutputParser(options);
    silent.push('stdout', Buffer.alloc(70 * 1024, 0x61));
    expect(silent.error).toContain('never started');
    const longLine = createBatchOutputParser(options);
    longLine.push('stdout', Buffer.from(`${B} BATCH 1${' '.repeat(300)}`));
    expect(longLine.error).toContain('line too long');
    // Another batch's token is just noise.
    const stranger = createBatchOutputParser(options);
    expect(stranger.push('stdout', Buffer.from(`${'f'.repeat(32)} BATCH 1\n`))).toEqual([]);
    expect(stranger.error).toBeUndefined();
    expect(() => createBatchOutputParser({ boundary: 'x y' })).toThrow(/boundary/);
  });

  it('maps a frame to an outcome', () => {
    const parser = createBatchOutputParser(options);
    parser.push('stdout', Buffer.concat([Buffer.from(`${B} BATCH 1\n`), stepBytes(0, '', { rc: 143, timedOut: 1, ms: 1001 })]));
    const [frame] = parser.push('stderr', Buffer.concat([Buffer.from(`${B} BATCH 1\n`), stepBytes(0, '', { rc: 143, timedOut: 1, ms: 1001 })]));
    expect(outcomeFromFrame(step('k', 'sleep 9', [], { timeoutMs: 1000 }), frame as never)).toEqual({
      key: 'k', state: 'timeout', exitCode: 143, stdout: '', stderr: '', truncated: false, durationMs: 1001,
      reasonCode: 'EXEC_TIMEOUT', message: 'LIN-TEST-001 check was stopped after 1 s',
    });
  });
});

describe('the runner', () => {
  it('passes shellcheck', () => {
    const dir = mkdtempSync(join(tmpdir(), 'writ-runner-'));
    try {
      writeFileSync(join(dir, 'runner.sh'), LINUX_RUNNER_SCRIPT);
      const r = spawnSync('shellcheck', ['--norc', '--shell=bash', '--severity=style', join(dir, 'runner.sh')], { encoding: 'utf8' });
      expect(r.error).toBeUndefined();
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('round-trips a batch through bash: results in order, parameters as data', () => {
    const value = 'it\'s "x"; $(echo BAD) `echo BAD`\n\u2028\u2014';
    const batch = buildLinuxBatch([
      step('a', 'IFS= read -r -d \'\' v || true; printf %s "$v"; printf E >&2; exit 4', [{ name: 'v', value }]),
      step('b', 'printf %s "$LC_ALL:$(pwd)"; env -0 | tr "\\0\\n" "\\n " | cut -d= -f1 | sort | tr "\\n" " " >&2', [], { library: 'set -u' }),
    ], { maxOutputBytes: 64 });
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', batch.command], { input: batch.stdin, env: { PATH: '/usr/bin:/bin', SECRET: 'not for steps', HOME: '/nonexistent' } });
    expect(r.status).toBe(0);
    const parser = createBatchOutputParser({ maxOutputBytes: 64, boundary: batch.boundary });
    const frames = [...parser.push('stdout', r.stdout), ...parser.push('stderr', r.stderr)];
    expect(frames.map((f) => f.kind)).toEqual(['begin', 'step', 'step', 'done']);
    const [, a, b] = frames as [unknown, Extract<BatchFrame, { kind: 'step' }>, Extract<BatchFrame, { kind: 'step' }>];
    expect([a.exitCode, a.stdout.toString('utf8'), a.stderr.toString()]).toEqual([4, value, 'E']);
    expect([b.exitCode, b.stdout.toString()]).toEqual([0, 'C.UTF-8:/']);
    // A clean environment: nothing of the caller's (SECRET) reaches a step.
    expect(b.stderr.toString()).toBe('HOME LANG LC_ALL PATH PWD SHLVL _ ');
  });

  it('runs each step in a fresh subshell: none of the runner\'s state, exact bytes, exit codes', () => {
    const batch = buildLinuxBatch([
      step('a', 'set -euo pipefail\nprintf "%s|" "$#" "$(declare -F | wc -l)" "$(set -o | grep -c "on$")" "$-" "$(trap -p | wc -l)"; compgen -v | grep -c "^wr_" || true; printf "\\n\\n"; exit 7', [], { library: 'x=1' }),
      step('b', 'IFS= read -r -d "" v || true; IFS= read -r -d "" w || true; printf "%s" "$v"; printf "%s" "$w" >&2; false; echo "still running after false: $x"', [{ name: 'v', value: 'trailing\n\n' }, { name: 'w', value: '' }]),
      step('c', 'cat; return 5; echo not', []),
    ]);
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', batch.command], { input: batch.stdin, env: { PATH: '/usr/bin:/bin' } });
    const parser = createBatchOutputParser({ boundary: batch.boundary });
    const frames = [...parser.push('stdout', r.stdout), ...parser.push('stderr', r.stderr)].filter((f) => f.kind === 'step');
    expect(frames.map((f) => [f.exitCode, f.stdout.toString(), f.stderr.toString()])).toEqual([
      [7, '0|0|5|ehuBc|0|0\n\n\n', ''],
      [0, 'trailing\n\nstill running after false: \n', ''],
      [5, '', ''],
    ]);
  });

  it('runs nothing of a truncated batch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'writ-runner-'));
    try {
      const canary = join(dir, 'CANARY');
      const batch = buildLinuxBatch([step('a', `touch '${canary}'`), step('b', 'true', [{ name: 'v', value: 'x'.repeat(1000) }])]);
      for (const cut of [10, batch.stdin.length - 600, batch.stdin.length - 1]) {
        const r = spawnSync('bash', ['--norc', '--noprofile', '-c', batch.command], { input: batch.stdin.subarray(0, cut), env: { PATH: '/usr/bin:/bin' } });
        expect(r.status).toBe(3);
        expect(r.stderr.toString()).toMatch(/^writ-runner: /);
        expect(r.stdout.length).toBe(0);
      }
      expect(existsSync(canary)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
