import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** Reads the stdin framing back, the way the runner does. */
function readBatch(stdin: Buffer): { count: number; cap: number; steps: { script: string; params: Buffer; timeoutMs: number }[] } {
  let at = 0;
  const line = () => {
    const nl = stdin.indexOf(0x0a, at);
    const text = stdin.subarray(at, nl).toString('latin1');
    at = nl + 1;
    return text;
  };
  const [magic, version, count, cap] = line().split(' ');
  expect([magic, version]).toEqual(['WRITBATCH', '1']);
  const steps = [];
  for (let i = 0; i < Number(count); i++) {
    const [tag, slen, plen, ms] = line().split(' ');
    expect(tag).toBe('STEP');
    const script = stdin.subarray(at, at + Number(slen)).toString('utf8');
    at += Number(slen);
    const params = stdin.subarray(at, at + Number(plen));
    at += Number(plen);
    steps.push({ script, params, timeoutMs: Number(ms) });
  }
  expect(line()).toBe('END');
  expect(at).toBe(stdin.length);
  return { count: Number(count), cap: Number(cap), steps };
}

function frameBytes(index: number, out: string, err: string, extra = { rc: 0, timedOut: 0, ms: 7, outCut: 0, errCut: 0 }): Buffer {
  const o = Buffer.from(out);
  const e = Buffer.from(err);
  return Buffer.concat([
    Buffer.from(`WRITSTEP ${index} ${extra.rc} ${extra.timedOut} ${extra.ms} ${o.length} ${extra.outCut} ${e.length} ${extra.errCut}\n`),
    o,
    e,
  ]);
}

describe('buildLinuxBatch', () => {
  it('keeps the command fixed: only the runner\'s base64 is spliced in', () => {
    const a = buildLinuxBatch([step('a', 'echo "$(id)"', [{ name: 'v', value: '$(touch /tmp/x); `id`' }])]);
    const b = buildLinuxBatch([step('b', 'rm -rf /', [{ name: 'w', value: 'other' }]), step('c', 'true')]);
    expect(a.command).toBe(b.command);
    expect(a.command).toMatch(/^unset BASH_ENV ENV; exec bash --norc --noprofile -c "\$\(printf %s [A-Za-z0-9+/=]+ \| base64 -d\)" writ-runner$/);
    const b64 = /printf %s ([A-Za-z0-9+/=]+) \|/.exec(a.command)![1]!;
    expect(Buffer.from(b64, 'base64').toString('utf8')).toBe(LINUX_RUNNER_SCRIPT);
    expect(buildLinuxBatch([], { sudo: true }).command).toMatch(/; exec sudo -n -- bash --norc --noprofile -c /);
  });

  it('frames scripts, libraries and NUL-terminated parameters on stdin', () => {
    const { stdin } = buildLinuxBatch(
      [
        step('a', 'echo a', [{ name: 's', value: 'x y' }, { name: 'n', value: 3 }, { name: 'b', value: false }, { name: 'l', value: ['p', 'q', 2, true] }], { library: 'lib() { :; }' }),
        step('b', 'echo ü', [], { timeoutMs: 1500.2 }),
      ],
      { maxOutputBytes: 4096 },
    );
    const batch = readBatch(stdin);
    expect(batch.count).toBe(2);
    expect(batch.cap).toBe(4096);
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
  const stream = Buffer.concat([
    Buffer.from('motd noise from a login rc file\n'),
    Buffer.from('WRITBEGIN 3\n'),
    frameBytes(0, 'out\nWRITDONE\n', 'err'),
    frameBytes(1, '', '', { rc: 124, timedOut: 1, ms: 1001, outCut: 0, errCut: 0 }),
    frameBytes(2, 'ü'.repeat(300), 'x', { rc: 3, timedOut: 0, ms: 2, outCut: 1, errCut: 0 }),
    Buffer.from('WRITDONE\n'),
  ]);
  const expected: BatchFrame[] = [
    { kind: 'begin', count: 3 },
    { kind: 'step', index: 0, exitCode: 0, timedOut: false, durationMs: 7, stdout: Buffer.from('out\nWRITDONE\n'), stderr: Buffer.from('err'), stdoutTruncated: false, stderrTruncated: false },
    { kind: 'step', index: 1, exitCode: 124, timedOut: true, durationMs: 1001, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), stdoutTruncated: false, stderrTruncated: false },
    { kind: 'step', index: 2, exitCode: 3, timedOut: false, durationMs: 2, stdout: Buffer.from('ü'.repeat(300)), stderr: Buffer.from('x'), stdoutTruncated: true, stderrTruncated: false },
    { kind: 'done' },
  ];

  it('parses a whole stream, skipping noise before WRITBEGIN', () => {
    const parser = createBatchOutputParser();
    expect(parser.push(stream)).toEqual(expected);
    expect(parser.error).toBeUndefined();
  });

  it('tolerates frames split anywhere (byte by byte, and random chunks)', () => {
    const byByte = createBatchOutputParser();
    const frames: BatchFrame[] = [];
    for (let i = 0; i < stream.length; i++) frames.push(...byByte.push(stream.subarray(i, i + 1)));
    expect(frames).toEqual(expected);
    let seed = 7;
    for (let round = 0; round < 50; round++) {
      const parser = createBatchOutputParser();
      const got: BatchFrame[] = [];
      for (let at = 0; at < stream.length; ) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const size = 1 + (seed % 97);
        got.push(...parser.push(stream.subarray(at, at + size)));
        at += size;
      }
      expect(got).toEqual(expected);
    }
  });

  it('stops at anything that is not a frame, and at lengths over the cap', () => {
    const garbage = createBatchOutputParser();
    garbage.push(Buffer.from('WRITBEGIN 1\nhello\n'));
    expect(garbage.error).toContain('unexpected runner output');
    const big = createBatchOutputParser({ maxOutputBytes: 10 });
    big.push(Buffer.from('WRITBEGIN 1\n'));
    big.push(frameBytes(0, 'x'.repeat(11), ''));
    expect(big.error).toContain('cap');
    const late = createBatchOutputParser();
    late.push(Buffer.from('WRITBEGIN 0\nWRITDONE\nmore\n'));
    expect(late.error).toContain('after WRITDONE');
    const silent = createBatchOutputParser();
    silent.push(Buffer.alloc(70 * 1024, 0x61));
    expect(silent.error).toContain('line too long');
  });

  it('maps a frame to an outcome', () => {
    const [, frame] = createBatchOutputParser().push(Buffer.concat([Buffer.from('WRITBEGIN 1\n'), frameBytes(0, '', '', { rc: 124, timedOut: 1, ms: 1001, outCut: 0, errCut: 0 })]));
    expect(outcomeFromFrame(step('k', 'sleep 9', [], { timeoutMs: 1000 }), frame as never)).toEqual({
      key: 'k', state: 'timeout', exitCode: 124, stdout: '', stderr: '', truncated: false, durationMs: 1001,
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
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', batch.command], { input: batch.stdin, env: { PATH: '/usr/bin:/bin', SECRET: 'not for steps', HOME: '/nonexistent' } });
    const frames = createBatchOutputParser({ maxOutputBytes: 64 }).push(out);
    expect(frames.map((f) => f.kind)).toEqual(['begin', 'step', 'step', 'done']);
    const [, a, b] = frames as [unknown, Extract<BatchFrame, { kind: 'step' }>, Extract<BatchFrame, { kind: 'step' }>];
    expect([a.exitCode, a.stdout.toString('utf8'), a.stderr.toString()]).toEqual([4, value, 'E']);
    expect([b.exitCode, b.stdout.toString()]).toEqual([0, 'C.UTF-8:/']);
    // A clean environment: nothing of the caller's (SECRET) reaches a step.
    expect(b.stderr.toString()).toBe('HOME LANG LC_ALL PATH PWD SHLVL _ ');
  });
});
