/*
 * SshTransport against a real OpenSSH sshd on loopback, logged in as writ-test. A small TCP relay in
 * front of sshd counts connections (batches must share one) and can cut the link mid-batch.
 *
 * Not covered here: `sudo: true` (sudo is not installed on this machine).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshTransport } from '../../../adapters/exec/ssh-transport.js';
import { checkParamValues } from '../../../core/exec/check-param-values.js';
import type { HostSession, HostTarget, StepRequest } from '../../../core/exec/step.js';
import type { Parameters, Runbook } from '../../../core/model/generated/runbook.js';
import { schemaValidators } from '../../../core/validate/schema-validators.js';
import { INJECTION_VALUES, UNCARRIABLE_VALUES } from '../../helpers/param-injection-cases.js';
import { loadLinuxRunbook, scratchRoot } from '../../helpers/run-linux-runbook.js';
import { requireSshTools, startSshd, type TestSshd } from '../../../testkit/sshd.js';

const ROOT = join(import.meta.dirname, '../../..');
const LIB = readFileSync(join(ROOT, 'runbooks/linux/lib/writ-result.sh'), 'utf8');

/** Relays 127.0.0.1:<port> to sshd; counts connections and can cut them all. */
interface Relay {
  port: number;
  connections: number;
  cutAll(): void;
  close(): Promise<void>;
}

async function startRelay(targetPort: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const relay: Relay = { port: 0, connections: 0, cutAll: () => sockets.forEach((s) => s.destroy()), close: async () => {} };
  const server: Server = createServer((client) => {
    relay.connections++;
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.port = (server.address() as { port: number }).port;
  relay.close = () => new Promise((resolve) => { relay.cutAll(); server.close(() => resolve()); });
  return relay;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const step = (key: string, script: string, params: StepRequest['params'] = [], extra: Partial<StepRequest> = {}): StepRequest => ({
  key, runbookId: 'LIN-TEST-001', step: 'check', platform: 'linux', script, params, timeoutMs: 10_000, ...extra,
});

function testRunbook(parameters: Parameters): Runbook {
  return {
    apiVersion: 'writ/v1', kind: 'Runbook', id: 'LIN-TEST-001', name: 'injection probe', platform: 'linux', severity: 'low',
    controls: ['hipaa:164.312(b)'], parameters, scripts: { check: { inline: 'true' } },
  };
}

/** Writes each received value (NUL-terminated on stdin) to $dir/v<i>, byte for byte. */
const WRITE_VALUES = `set -euo pipefail
IFS= read -r -d '' dir || true
i=0
while IFS= read -r -d '' v; do
  printf '%s' "$v" >"$dir/v$i"
  i=$((i + 1))
done
printf '%s' "$i"
`;

let sshd: TestSshd;
let relay: Relay;
let scratch: ReturnType<typeof scratchRoot>;
let keysDir: string;
const transport = new SshTransport({ keepaliveIntervalMs: 2_000 });

const target = (overrides: Partial<HostTarget> = {}): HostTarget => ({
  site: 'clinic-test', hostId: 'loopback-sshd', transport: 'ssh', platform: 'linux', address: '127.0.0.1', port: relay.port,
  hostKey: sshd.hostKey, credential: { name: 'writ-test-key', username: sshd.user, privateKeyPath: sshd.clientKey }, connectTimeoutMs: 10_000,
  ...overrides,
});

async function openError(t: HostTarget): Promise<{ code: string; message: string; hint: string }> {
  try {
    const session = await transport.open(t);
    await session.close();
  } catch (e) {
    return e as { code: string; message: string; hint: string };
  }
  throw new Error('open() should have failed');
}

beforeAll(async () => {
  requireSshTools();
  sshd = await startSshd();
  relay = await startRelay(sshd.port);
  scratch = scratchRoot();
  keysDir = mkdtempSync(join(tmpdir(), 'writ-ssh-keys-'));
});

afterAll(async () => {
  await transport.close();
  await relay?.close();
  await sshd?.stop();
  scratch?.cleanup();
  if (keysDir) rmSync(keysDir, { recursive: true, force: true });
});

describe('SshTransport: batches over one connection', () => {
  it('returns per-step stdout, stderr and exit codes in order, all batches over ONE connection', async () => {
    const before = relay.connections;
    const session = await transport.open(target());
    const outcomes = await session.run([
      step('one', 'echo out-1; echo err-1 >&2'),
      step('two', 'printf out-2; exit 3'),
      step('three', 'whoami; echo "$LC_ALL"', [], { library: 'greeting=hello' }),
      step('four', 'echo "$greeting"'),
    ]);
    expect(outcomes.map((o) => [o.key, o.state, o.exitCode, o.stdout, o.stderr, o.truncated])).toEqual([
      ['one', 'ran', 0, 'out-1\n', 'err-1\n', false],
      ['two', 'ran', 3, 'out-2', '', false],
      ['three', 'ran', 0, `${sshd.user}\nC.UTF-8\n`, '', false],
      // Each step is its own bash: nothing leaks from the step before.
      ['four', 'ran', 0, '\n', '', false],
    ]);
    const twenty = Array.from({ length: 20 }, (_, i) => step(`t${i}`, `echo ${i}`));
    const started = performance.now();
    const again = await session.run(twenty);
    const elapsedMs = performance.now() - started;
    expect(again.map((o) => o.stdout)).toEqual(twenty.map((_, i) => `${i}\n`));
    expect(relay.connections - before).toBe(1);
    console.log(`20 trivial steps in one batch over one open connection: ${elapsedMs.toFixed(0)} ms`);
    await session.close();
  });
});

describe('SshTransport: parameters are data', () => {
  let session: HostSession;
  beforeAll(async () => {
    session = await transport.open(target());
  });
  afterAll(async () => {
    await session.close();
  });

  it('delivers every injection-class value byte for byte and executes none of them', async () => {
    const dir = scratch.path('values');
    execFileSync('install', ['-d', '-o', sshd.user, '-m', '0700', dir]);
    const canary = scratch.path('CANARY');
    const values = INJECTION_VALUES.map((v) => v.replaceAll('CANARY', canary));
    const parameters: Parameters = { dir: { type: 'string', description: 'output folder' } };
    const given: Record<string, string | number | boolean | (string | number | boolean)[]> = { dir };
    values.forEach((v, i) => {
      parameters[`v${i}`] = { type: 'string', description: `value ${i}` };
      given[`v${i}`] = v;
    });
    parameters.list = { type: 'array', description: 'a list', items: { type: 'string' } };
    given.list = ['--first', '$(touch ' + canary + ')', 'it\'s “quoted”', ' spaced '];
    parameters.count = { type: 'integer', description: 'a number' };
    given.count = -42;
    parameters.flag = { type: 'boolean', description: 'a flag' };
    given.flag = false;

    const checked = checkParamValues(testRunbook(parameters), given, 'linux');
    if (!checked.ok) throw new Error(checked.message);
    const [outcome] = await session.run([step('probe', WRITE_VALUES, checked.params)]);
    expect(outcome).toMatchObject({ state: 'ran', exitCode: 0, stdout: String(values.length + 3) });

    const received = (i: number) => readFileSync(join(dir, `v${i}`));
    values.forEach((v, i) => expect(received(i).equals(Buffer.from(v, 'utf8')), `value ${i}: ${JSON.stringify(v.slice(0, 40))}`).toBe(true));
    expect(received(values.length).toString('utf8')).toBe(['--first', `$(touch ${canary})`, 'it\'s “quoted”', ' spaced '].join('\n'));
    expect(received(values.length + 1).toString()).toBe('-42');
    expect(received(values.length + 2).toString()).toBe('false');
    expect(existsSync(canary)).toBe(false);
  });

  it.each(UNCARRIABLE_VALUES)('refuses $label with EXEC_PARAM_INVALID before anything runs', async ({ value }) => {
    const canary = scratch.path(`CANARY-${Math.random().toString(36).slice(2)}`);
    const runbook = testRunbook({ v: { type: Array.isArray(value) ? 'array' : 'string', description: 'value' } });
    const checked = checkParamValues(runbook, { v: value }, 'linux');
    expect(checked).toMatchObject({ ok: false, reasonCode: 'EXEC_PARAM_INVALID', field: expect.stringMatching(/^v/) });

    // A caller that skips the check still gets nothing run: the transport refuses the whole batch.
    const outcomes = await session.run([step('canary', `touch '${canary}'`), step('bad', 'true', [{ name: 'v', value }])]);
    expect(outcomes.map((o) => [o.state, o.reasonCode])).toEqual([['refused', 'EXEC_PARAM_INVALID'], ['refused', 'EXEC_PARAM_INVALID']]);
    expect(existsSync(canary)).toBe(false);
  });
});

describe('SshTransport: refusing to connect', () => {
  it('refuses a host key other than the pinned one; nothing runs', async () => {
    const otherKey = readFileSync(`${sshd.clientKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const err = await openError(target({ hostKey: otherKey }));
    expect(err.code).toBe('EXEC_HOST_KEY_MISMATCH');
    expect(err.message).toContain('nothing was sent');
    // Same blob announced under another type is a mismatch too (the pin is unusable).
    const [, blob] = sshd.hostKey.split(' ');
    expect((await openError(target({ hostKey: `ecdsa-sha2-nistp256 ${blob}` }))).code).toBe('EXEC_HOST_KEY_MISSING');
  });

  it('refuses to connect at all without a pinned host key', async () => {
    const before = relay.connections;
    const err = await openError(target({ hostKey: undefined }));
    expect(err.code).toBe('EXEC_HOST_KEY_MISSING');
    expect(relay.connections).toBe(before);
  });

  it('reports a refused key or password as EXEC_AUTH_FAILED without the secret', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keysDir, 'stranger')]);
    const err = await openError(target({ credential: { name: 'stranger', username: sshd.user, privateKeyPath: join(keysDir, 'stranger') } }));
    expect(err.code).toBe('EXEC_AUTH_FAILED');
    writeFileSync(join(keysDir, 'password'), 'hunter2-very-secret\nsecond line\n', { mode: 0o600 });
    const pw = await openError(target({ credential: { name: 'pw', username: sshd.user, passwordPath: join(keysDir, 'password') } }));
    expect(pw.code).toBe('EXEC_AUTH_FAILED');
    const key = readFileSync(join(keysDir, 'stranger'), 'utf8');
    for (const e of [err, pw]) {
      const text = JSON.stringify({ message: e.message, hint: e.hint, data: (e as { data?: unknown }).data });
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain(key.split('\n')[1]!);
    }
  });

  it('reports a closed port as EXEC_CONNECT_FAILED and a silent one as EXEC_CONNECT_TIMEOUT', async () => {
    expect((await openError(target({ port: await freePort() }))).code).toBe('EXEC_CONNECT_FAILED');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const err = await openError(target({ port: (silent.address() as { port: number }).port, connectTimeoutMs: 500 }));
      expect(err.code).toBe('EXEC_CONNECT_TIMEOUT');
    } finally {
      silent.close();
    }
  });

  it('reports a missing key file as EXEC_CREDENTIAL_MISSING', async () => {
    const err = await openError(target({ credential: { name: 'gone', username: sshd.user, privateKeyPath: join(keysDir, 'no-such-key') } }));
    expect(err.code).toBe('EXEC_CREDENTIAL_MISSING');
  });
});

describe('SshTransport: limits and failures during a batch', () => {
  it('stops a step at its timeout and still runs the next step of the batch', async () => {
    const session = await transport.open(target());
    const [slow, next] = await session.run([
      step('slow', 'echo started; sleep 30; echo never', [], { timeoutMs: 1_000 }),
      step('next', 'echo next'),
    ]);
    expect(slow).toMatchObject({ state: 'timeout', reasonCode: 'EXEC_TIMEOUT', stdout: 'started\n' });
    expect(slow!.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(slow!.durationMs).toBeLessThan(5_000);
    expect(next).toMatchObject({ state: 'ran', exitCode: 0, stdout: 'next\n' });
    await session.close();
  });

  it('cuts a huge output at 1 MiB and flags it, without killing the step', async () => {
    const session = await transport.open(target());
    const [big] = await session.run([step('big', 'head -c 3000000 /dev/zero | tr "\\0" a; echo done >&2')]);
    expect(big).toMatchObject({ state: 'ran', exitCode: 0, truncated: true, stderr: 'done\n' });
    expect(big!.stdout).toBe('a'.repeat(1024 * 1024));
    await session.close();
  });

  it('keeps finished results and reports EXEC_CONNECTION_LOST for the rest when the link drops', async () => {
    const session = await transport.open(target());
    const marker = scratch.path('second-started');
    const running = session.run([
      step('first', 'echo first'),
      step('second', `touch '${marker}'; sleep 8; echo late`, [], { timeoutMs: 20_000 }),
      step('third', 'echo third'),
    ]);
    const deadline = Date.now() + 10_000;
    while (!existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(marker)).toBe(true);
    relay.cutAll();
    const outcomes = await running;
    expect(outcomes.map((o) => [o.key, o.state, o.reasonCode ?? null])).toEqual([
      ['first', 'ran', null],
      ['second', 'transport-error', 'EXEC_CONNECTION_LOST'],
      ['third', 'transport-error', 'EXEC_CONNECTION_LOST'],
    ]);
    expect(outcomes[0]!.stdout).toBe('first\n');
    const [after] = await session.run([step('after', 'echo after')]);
    expect(after).toMatchObject({ state: 'transport-error', reasonCode: 'EXEC_CONNECTION_LOST' });
    await session.close();
  });
});

describe('SshTransport: a real runbook', () => {
  it('runs LIN-SSH-001 check with the result library and returns its check-result JSON', async () => {
    const rb = loadLinuxRunbook('LIN-SSH-001');
    const script = readFileSync(join(ROOT, 'runbooks/linux', rb.scripts.check.file!), 'utf8');
    const compliant = scratch.path('compliant_sshd_config');
    const drifted = scratch.path('drifted_sshd_config');
    writeFileSync(compliant, 'Port 22\nPermitRootLogin no\n');
    writeFileSync(drifted, 'PermitRootLogin=yes\n');
    const request = (key: string, path: string): StepRequest => {
      const checked = checkParamValues(rb, { sshd_config: path, reload: false }, 'linux');
      if (!checked.ok) throw new Error(checked.message);
      return step(key, script, checked.params, { runbookId: rb.id, library: LIB, timeoutMs: rb.scripts.check.timeout_seconds! * 1000 });
    };
    const session = await transport.open(target());
    const outcomes = await session.run([request('compliant', compliant), request('drifted', drifted)]);
    await session.close();
    const results = outcomes.map((o) => {
      expect(o.state).toBe('ran');
      const last = o.stdout.trim().split('\n').pop()!;
      const parsed = JSON.parse(last) as { status: string; observed: Record<string, unknown> };
      expect(schemaValidators().validate('check-result', parsed)).toEqual([]);
      return parsed;
    });
    expect(results.map((r) => [r.status, r.observed.permit_root_login])).toEqual([['pass', 'no'], ['fail', 'yes']]);
  });
});
