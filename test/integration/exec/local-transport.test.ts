/*
 * LocalTransport on this machine: real bash and coreutils, run as the test process's user, scratch
 * folders under os.tmpdir().
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport } from '../../../adapters/exec/local-transport.js';
import { checkParamValues } from '../../../core/exec/check-param-values.js';
import type { HostSession, HostTarget, StepRequest } from '../../../core/exec/step.js';
import type { Parameters, Runbook } from '../../../core/model/generated/runbook.js';
import { INJECTION_VALUES, UNCARRIABLE_VALUES } from '../../helpers/param-injection-cases.js';

const target: HostTarget = { site: 'clinic-test', hostId: 'appliance', transport: 'local', platform: 'linux', connectTimeoutMs: 0 };

const step = (key: string, script: string, params: StepRequest['params'] = [], extra: Partial<StepRequest> = {}): StepRequest => ({
  key, runbookId: 'LIN-TEST-001', step: 'check', platform: 'linux', script, params, timeoutMs: 10_000, ...extra,
});

function testRunbook(parameters: Parameters): Runbook {
  return {
    apiVersion: 'writ/v1', kind: 'Runbook', id: 'LIN-TEST-001', name: 'injection probe', platform: 'linux', severity: 'low',
    controls: ['hipaa:164.312(b)'], parameters, scripts: { check: { inline: 'true' } },
  };
}

const WRITE_VALUES = `set -euo pipefail
IFS= read -r -d '' dir || true
i=0
while IFS= read -r -d '' v; do
  printf '%s' "$v" >"$dir/v$i"
  i=$((i + 1))
done
printf '%s' "$i"
`;

let scratch: string;
let session: HostSession;
const transport = new LocalTransport();

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'writ-local-exec-'));
  session = await transport.open(target);
});

afterAll(async () => {
  await transport.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('LocalTransport', () => {
  it('runs a batch in order with a clean environment, from /', async () => {
    process.env.WRIT_TEST_SECRET = 'must not reach steps';
    try {
      const outcomes = await session.run([
        step('one', 'echo out; echo err >&2; exit 2'),
        step('env', 'echo "${WRIT_TEST_SECRET:-unset} $LC_ALL $(pwd) $(umask)"'),
      ]);
      expect(outcomes.map((o) => [o.key, o.state, o.exitCode, o.stdout, o.stderr])).toEqual([
        ['one', 'ran', 2, 'out\n', 'err\n'],
        ['env', 'ran', 0, 'unset C.UTF-8 / 0022\n', ''],
      ]);
    } finally {
      delete process.env.WRIT_TEST_SECRET;
    }
  });

  it('delivers every injection-class value byte for byte and executes none of them', async () => {
    const dir = join(scratch, 'values');
    mkdirSync(dir);
    const canary = join(scratch, 'CANARY');
    const values = INJECTION_VALUES.map((v) => v.replaceAll('CANARY', canary));
    const parameters: Parameters = { dir: { type: 'string', description: 'output folder' } };
    const given: Record<string, string | string[]> = { dir };
    values.forEach((v, i) => {
      parameters[`v${i}`] = { type: 'string', description: `value ${i}` };
      given[`v${i}`] = v;
    });
    parameters.list = { type: 'array', description: 'a list', items: { type: 'string' } };
    given.list = ['-rf', `\`touch ${canary}\``, '\u2013\u2014', ''];
    const checked = checkParamValues(testRunbook(parameters), given, 'linux');
    if (!checked.ok) throw new Error(checked.message);

    const [outcome] = await session.run([step('probe', WRITE_VALUES, checked.params)]);
    expect(outcome).toMatchObject({ state: 'ran', exitCode: 0, stdout: String(values.length + 1) });
    values.forEach((v, i) => expect(readFileSync(join(dir, `v${i}`)).equals(Buffer.from(v, 'utf8')), `value ${i}: ${JSON.stringify(v.slice(0, 40))}`).toBe(true));
    expect(readFileSync(join(dir, `v${values.length}`), 'utf8')).toBe(['-rf', `\`touch ${canary}\``, '\u2013\u2014', ''].join('\n'));
    expect(existsSync(canary)).toBe(false);
  });

  it.each(UNCARRIABLE_VALUES)('refuses $label with EXEC_PARAM_INVALID before anything runs', async ({ value }) => {
    const canary = join(scratch, `CANARY-${Math.random().toString(36).slice(2)}`);
    const checked = checkParamValues(testRunbook({ v: { type: Array.isArray(value) ? 'array' : 'string', description: 'value' } }), { v: value }, 'linux');
    expect(checked).toMatchObject({ ok: false, reasonCode: 'EXEC_PARAM_INVALID' });
    const outcomes = await session.run([step('canary', `touch '${canary}'`), step('bad', 'true', [{ name: 'v', value }])]);
    expect(outcomes.map((o) => [o.state, o.reasonCode])).toEqual([['refused', 'EXEC_PARAM_INVALID'], ['refused', 'EXEC_PARAM_INVALID']]);
    expect(existsSync(canary)).toBe(false);
  });

  it('stops a step at its timeout, with its children, and still runs the next step', async () => {
    const pidFile = join(scratch, 'child.pid');
    const [slow, next] = await session.run([
      step('slow', `sleep 30 & echo $! > '${pidFile}'; echo started; wait`, [], { timeoutMs: 800 }),
      step('next', 'echo next'),
    ]);
    expect(slow).toMatchObject({ state: 'timeout', reasonCode: 'EXEC_TIMEOUT', stdout: 'started\n' });
    expect(slow!.durationMs).toBeGreaterThanOrEqual(800);
    expect(slow!.durationMs).toBeLessThan(5_000);
    expect(next).toMatchObject({ state: 'ran', stdout: 'next\n' });
    // The step's background child was in its process group and went with it.
    // (A zombie counts as gone: PID 1 in a container may not reap orphans.)
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const state = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] : 'gone';
    expect(['gone', 'Z', 'X']).toContain(state);
  });

  it('cuts output at the configured cap and flags it', async () => {
    const small = await new LocalTransport({ maxOutputBytes: 1000 }).open(target);
    const [big] = await small.run([step('big', 'head -c 5000 /dev/zero | tr "\\0" b; head -c 10 /dev/zero | tr "\\0" e >&2')]);
    expect(big).toMatchObject({ state: 'ran', exitCode: 0, truncated: true, stdout: 'b'.repeat(1000), stderr: 'e'.repeat(10) });
    await small.close();
  });

  it('reports a broken runner as EXEC_RUNNER_FAILED for every step', async () => {
    const fake = join(scratch, 'fake-bash');
    writeFileSync(fake, '#!/bin/sh\necho "not a runner"\necho "fake runner failed" >&2\nexit 7\n');
    chmodSync(fake, 0o755);
    const broken = await new LocalTransport({ bashPath: fake }).open(target);
    const outcomes = await broken.run([step('a', 'true'), step('b', 'true')]);
    expect(outcomes.map((o) => [o.state, o.reasonCode])).toEqual([['transport-error', 'EXEC_RUNNER_FAILED'], ['transport-error', 'EXEC_RUNNER_FAILED']]);
    expect(outcomes[0]!.message).toContain('exited with 7');
    expect(outcomes[0]!.message).toContain('fake runner failed');
    await broken.close();
  });

  it('refuses hosts it cannot serve', async () => {
    await expect(transport.open({ ...target, transport: 'ssh' })).rejects.toMatchObject({ code: 'EXEC_TRANSPORT_UNAVAILABLE' });
    await expect(transport.open({ ...target, platform: 'windows' })).rejects.toMatchObject({ code: 'EXEC_PLATFORM_MISMATCH' });
  });
});
