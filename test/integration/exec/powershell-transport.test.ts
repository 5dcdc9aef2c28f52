/**
 * PowerShellTransport against real PowerShell remoting over SSH: a loopback OpenSSH sshd
 * (testkit/sshd.ts) whose `powershell` subsystem is this machine's pwsh, logged into as the
 * unprivileged writ-test, driven by the transport's own long-lived pwsh (node-powershell). One sshd
 * and one appliance pwsh for the whole file. Windows runbook text needs Windows cmdlets, so the steps
 * here are small test scripts; what is under test is the path of scripts and values, not the runbooks.
 *
 * Setup this relies on, all done by .ci/setup: openssh-server; the writ-test account with a home
 * directory (pwsh writes its caches under ~/.cache and ~/.local when the subsystem starts); and pwsh
 * installed where every user can run it (/opt/writ/tools/pwsh is root-owned with mode 0755, and so is
 * the shared dotnet it runs on). The tests check the first two and fail with a pointer to .ci/setup.
 *
 * WinRM cannot be tested for real here (pwsh on Linux has no WSMan client); the tests cover what the
 * transport does before and instead: the Node-side certificate pin against a loopback TLS server.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PowerShellTransport } from '../../../adapters/exec/powershell-transport.js';
import { ExecError } from '../../../core/errors/exec-error.js';
import { readCheckResult } from '../../../core/exec/read-check-result.js';
import type { HostSession, HostTarget, StepRequest } from '../../../core/exec/step.js';
import type { ParamValue } from '../../../core/policy/resolve-host-rules.js';
import { pwshPath } from '../../helpers/run-windows-runbook.js';
import { startSshd, TEST_USER, type TestSshd } from '../../../testkit/sshd.js';

let sshd: TestSshd;
let transport: PowerShellTransport;
let session: HostSession;
let target: HostTarget;
/** A scratch directory the remote scripts (running as writ-test) may write into. */
let work: string;
let n = 0;

const winStep = (script: string, params: Array<{ name: string; value: ParamValue }> = [], timeoutMs = 30_000): StepRequest => ({
  key: `s${++n}`,
  runbookId: 'RB-WIN-TEST-001',
  step: 'check',
  platform: 'windows',
  script,
  params,
  timeoutMs,
});

async function openError(t: HostTarget): Promise<ExecError> {
  try {
    const s = await transport.open(t);
    await s.close();
  } catch (e) {
    if (e instanceof ExecError) return e;
    throw e;
  }
  throw new Error('open succeeded');
}

beforeAll(async () => {
  const pwsh = pwshPath();
  const home = execFileSync('getent', ['passwd', TEST_USER], { encoding: 'utf8' }).split(':')[5] ?? '';
  if (!home || !existsSync(home)) throw new Error(`${TEST_USER} has no home directory (${home}); pwsh needs one. Run: bash .ci/setup`);
  if ((statSync(pwsh).mode & 0o001) === 0) throw new Error(`${pwsh} is not executable by other users, so ${TEST_USER} cannot start the powershell subsystem. Run: chmod o+rx ${pwsh}`);
  sshd = await startSshd({ extraConfig: [`Subsystem powershell ${pwsh} -sshs -NoLogo -NoProfile`] });
  work = mkdtempSync(join(tmpdir(), 'writ-ps-work-'));
  const uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', TEST_USER], { encoding: 'utf8' }).trim());
  chownSync(work, uid, gid);
  transport = new PowerShellTransport({ pwshPath: pwsh });
  target = {
    site: 'clinic-test',
    hostId: 'win-01',
    transport: 'powershell-ssh',
    platform: 'windows',
    address: '127.0.0.1',
    port: sshd.port,
    hostKey: sshd.hostKey,
    credential: { name: 'win-admin', username: sshd.user, privateKeyPath: sshd.clientKey },
    connectTimeoutMs: 20_000,
  };
  session = await transport.open(target);
});

afterAll(async () => {
  await session?.close();
  await transport?.close();
  await sshd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('PowerShellTransport over SSH (powershell-ssh)', () => {
  it('runs a check and returns its JSON result', async () => {
    const script = [
      'param([int]$max_days, [string]$name)',
      "$ErrorActionPreference = 'Stop'",
      "$result = [ordered]@{ status = 'pass'; observed = [ordered]@{ max_days = $max_days; name = $name; user = [Environment]::UserName }; message = 'Settings match.' }",
      'Write-Output ($result | ConvertTo-Json -Compress -Depth 4)',
    ].join('\n');
    const [outcome] = await session.run([winStep(script, [{ name: 'max_days', value: 90 }, { name: 'name', value: 'Front desk – “PC 1”' }])]);
    expect(outcome).toMatchObject({ state: 'ran', exitCode: 0, truncated: false, stderr: '' });
    const observation = readCheckResult(outcome!);
    expect(observation).toEqual({ ok: true, result: { status: 'pass', observed: { max_days: 90, name: 'Front desk – “PC 1”', user: TEST_USER }, message: 'Settings match.' } });
  });

  it('delivers hostile values byte-identical, as data: nothing in them runs', async () => {
    const canary = join(work, 'canary');
    const hostile = [
      "it's 'single'",
      'say "double"',
      `'; New-Item -ItemType File -Path '${canary}'; '`,
      `"; New-Item -ItemType File -Path "${canary}"; "`,
      `; New-Item -ItemType File -Path ${canary}`,
      `$(New-Item -ItemType File -Path ${canary})`,
      `\`$(New-Item -ItemType File -Path ${canary})\` and \`n backticks\``,
      `@(New-Item -ItemType File -Path ${canary})`,
      '${env:HOME} $env:USER ${function:prompt}',
      `| Out-File ${canary}`,
      `& touch ${canary}`,
      `$(touch ${canary}); \`touch ${canary}\``,
      'new\nline and \r carriage\r\n',
      'line\u2028separator\u2029paragraph',
      `\u2013Force \u2014Recurse \u2013\u2013option`,
      `\u201C; New-Item -ItemType File -Path ${canary}; \u201D`,
      `\u2018; New-Item -ItemType File -Path ${canary}; \u2019`,
      '--option=value',
      '-Force',
      '-n:5',
      '# not a comment <# nor a block #>',
      '\u00e9\u4e2d\ud83d\ude00 \u202e',
      '',
    ];
    const script = [
      'param([string]$a, [string[]]$b, [int]$n, [bool]$f, [string]$outDir)',
      "$ErrorActionPreference = 'Stop'",
      '$utf8 = New-Object System.Text.UTF8Encoding $false',
      "[IO.File]::WriteAllBytes((Join-Path $outDir 'a.bin'), $utf8.GetBytes($a))",
      "for ($i = 0; $i -lt $b.Count; $i++) { [IO.File]::WriteAllBytes((Join-Path $outDir ('b' + $i + '.bin')), $utf8.GetBytes($b[$i])) }",
      "[ordered]@{ status = 'pass'; observed = [ordered]@{ b_count = $b.Count; n = $n; n_type = $n.GetType().Name; f = $f; f_type = $f.GetType().Name }; message = 'received' } | ConvertTo-Json -Compress",
    ].join('\n');
    // One step per hostile value as $a (each in its own directory); all of them together as $b.
    const dirs = hostile.map((_, i) => join(work, `case-${i}`));
    for (const dir of dirs) execFileSync('install', ['-d', '-o', TEST_USER, dir]);
    const steps = hostile.map((value, i) =>
      winStep(script, [
        { name: 'a', value },
        { name: 'b', value: hostile },
        { name: 'n', value: -42 },
        { name: 'f', value: true },
        { name: 'outDir', value: dirs[i]! },
      ]),
    );
    const outcomes = await session.run(steps);
    outcomes.forEach((outcome, i) => {
      expect(outcome, `case ${i}: ${outcome.stderr}`).toMatchObject({ state: 'ran', exitCode: 0, stderr: '' });
      expect(readFileSync(join(dirs[i]!, 'a.bin')), `case ${i}`).toEqual(Buffer.from(hostile[i]!, 'utf8'));
      expect(JSON.parse(outcome.stdout).observed).toEqual({ b_count: hostile.length, n: -42, n_type: 'Int32', f: true, f_type: 'Boolean' });
    });
    hostile.forEach((value, j) => expect(readFileSync(join(dirs[0]!, `b${j}.bin`)), `item ${j}`).toEqual(Buffer.from(value, 'utf8')));
    expect(existsSync(canary)).toBe(false);
  });

  it('binds empty and one-item lists as lists, in declaration order', async () => {
    const script = 'param([string[]]$b, [int]$n, [bool]$f)\n"$($b.Count)|$($b -join \',\')|$n|$f"';
    const outcomes = await session.run([
      winStep(script, [{ name: 'b', value: [] }, { name: 'n', value: 0 }, { name: 'f', value: false }]),
      winStep(script, [{ name: 'b', value: ['only'] }, { name: 'n', value: 2147483647 }, { name: 'f', value: true }]),
    ]);
    expect(outcomes.map((o) => o.stdout)).toEqual(['0||0|False\n', '1|only|2147483647|True\n']);
  });

  it('keeps exit codes, and the session survives `exit`', async () => {
    const outcomes = await session.run([winStep('"about to exit"\nexit 7'), winStep('"still here"')]);
    expect(outcomes.map((o) => [o.state, o.exitCode, o.stdout])).toEqual([
      ['ran', 7, 'about to exit\n'],
      ['ran', 0, 'still here\n'],
    ]);
  });

  it('reports a script that throws with its error text, and runs the next step', async () => {
    const outcomes = await session.run([
      winStep("\"before\"\nthrow 'registry key missing'\n\"never\""),
      winStep("Write-Warning 'careful'\nWrite-Host 'to the host'\nWrite-Error 'soft error'\n'after'"),
    ]);
    expect(outcomes[0]).toMatchObject({ state: 'ran', exitCode: 1, stdout: 'before\n' });
    expect(outcomes[0]!.stderr).toContain('registry key missing');
    expect(outcomes[1]).toMatchObject({ state: 'ran', exitCode: 0, stdout: 'after\n' });
    expect(outcomes[1]!.stderr.split('\n')).toEqual(expect.arrayContaining(['WARNING: careful', 'to the host', 'soft error']));
  });

  it('stops a step at its timeout and keeps the session usable', async () => {
    const started = performance.now();
    const outcomes = await session.run([winStep("'started'\nStart-Sleep -Seconds 60\n'woke up'", [], 1_500), winStep("'next step'")]);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(outcomes[0]).toMatchObject({ state: 'timeout', reasonCode: 'EXEC_TIMEOUT', exitCode: null, stdout: 'started\n' });
    expect(outcomes[1]).toMatchObject({ state: 'ran', exitCode: 0, stdout: 'next step\n' });
    const [again] = await session.run([winStep("'later run'")]);
    expect(again).toMatchObject({ state: 'ran', stdout: 'later run\n' });
  });

  it('cuts output at the cap and says so', async () => {
    const [outcome] = await session.run([winStep("'x' * 700000\n'y' * 700000\n'z'")]);
    expect(outcome).toMatchObject({ state: 'ran', exitCode: 0, truncated: true });
    expect(outcome!.stdout.length).toBe(1024 * 1024);
    expect(readCheckResult(outcome!)).toMatchObject({ ok: false, reasonCode: 'EXEC_OUTPUT_TOO_LARGE' });
  });

  it('refuses a whole run with a value it cannot carry or a Linux step; nothing runs', async () => {
    const marker = join(work, 'refused-ran');
    const touch = `param([string]$p)\nNew-Item -ItemType File -Path '${marker}' | Out-Null`;
    const outcomes = await session.run([winStep(touch, [{ name: 'p', value: 'ok' }]), winStep(touch, [{ name: 'p', value: 'nul\0byte' }])]);
    expect(outcomes.map((o) => [o.state, o.reasonCode])).toEqual([
      ['refused', 'EXEC_PARAM_INVALID'],
      ['refused', 'EXEC_PARAM_INVALID'],
    ]);
    const [linux] = await session.run([{ ...winStep(touch, [{ name: 'p', value: 'ok' }]), platform: 'linux' }]);
    expect(linux).toMatchObject({ state: 'refused', reasonCode: 'EXEC_PLATFORM_MISMATCH' });
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a host whose key is not the pinned one, and a host with no pin', async () => {
    const other = join(work, 'other_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const otherKey = readFileSync(`${other}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    const mismatch = await openError({ ...target, hostKey: otherKey });
    expect(mismatch.code).toBe('EXEC_HOST_KEY_MISMATCH');
    expect(mismatch.message).toContain('nothing was sent');
    expect((await openError({ ...target, hostKey: undefined })).code).toBe('EXEC_HOST_KEY_MISSING');
    // The pinned key, but a client key the host does not authorize.
    expect((await openError({ ...target, credential: { name: 'wrong', username: sshd.user, privateKeyPath: other } })).code).toBe('EXEC_AUTH_FAILED');
  });

  it('gives EXEC_CONNECTION_LOST when the host side of the session dies, and reopens on the next run', async () => {
    // [Environment]::Exit ends the remote pwsh itself (unlike `exit`, which ends only the script).
    const outcomes = await session.run([winStep("'going'\n[Environment]::Exit(3)"), winStep("'not run'")]);
    expect(outcomes.map((o) => [o.state, o.reasonCode])).toEqual([
      ['transport-error', 'EXEC_CONNECTION_LOST'],
      ['transport-error', 'EXEC_CONNECTION_LOST'],
    ]);
    expect(outcomes[1]!.message).toContain(`not run: the session broke during step ${outcomes[0]!.key}`);
    const [next] = await session.run([winStep("'reopened'")]);
    expect(next).toMatchObject({ state: 'ran', exitCode: 0, stdout: 'reopened\n' });
  });

  it('reports a closed port as EXEC_CONNECT_FAILED', async () => {
    const e = await openError({ ...target, port: 1 });
    expect(e.code).toBe('EXEC_CONNECT_FAILED');
    expect(e.message).toContain('Connection refused');
  });

  it('names a missing pwsh as EXEC_TRANSPORT_UNAVAILABLE', async () => {
    const missing = new PowerShellTransport({ pwshPath: join(work, 'no-such-pwsh') });
    try {
      await expect(missing.open(target)).rejects.toMatchObject({ code: 'EXEC_TRANSPORT_UNAVAILABLE', hint: expect.stringContaining('PowerShell 7') });
    } finally {
      await missing.close();
    }
  });

  it('gives in-flight steps EXEC_CONNECTION_LOST when pwsh dies, then starts a new pwsh and reopens', async () => {
    const before = appliancePwshPids();
    expect(before).toHaveLength(1);
    const running = session.run([winStep("Start-Sleep -Seconds 30\n'woke'", [], 45_000), winStep("'after'")]);
    await new Promise((r) => setTimeout(r, 1_500));
    process.kill(before[0]!, 'SIGKILL');
    const outcomes = await running;
    expect(outcomes.map((o) => [o.state, o.reasonCode])).toEqual([
      ['transport-error', 'EXEC_CONNECTION_LOST'],
      ['transport-error', 'EXEC_CONNECTION_LOST'],
    ]);
    const [next] = await session.run([winStep("'back'")]);
    expect(next).toMatchObject({ state: 'ran', exitCode: 0, stdout: 'back\n' });
    const after = appliancePwshPids();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
  });
});

describe('PowerShellTransport over WinRM: the certificate pin', () => {
  let server: Server;
  let port: number;
  let fingerprint: string;
  let received = 0;
  let passwordFile: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'writ-winrm-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=win-01.clinic.test',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    fingerprint = new X509Certificate(cert).fingerprint256;
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (socket: TLSSocket) => {
      socket.on('data', (d: Buffer) => (received += d.length));
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
    passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, 'not-a-real-password\n', { mode: 0o600 });
  });

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const winrm = (tlsCertSha256: string | undefined): HostTarget => ({
    site: 'clinic-test',
    hostId: 'win-02',
    transport: 'winrm',
    platform: 'windows',
    address: '127.0.0.1',
    port,
    ...(tlsCertSha256 === undefined ? {} : { tlsCertSha256 }),
    credential: { name: 'win-admin', username: 'CLINIC\\writ', passwordPath: passwordFile },
    connectTimeoutMs: 10_000,
  });

  it('refuses a certificate other than the pinned one and sends nothing', async () => {
    const e = await openError(winrm('ab'.repeat(32)));
    expect(e.code).toBe('EXEC_TLS_PIN_MISMATCH');
    expect(e.data['presentedSha256']).toBe(fingerprint.replace(/:/g, '').toLowerCase());
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toBe(0);
  });

  it('refuses a host with no pin', async () => {
    expect((await openError(winrm(undefined))).code).toBe('EXEC_TLS_PIN_MISSING');
  });

  it('with the pin matching, says this pwsh has no WinRM client and what to do instead', async () => {
    const e = await openError(winrm(fingerprint));
    expect(e.code).toBe('EXEC_TRANSPORT_UNAVAILABLE');
    expect(e.hint).toMatch(/powershell-ssh/);
    expect(received).toBe(0);
  });
});

/** The transport's pwsh: a direct child of this test process named pwsh (the writ-test ones belong to sshd). */
function appliancePwshPids(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-x', 'pwsh'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
