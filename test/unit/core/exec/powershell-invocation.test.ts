import { describe, expect, it } from 'vitest';
import { ExecError } from '../../../../core/errors/exec-error.js';
import {
  buildCloseSession,
  buildLoadPrelude,
  buildSshOpen,
  buildStepInvocation,
  buildWinRmOpen,
  classifyPowerShellOpenFailure,
  encodePowerShellValue,
  outcomeFromPowerShellFrame,
  pinnedKnownHosts,
  powershellPrelude,
  POWERSHELL_HOST_KEY_ALIAS,
  readPowerShellResult,
  refusePowerShellSteps,
} from '../../../../core/exec/powershell-invocation.js';
import type { StepRequest } from '../../../../core/exec/step.js';
import type { ParamValue } from '../../../../core/policy/resolve-host-rules.js';

/** Values that would be code if they were spliced into PowerShell text. */
const HOSTILE: string[] = [
  "it's",
  '"double"',
  "'; New-Item -Path /tmp/canary; '",
  '"; New-Item -Path /tmp/canary; "',
  '; Remove-Item -Recurse C:\\',
  '$(New-Item -Path /tmp/canary)',
  '`$(whoami)` `n backtick',
  '${env:PATH}',
  '$env:USERNAME',
  '@(New-Item /tmp/canary)',
  'line1\nline2',
  'cr\rlf\r\n',
  'sep\u2028para\u2029',
  '\u2013Force \u2014Recurse',
  '\u201Ccurly double\u201D \u2018curly single\u2019 \u201E\u201F',
  '\u2018; New-Item /tmp/canary; \u2018',
  '--option=value',
  '-Force',
  '-n:5',
  '# comment',
  '<# block #>',
  '| Out-File /tmp/canary',
  '& calc.exe',
  '\u00e9\u4e2d\ud83d\ude00',
  '',
  ' ',
];

const step = (params: Array<{ name: string; value: ParamValue }>, extra: Partial<StepRequest> = {}): StepRequest => ({
  key: 'k1',
  runbookId: 'RB-WIN-TEST-001',
  step: 'check',
  platform: 'windows',
  script: 'param([string]$a)\n"$a"\n',
  params,
  timeoutMs: 30_000,
  ...extra,
});

const TAG = '9f86d081884c7d659f86d081884c7d65';
const LITERAL = /'([A-Za-z0-9+/]*={0,2})'/g;
const DECODE = /\(\[Text\.Encoding\]::UTF8\.GetString\(\[Convert\]::FromBase64String\('([A-Za-z0-9+/]*={0,2})'\)\)\)/g;

/** The command with every base64 literal replaced by a placeholder: what must not depend on values. */
const skeleton = (command: string) => command.replace(LITERAL, "'B64'");
const decoded = (command: string) => [...command.matchAll(DECODE)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));

describe('buildStepInvocation: values travel as data', () => {
  it.each(HOSTILE.map((v) => [JSON.stringify(v), v]))('%s: only base64 inside quotes, the same code as for a plain value', (_, value) => {
    const hostile = buildStepInvocation(3, step([{ name: 'a', value }, { name: 'b', value: [value, 'x'] }]));
    const plain = buildStepInvocation(3, step([{ name: 'a', value: 'plain' }, { name: 'b', value: ['plain', 'x'] }]));
    expect(skeleton(hostile)).toBe(skeleton(plain));
    // Every quote in the command opens a base64 literal: nothing else is quoted.
    expect(hostile.replace(LITERAL, '').match(/['"\u2018\u2019\u201A\u201B\u201C\u201D\u201E\u201F`]/g)).toBeNull();
    // The command is one line of ASCII.
    expect(hostile).toMatch(/^[\x20-\x7e]+$/);
    expect(decoded(hostile)).toEqual([value, value, 'x', step([]).script]);
  });

  it('lays out the command: a list of arguments in declaration order, then one Invoke-WritStep', () => {
    const command = buildStepInvocation(12, step([
      { name: 'a', value: 'v' },
      { name: 'b', value: ['p', 'q'] },
      { name: 'n', value: 42 },
      { name: 'f', value: true },
      { name: 'g', value: false },
      { name: 'e', value: [] },
    ], { timeoutMs: 1500.2 }));
    expect(skeleton(command)).toBe(
      "$writArgs = [System.Collections.Generic.List[object]]::new(); " +
        "$writArgs.Add(([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('B64')))); " +
        "$writArgs.Add(@(([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('B64'))), ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('B64'))))); " +
        '$writArgs.Add(42); $writArgs.Add($true); $writArgs.Add($false); $writArgs.Add(@()); ' +
        "Invoke-WritStep -SessionId 12 -ScriptText ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('B64'))) -Arguments ($writArgs.ToArray()) -TimeoutMs 1501 -MaxOutputChars 1048576 -StopGraceMs 10000",
    );
    expect(buildStepInvocation(1, step([]), { maxOutputChars: 64 })).toContain('-MaxOutputChars 64 ');
  });

  it('writes numbers as validated numeric literals', () => {
    expect(encodePowerShellValue('n', 0)).toBe('0');
    expect(encodePowerShellValue('n', -0)).toBe('0');
    expect(encodePowerShellValue('n', -17)).toBe('-17');
    expect(encodePowerShellValue('n', 2.5)).toBe('2.5');
    expect(encodePowerShellValue('n', 1e21)).toBe('1e+21');
    expect(encodePowerShellValue('n', 1.5e-7)).toBe('1.5e-7');
    expect(encodePowerShellValue('n', [1, true, 'x'])).toBe("@(1, $true, ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('eA=='))))");
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => encodePowerShellValue('n', bad)).toThrow(expect.objectContaining({ code: 'EXEC_PARAM_INVALID' }));
    }
  });

  it('refuses values it cannot carry: NUL, lone surrogates, a list in a list', () => {
    for (const value of ['a\0b', 'x\ud800', '\udc00y', ['ok', 'bad\0'], [['nested']] as unknown as ParamValue]) {
      let error: unknown;
      try {
        buildStepInvocation(1, step([{ name: 'a', value }]));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ExecError);
      expect((error as ExecError).code).toBe('EXEC_PARAM_INVALID');
    }
  });

  it('refuses the whole run when one step cannot be sent', () => {
    const bad = step([{ name: 'a', value: 'x\0' }], { key: 'bad' });
    const good = step([{ name: 'a', value: 'fine' }], { key: 'good' });
    expect(refusePowerShellSteps([good])).toBeUndefined();
    const outcomes = refusePowerShellSteps([good, bad])!;
    expect(outcomes.map((o) => [o.key, o.state, o.reasonCode])).toEqual([
      ['good', 'refused', 'EXEC_PARAM_INVALID'],
      ['bad', 'refused', 'EXEC_PARAM_INVALID'],
    ]);
    expect(outcomes[0]!.message).toBe('not run: step bad of the same batch was refused');
    expect(outcomes[1]!.message).toBe('RB-WIN-TEST-001 check: a: cannot travel as data: NUL character in the value');
  });

  it('refuses Linux steps and libraries', () => {
    expect(refusePowerShellSteps([step([], { platform: 'linux' })])![0]!.reasonCode).toBe('EXEC_PLATFORM_MISMATCH');
    expect(refusePowerShellSteps([step([], { library: 'writ_result() { :; }' })])![0]!.reasonCode).toBe('EXEC_PLATFORM_MISMATCH');
  });

  it('carries the script text as base64 too, whatever it holds', () => {
    const script = "param([string]$a)\n'); Remove-Item -Recurse / ; ('\n\u201Cx\u201D \u2013y\nexit 3\n";
    const command = buildStepInvocation(1, step([{ name: 'a', value: 'v' }], { script }));
    expect(decoded(command).at(-1)).toBe(script);
    expect(command).not.toContain('Remove-Item');
  });
});

describe('session commands', () => {
  const ssh = { hostName: 'fd-01.clinic.local', port: 2222, userName: 'CLINIC\\writ', keyFilePath: '/etc/writ/keys/fd-01', knownHostsFile: '/tmp/writ-pwsh-a/known_hosts-1', connectTimeoutMs: 7_500.5 };

  it('opens SSH sessions with every value as base64', () => {
    const command = buildSshOpen(ssh);
    expect(skeleton(command)).toBe(
      "Open-WritSshSession -HostName ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('B64'))) -Port 2222" +
        " -UserName ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('B64')))" +
        " -KeyFilePath ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('B64')))" +
        " -KnownHostsFile ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('B64'))) -ConnectingTimeoutMs 7501",
    );
    expect(decoded(command)).toEqual([ssh.hostName, ssh.userName, ssh.keyFilePath, ssh.knownHostsFile]);
  });

  it.each([
    ['-oProxyCommand=sh', 'EXEC_CONNECT_FAILED'],
    ['user@host', 'EXEC_CONNECT_FAILED'],
    ['host:22', 'EXEC_CONNECT_FAILED'],
    ['two words', 'EXEC_CONNECT_FAILED'],
    ['', 'EXEC_CONNECT_FAILED'],
  ])('refuses the host name %j before anything runs', (hostName, code) => {
    expect(() => buildSshOpen({ ...ssh, hostName })).toThrow(expect.objectContaining({ code }));
  });

  it('refuses users and key paths ssh could misread', () => {
    expect(() => buildSshOpen({ ...ssh, userName: '-oProxyCommand=x' })).toThrow(expect.objectContaining({ code: 'EXEC_CREDENTIAL_MISSING' }));
    expect(() => buildSshOpen({ ...ssh, userName: 'a b' })).toThrow(expect.objectContaining({ code: 'EXEC_CREDENTIAL_MISSING' }));
    expect(() => buildSshOpen({ ...ssh, keyFilePath: 'relative/key' })).toThrow(expect.objectContaining({ code: 'EXEC_CREDENTIAL_MISSING' }));
    expect(() => buildSshOpen({ ...ssh, keyFilePath: '/keys/a key' })).toThrow(expect.objectContaining({ code: 'EXEC_CREDENTIAL_MISSING' }));
    expect(() => buildSshOpen({ ...ssh, port: 0 })).toThrow(expect.objectContaining({ code: 'EXEC_CONNECT_FAILED' }));
  });

  it('opens WinRM sessions with the password read by pwsh from its file', () => {
    const command = buildWinRmOpen({ computerName: 'fd-01', port: 5986, userName: 'writ', passwordFile: '/etc/writ/secrets/fd 01' });
    expect(skeleton(command)).toBe(
      "Open-WritWinRmSession -ComputerName ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('B64'))) -Port 5986" +
        " -UserName ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('B64')))" +
        " -PasswordFile ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('B64')))",
    );
  });

  it('closes sessions and loads the prelude by digits and base64 only', () => {
    expect(buildCloseSession(7)).toBe('Close-WritSession -SessionId 7');
    expect(skeleton(buildLoadPrelude("/tmp/it's/writ-prelude.ps1", TAG))).toBe("$global:WritResultTag = 'B64'; . ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('B64')))");
    expect(() => buildLoadPrelude('/tmp/p.ps1', "x'; calc; '")).toThrow(RangeError);
  });

  it('pins exactly one host key under a fixed alias', () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINgm6JWM/E7sBAfpWBjY/5byh89Rcs107GQevm34Cbxj';
    expect(pinnedKnownHosts(`${key} comment`, 'c/h')).toBe(`${POWERSHELL_HOST_KEY_ALIAS} ${key}\n`);
    expect(() => pinnedKnownHosts(undefined, 'c/h')).toThrow(expect.objectContaining({ code: 'EXEC_HOST_KEY_MISSING' }));
    expect(() => pinnedKnownHosts('ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAINgm6JWM/E7sBAfpWBjY/5byh89Rcs107GQevm34Cbxj', 'c/h')).toThrow(expect.objectContaining({ code: 'EXEC_HOST_KEY_MISSING' }));
    expect(() => pinnedKnownHosts('ssh-ed25519 not\nbase64', 'c/h')).toThrow(expect.objectContaining({ code: 'EXEC_HOST_KEY_MISSING' }));
  });
});

describe('the prelude', () => {
  const prelude = powershellPrelude();

  it('never turns text into code', () => {
    expect(prelude).not.toMatch(/Invoke-Expression|\biex\b|\[scriptblock\]::Create|ScriptBlock\]::Create|Add-Type|-FilePath/i);
  });

  it('runs scripts as files with the values splatted, and frames every answer', () => {
    expect(prelude).toContain('& $writFile @WritArguments');
    expect(prelude).toContain("[Console]::Out.WriteLine('WRIT-RESULT ' + $global:WritResultTag + ' ' + [Convert]::ToBase64String(");
    expect(prelude).toContain("StrictHostKeyChecking = 'yes'");
    expect(prelude).toContain("BatchMode = 'yes'");
  });
});

describe('readPowerShellResult and outcomeFromPowerShellFrame', () => {
  const frame = (value: unknown, tag = TAG) => `WRIT-RESULT ${tag} ${Buffer.from(JSON.stringify(value)).toString('base64')}`;

  it('reads the last result line with this pwsh\'s tag, after terminal noise, and ignores anything else', () => {
    expect(readPowerShellResult(`\u001b[?1h\u001b[?1l${frame({ ready: true })}\n`, TAG)).toEqual({ ready: true });
    expect(readPowerShellResult(`${frame({ n: 1 })}\nWRIT-RESULT ${TAG} forged but not base64!\n${frame({ n: 2 })}\r\n`, TAG)).toEqual({ n: 2 });
    // A line with another tag (something else printing on pwsh's console) is not a result.
    expect(readPowerShellResult(`${frame({ n: 1 })}\n${frame({ forged: true }, '0123456789abcdef')}\n`, TAG)).toEqual({ n: 1 });
    expect(readPowerShellResult('no result here\n', TAG)).toBeUndefined();
    expect(readPowerShellResult(`${frame([1, 2])}\n`, TAG)).toBeUndefined();
    expect(readPowerShellResult(`WRIT-RESULT ${TAG} bm90IGpzb24=\n`, TAG)).toBeUndefined();
  });

  const s = step([], { timeoutMs: 2_000 });
  const base = { stdout: 'out\n', stderr: '', exitCode: 0, timedOut: false, truncated: false, lost: false, durationMs: 12 };

  it('maps frames to outcomes', () => {
    expect(outcomeFromPowerShellFrame(s, base)).toEqual({ key: 'k1', state: 'ran', exitCode: 0, stdout: 'out\n', stderr: '', truncated: false, durationMs: 12 });
    expect(outcomeFromPowerShellFrame(s, { ...base, exitCode: null, timedOut: true })).toMatchObject({ state: 'timeout', reasonCode: 'EXEC_TIMEOUT', exitCode: null, message: 'RB-WIN-TEST-001 check was stopped after 2 s' });
    expect(outcomeFromPowerShellFrame(s, { ...base, lost: true, message: 'Broken' })).toMatchObject({ state: 'transport-error', reasonCode: 'EXEC_CONNECTION_LOST' });
    expect(outcomeFromPowerShellFrame(s, { ...base, runnerError: 'x' })).toMatchObject({ state: 'transport-error', reasonCode: 'EXEC_RUNNER_FAILED' });
    expect(outcomeFromPowerShellFrame(s, { ...base, truncated: true })).toMatchObject({ state: 'ran', truncated: true });
    expect(outcomeFromPowerShellFrame(s, { ready: true })).toMatchObject({ state: 'transport-error', reasonCode: 'EXEC_RUNNER_FAILED' });
    expect(outcomeFromPowerShellFrame(s, undefined)).toMatchObject({ state: 'transport-error', reasonCode: 'EXEC_RUNNER_FAILED' });
  });
});

describe('classifyPowerShellOpenFailure', () => {
  const failed = { ok: false, message: 'The SSH client session has ended with error message: The SSH transport process has abruptly terminated causing this remote session to break.' };
  const code = (stderr: string, elapsed = 100) => classifyPowerShellOpenFailure(failed, stderr, elapsed, 10_000, 'c/h', 'powershell-ssh').code;

  it('reads ssh\'s own words', () => {
    expect(code('No ED25519 host key is known for writ-pinned-host and you have requested strict checking.\nHost key verification failed.\n')).toBe('EXEC_HOST_KEY_MISMATCH');
    expect(code('@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\n')).toBe('EXEC_HOST_KEY_MISMATCH');
    expect(code('writ-test@127.0.0.1: Permission denied (publickey).\n')).toBe('EXEC_AUTH_FAILED');
    expect(code('subsystem request failed on channel 0\n')).toBe('EXEC_RUNNER_FAILED');
    expect(code('ssh: connect to host 10.0.0.9 port 22: Connection timed out\n')).toBe('EXEC_CONNECT_TIMEOUT');
    expect(code('', 10_050)).toBe('EXEC_CONNECT_TIMEOUT');
    const refused = classifyPowerShellOpenFailure(failed, 'ssh: connect to host 127.0.0.1 port 1: Connection refused\n', 5, 10_000, 'c/h', 'powershell-ssh');
    expect([refused.code, refused.message]).toEqual(['EXEC_CONNECT_FAILED', 'c/h: cannot open a PowerShell session (ssh: connect to host 127.0.0.1 port 1: Connection refused)']);
    // A refusal that took longer than the connect timeout (pwsh start-up on a busy appliance) is
    // still a refusal: ssh's words win over the clock.
    expect(code('ssh: connect to host 127.0.0.1 port 1: Connection refused\n', 12_000)).toBe('EXEC_CONNECT_FAILED');
    expect(code('kex_exchange_identification: Connection closed by remote host\n', 12_000)).toBe('EXEC_CONNECT_FAILED');
  });

  it('names a missing WSMan client as an unavailable transport, with what to do', () => {
    const e = classifyPowerShellOpenFailure(
      { ok: false, message: 'This parameter set requires WSMan…', exceptionTypes: ['System.Management.Automation.Remoting.PSRemotingTransportException', 'System.DllNotFoundException'] },
      '', 20, 10_000, 'c/h', 'winrm',
    );
    expect(e.code).toBe('EXEC_TRANSPORT_UNAVAILABLE');
    expect(e.hint).toMatch(/powershell-ssh/);
    expect(e.hint).toMatch(/PSWSMan/);
    expect(classifyPowerShellOpenFailure({ ok: false, stage: 'credential' }, '', 1, 10_000, 'c/h', 'winrm').code).toBe('EXEC_CREDENTIAL_MISSING');
  });
});
