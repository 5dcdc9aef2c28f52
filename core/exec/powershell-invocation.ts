import { ExecError } from '../errors/exec-error.js';
import type { ParamValue } from '../policy/resolve-host-rules.js';
import { findCarryProblem } from './check-param-values.js';
import { unfinishedOutcome } from './linux-batch.js';
import type { StepOutcome, StepRequest } from './step.js';

/**
 * The PowerShell text the appliance's long-lived pwsh runs for Windows hosts (powershell-ssh, winrm).
 *
 * Nothing a release, a site or a host supplies is ever PowerShell code here. The prelude below is
 * fixed text; every command Node sends afterwards is ONE line made of fixed text, writ-generated
 * digits, `$true`/`$false` and single-quoted base64 literals, each decoded back to text with
 * `[Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('…'))`. The base64 alphabet
 * (A–Z a–z 0–9 + / =) holds no quote, so no value can end its literal early, and curly quotes or
 * Unicode dashes (which PowerShell's parser treats as ' " and -) never reach the parser.
 *
 * A step's script text reaches the host as data too: the prelude's fixed remote wrapper
 * ($WritRemoteStep) receives it and the parameter values as Invoke-Command arguments (serialized by
 * PowerShell remoting, never parsed), writes the text to a private temp file on the host and runs it
 * with `& $file @values`. Values bind positionally in declaration order to the script's param()
 * block (docs/runbook-authoring.md); array splatting passes "-Force"-like strings as values, never
 * as parameter names. Running the text as a script file, rather than `Invoke-Command -FilePath`
 * (which sends it as a script block), keeps `exit N` a script exit: in a remote script block `exit`
 * closes the whole remoting session.
 *
 * Each call prints exactly one line for Node, anywhere in pwsh's stdout:
 *   WRIT-RESULT <tag> <base64 of UTF-8 JSON>
 * where <tag> is a random hex string the appliance picks for each pwsh it starts (buildLoadPrelude), so
 * nothing else that reaches pwsh's console (ssh prints its errors there) can pass for a result. For a
 * step the JSON is a PowerShellStepFrame.
 */

/** Marks the one line of each call's stdout that Node reads. */
export const POWERSHELL_RESULT_MARKER = 'WRIT-RESULT';
/** Per step and per stream (stdout, stderr), in UTF-16 code units; the rest is dropped and flagged. */
export const POWERSHELL_MAX_OUTPUT_CHARS = 1024 * 1024;
/** The longest step timeout accepted (one day), as on Linux. */
const MAX_STEP_TIMEOUT_MS = 86_400_000;
/** The name the pinned key is filed under in the per-host known_hosts file (ssh HostKeyAlias). */
export const POWERSHELL_HOST_KEY_ALIAS = 'writ-pinned-host';
/** How long a stopped step may take to stop before the session counts as lost. */
export const POWERSHELL_STOP_GRACE_MS = 10_000;

/** What Invoke-WritStep reports for one step. */
export interface PowerShellStepFrame {
  stdout: string;
  stderr: string;
  /** `exit N` of the script, $LASTEXITCODE when it ended normally, 1 when it threw; null when stopped. */
  exitCode: number | null;
  timedOut: boolean;
  truncated: boolean;
  /** The remoting session broke (or was not open); steps after this one cannot run on it. */
  lost: boolean;
  durationMs: number;
  /** The appliance side failed (not the script): a bug or a pwsh that misbehaves. */
  runnerError?: string;
  message?: string;
}

/** What the session-opening functions report. */
export interface PowerShellOpenFrame {
  ok: boolean;
  sessionId?: number;
  message?: string;
  errorId?: string;
  /** The exception's type and those of its inner exceptions, outermost first. */
  exceptionTypes?: string[];
  /** `credential` when the password file could not be read (winrm). */
  stage?: string;
}

// The fixed prelude. No `${` or backtick may appear in it (it is a TS template literal); it holds no value.
const PRELUDE = `# writ PowerShell prelude (core/exec/powershell-invocation.ts), dot-sourced once into the
# appliance's long-lived pwsh. Fixed code: values reach these functions only as arguments, decoded from
# base64 by the one-line commands that call them. Each function prints exactly one WRIT-RESULT line.
Set-StrictMode -Version 3.0
$ProgressPreference = 'SilentlyContinue'
$PSStyle.OutputRendering = 'PlainText'

function global:Write-WritResult {
  param([Parameter(Mandatory)][System.Collections.IDictionary]$Result)
  $json = ConvertTo-Json -InputObject $Result -Compress -Depth 5
  [Console]::Out.WriteLine('${POWERSHELL_RESULT_MARKER} ' + $global:WritResultTag + ' ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json)))
}

function global:Get-WritErrorInfo {
  param($ErrorRecord)
  $types = New-Object System.Collections.Generic.List[string]
  $e = $ErrorRecord.Exception
  while ($null -ne $e) { $types.Add($e.GetType().FullName); $e = $e.InnerException }
  [ordered]@{ ok = $false; message = $ErrorRecord.Exception.Message; errorId = [string]$ErrorRecord.FullyQualifiedErrorId; exceptionTypes = $types.ToArray() }
}

function global:Open-WritSshSession {
  param([string]$HostName, [int]$Port, [string]$UserName, [string]$KeyFilePath, [string]$KnownHostsFile, [int]$ConnectingTimeoutMs)
  try {
    # ssh trusts only the pinned key: a known_hosts file holding just that key under a fixed alias,
    # no global file, strict checking. It never prompts and offers only the credential's key.
    $options = @{
      StrictHostKeyChecking = 'yes'; UserKnownHostsFile = $KnownHostsFile; GlobalKnownHostsFile = '/dev/null'
      HostKeyAlias = '${POWERSHELL_HOST_KEY_ALIAS}'; CheckHostIP = 'no'; UpdateHostKeys = 'no'
      BatchMode = 'yes'; IdentitiesOnly = 'yes'; PasswordAuthentication = 'no'; KbdInteractiveAuthentication = 'no'
      ProxyCommand = 'none'; ProxyJump = 'none'; ControlMaster = 'no'; ControlPath = 'none'; PermitLocalCommand = 'no'; ForwardAgent = 'no'
      ConnectTimeout = [string][Math]::Max(1, [Math]::Ceiling($ConnectingTimeoutMs / 1000))
      ServerAliveInterval = '15'; ServerAliveCountMax = '4'
      # Errors only: ssh's messages reach pwsh's console, and a host's login banner has no place there.
      LogLevel = 'ERROR'
    }
    $session = New-PSSession -HostName $HostName -Port $Port -UserName $UserName -KeyFilePath $KeyFilePath -SSHTransport -ConnectingTimeout $ConnectingTimeoutMs -Options $options -ErrorAction Stop
    Write-WritResult ([ordered]@{ ok = $true; sessionId = $session.Id })
  } catch {
    Write-WritResult (Get-WritErrorInfo $_)
  }
}

function global:Open-WritWinRmSession {
  param([string]$ComputerName, [int]$Port, [string]$UserName, [string]$PasswordFile)
  try {
    $password = [IO.File]::ReadLines($PasswordFile) | Select-Object -First 1
    $credential = New-Object System.Management.Automation.PSCredential($UserName, (ConvertTo-SecureString -String $password -AsPlainText -Force))
  } catch {
    $info = Get-WritErrorInfo $_
    $info['stage'] = 'credential'
    Write-WritResult $info
    return
  }
  try {
    $session = New-PSSession -ComputerName $ComputerName -Port $Port -UseSSL -Credential $credential -ErrorAction Stop
    Write-WritResult ([ordered]@{ ok = $true; sessionId = $session.Id })
  } catch {
    Write-WritResult (Get-WritErrorInfo $_)
  }
}

function global:Close-WritSession {
  param([int]$SessionId)
  Get-PSSession -Id $SessionId -ErrorAction SilentlyContinue | Remove-PSSession -ErrorAction SilentlyContinue
  Write-WritResult ([ordered]@{ ok = $true })
}

# Runs on the host (PowerShell 7, or Windows PowerShell 5.1 behind WinRM). It writes the script text
# to a private temp file and runs it as a script, so the script's param() block binds the values
# (positionally, in declaration order) and "exit N" ends the script, not the remoting session. Its
# exit code travels as an information record tagged writ-exit-code.
$global:WritRemoteStep = {
  param([string]$WritScriptText, [object[]]$WritArguments)
  $writExitCode = 1
  $writDir = $null
  try {
    if ($null -eq $WritArguments) { $WritArguments = @() }
    $writOnWindows = [Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT
    # A Windows client's default policy (Restricted) runs no script file; RemoteSigned for this
    # session's process only runs the locally written file. A policy set by Group Policy still wins.
    if ($writOnWindows -and (Get-ExecutionPolicy) -eq 'Restricted') { Set-ExecutionPolicy -Scope Process -ExecutionPolicy RemoteSigned -Force }
    $writDir = Join-Path ([IO.Path]::GetTempPath()) ('writ-step-' + [guid]::NewGuid().ToString('N'))
    # On Windows the user's temp folder is private already; elsewhere the folder gets mode 0700 (448).
    if ($writOnWindows) { $null = [IO.Directory]::CreateDirectory($writDir) } else { $null = [IO.Directory]::CreateDirectory($writDir, 448) }
    $writFile = Join-Path $writDir 'step.ps1'
    # With a byte order mark, so Windows PowerShell 5.1 reads the text as UTF-8 too.
    [IO.File]::WriteAllText($writFile, $WritScriptText, (New-Object System.Text.UTF8Encoding $true))
    $global:LASTEXITCODE = 0
    & $writFile @WritArguments
    $writExitCode = $global:LASTEXITCODE
    if ($null -eq $writExitCode) { $writExitCode = 0 }
  } catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    $writExitCode = 1
  } finally {
    if ($writDir) { Remove-Item -LiteralPath $writDir -Recurse -Force -ErrorAction SilentlyContinue }
    Write-Information -MessageData ([int]$writExitCode) -Tags 'writ-exit-code'
  }
}

function global:ConvertTo-WritText {
  param($Item)
  if ($null -eq $Item) { return '' }
  if ($Item -is [string]) { return $Item }
  return (Out-String -InputObject $Item -Width 4096).TrimEnd()
}

# Appends one line; returns $true when the cap cut it.
function global:Add-WritText {
  param([System.Text.StringBuilder]$Builder, [AllowEmptyString()][string]$Text, [int]$Max)
  $room = $Max - $Builder.Length
  if ($Text.Length + 1 -le $room) { $null = $Builder.Append($Text).Append([char]10); return $false }
  if ($room -gt 0) { $null = $Builder.Append($Text.Substring(0, [Math]::Min($Text.Length, $room))) }
  return $true
}

# Moves what the job produced so far into the frame's buffers (stdout: the output stream; stderr:
# errors, warnings, Write-Host and other information records).
function global:Receive-WritStreams {
  param($Child, [hashtable]$State)
  foreach ($item in $Child.Output.ReadAll()) { if (Add-WritText $State.out (ConvertTo-WritText $item) $State.max) { $State.truncated = $true } }
  foreach ($item in $Child.Error.ReadAll()) { if (Add-WritText $State.err ([string]$item) $State.max) { $State.truncated = $true } }
  foreach ($item in $Child.Warning.ReadAll()) { if (Add-WritText $State.err ('WARNING: ' + $item.Message) $State.max) { $State.truncated = $true } }
  foreach ($item in $Child.Information.ReadAll()) {
    if ($item.Tags -contains 'writ-exit-code') { $State.exitCode = [int]$item.MessageData; continue }
    if (Add-WritText $State.err ([string]$item.MessageData) $State.max) { $State.truncated = $true }
  }
  $null = $Child.Verbose.ReadAll()
  $null = $Child.Debug.ReadAll()
  $null = $Child.Progress.ReadAll()
}

function global:Invoke-WritStep {
  param([int]$SessionId, [AllowEmptyString()][string]$ScriptText, [object[]]$Arguments, [int]$TimeoutMs, [int]$MaxOutputChars, [int]$StopGraceMs)
  $clock = [Diagnostics.Stopwatch]::StartNew()
  $state = @{ out = (New-Object System.Text.StringBuilder); err = (New-Object System.Text.StringBuilder); max = $MaxOutputChars; truncated = $false; exitCode = $null }
  $frame = [ordered]@{ stdout = ''; stderr = ''; exitCode = $null; timedOut = $false; truncated = $false; lost = $false; durationMs = 0 }
  $job = $null
  try {
    $session = Get-PSSession -Id $SessionId -ErrorAction SilentlyContinue
    if ($null -eq $session -or $session.State -ne 'Opened') {
      $frame.lost = $true
      $frame['message'] = 'the remoting session is not open'
    } else {
      if ($null -eq $Arguments) { $Arguments = @() }
      $job = Invoke-Command -Session $session -ScriptBlock $global:WritRemoteStep -ArgumentList $ScriptText, $Arguments -AsJob -ErrorAction Stop
      $child = $job.ChildJobs[0]
      $finished = $false
      while (-not $finished) {
        $left = $TimeoutMs - $clock.ElapsedMilliseconds
        if ($left -le 0) { break }
        $finished = $job.Finished.WaitOne([int][Math]::Min($left, 200))
        Receive-WritStreams $child $state
      }
      if (-not $finished) {
        $frame.timedOut = $true
        # Stop-Job stops the remote pipeline; the wrapper's finally removes the temp file.
        Stop-Job -Job $job
        if (-not $job.Finished.WaitOne($StopGraceMs)) { $frame.lost = $true; $frame['message'] = 'the step did not stop' }
      }
      Receive-WritStreams $child $state
      if ($child.JobStateInfo.State -eq 'Failed' -or $session.State -ne 'Opened') {
        $frame.lost = $true
        $reason = $child.JobStateInfo.Reason
        $frame['message'] = if ($null -ne $reason) { $reason.Message } else { 'the remoting session is ' + $session.State }
      }
      if (-not $frame.timedOut) { $frame.exitCode = $state.exitCode }
    }
  } catch {
    $frame['runnerError'] = $_.Exception.Message
  } finally {
    if ($null -ne $job) { Remove-Job -Job $job -Force -ErrorAction SilentlyContinue }
  }
  $frame.stdout = $state.out.ToString()
  $frame.stderr = $state.err.ToString()
  $frame.truncated = $state.truncated
  $frame.durationMs = $clock.ElapsedMilliseconds
  Write-WritResult $frame
}

Write-WritResult ([ordered]@{ ready = $true; psVersion = $PSVersionTable.PSVersion.ToString() })
`;

/**
 * The fixed PowerShell prelude: functions the long-lived pwsh gets once, by dot-sourcing a private
 * file that holds this text (see buildLoadPrelude). It holds no value; it prints a WRIT-RESULT line
 * `{ ready: true, psVersion }` when loaded.
 *
 * @example
 * await writeFile(join(privateDir, 'writ-prelude.ps1'), powershellPrelude(), { mode: 0o600 });
 */
export function powershellPrelude(): string {
  return PRELUDE;
}

/**
 * The command that sets this pwsh's result tag (16 to 64 lowercase hex digits, random per pwsh) and
 * dot-sources the prelude file at `path` (a path the appliance chose).
 *
 * @example
 * buildLoadPrelude('/tmp/writ-pwsh-x/writ-prelude.ps1', '9f86d081884c7d65');
 * // → "$global:WritResultTag = '9f86d081884c7d65'; . ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('L3RtcC93cml0…')))"
 */
export function buildLoadPrelude(path: string, tag: string): string {
  if (!RESULT_TAG.test(tag)) throw new RangeError('the result tag must be 16 to 64 lowercase hex digits');
  return `$global:WritResultTag = '${tag}'; . ${psText(path, 'prelude path')}`;
}

const RESULT_TAG = /^[0-9a-f]{16,64}$/;

/**
 * A PowerShell expression that evaluates to `text`, carrying it as base64 of its UTF-8 bytes. Throws
 * ExecError EXEC_PARAM_INVALID for text that has no UTF-8 form (a lone surrogate).
 *
 * @example
 * psText("a'b"); // → "([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('YSdi')))"
 */
export function psText(text: string, what = 'text'): string {
  if (!isWellFormed(text)) {
    throw new ExecError('EXEC_PARAM_INVALID', `${what}: cannot travel as data: not well-formed Unicode (a lone surrogate)`, { hint: 'Fix the value; only well-formed Unicode text can be sent.' });
  }
  return `([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${Buffer.from(text, 'utf8').toString('base64')}')))`;
}

/**
 * A PowerShell expression for one parameter value: text as psText, integers as digits, other finite
 * numbers as a decimal literal, booleans as $true/$false, lists as @(…) of those. Throws ExecError
 * EXEC_PARAM_INVALID for anything that cannot travel as data (findCarryProblem: NUL, lone
 * surrogates, non-finite numbers, nested lists).
 *
 * @example
 * encodePowerShellValue('paths', ['C:\\Data', 7, true]);
 * // → "@(([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('QzpcRGF0YQ=='))), 7, $true)"
 */
export function encodePowerShellValue(name: string, value: ParamValue): string {
  const problem = findCarryProblem(name, value, 'windows');
  if (problem) throw paramInvalid(`${problem.field}: ${problem.message}`);
  if (Array.isArray(value)) return `@(${value.map((item) => encodeScalar(name, item)).join(', ')})`;
  return encodeScalar(name, value);
}

/**
 * Why a step cannot be sent to a PowerShell host, or undefined: a Linux script, a library (a Linux
 * runner feature), a value that cannot travel as data.
 *
 * @example
 * powershellStepProblem({ ...step, platform: 'linux' });
 * // → { reasonCode: 'EXEC_PLATFORM_MISMATCH', message: 'a linux script cannot run on a PowerShell transport', hint: '…' }
 */
export function powershellStepProblem(step: StepRequest): { reasonCode: string; message: string; hint: string } | undefined {
  if (step.platform !== 'windows') {
    return { reasonCode: 'EXEC_PLATFORM_MISMATCH', message: `a ${step.platform} script cannot run on a PowerShell transport`, hint: 'Check the host\'s platform in the site file and the runbook\'s platform.' };
  }
  if (step.library !== undefined) {
    return { reasonCode: 'EXEC_PLATFORM_MISMATCH', message: 'Windows steps take no library (the result library is a Linux runner feature)', hint: 'Send Windows steps without a library.' };
  }
  for (const { name, value } of step.params) {
    const problem = findCarryProblem(name, value, 'windows');
    if (problem) return { reasonCode: 'EXEC_PARAM_INVALID', message: `${problem.field}: ${problem.message}`, hint: 'Fix the value in the rule or site file; nothing of this batch ran.' };
  }
  if (!isWellFormed(step.script)) {
    return { reasonCode: 'EXEC_PARAM_INVALID', message: 'the script text is not well-formed Unicode', hint: 'Fix the runbook script.' };
  }
  return undefined;
}

/**
 * When any step of a run cannot be sent, `refused` outcomes for all of them (the steps are an ordered
 * unit, as on Linux: see refuseLinuxBatch), else undefined.
 *
 * @example
 * refusePowerShellSteps([checkWithNul, remediate]);
 * // → [{ key: 'c', state: 'refused', reasonCode: 'EXEC_PARAM_INVALID', … }, { key: 'r', state: 'refused', message: 'not run: step c of the same batch was refused', … }]
 */
export function refusePowerShellSteps(steps: readonly StepRequest[]): StepOutcome[] | undefined {
  const problems = steps.map(powershellStepProblem);
  const first = problems.findIndex((p) => p !== undefined);
  if (first === -1) return undefined;
  const offender = steps[first]!;
  return steps.map((step, i) => {
    const problem = problems[i];
    if (problem) return unfinishedOutcome(step, 'refused', problem.reasonCode, `${step.runbookId} ${step.step}: ${problem.message}`);
    return unfinishedOutcome(step, 'refused', problems[first]!.reasonCode, `not run: step ${offender.key} of the same batch was refused`);
  });
}

/**
 * The one-line command that runs `step` in the open remoting session `sessionId` and prints its
 * PowerShellStepFrame. Only base64 literals, writ-generated digits and $true/$false vary in it.
 * Throws ExecError (EXEC_PLATFORM_MISMATCH, EXEC_PARAM_INVALID) for a step powershellStepProblem
 * refuses.
 *
 * @example
 * buildStepInvocation(3, { key: 'c', runbookId: 'RB-WIN-SEC-004', step: 'check', platform: 'windows', script, params: [{ name: 'min_length', value: 14 }], timeoutMs: 30_000 });
 * // → "$writArgs = [System.Collections.Generic.List[object]]::new(); $writArgs.Add(14); Invoke-WritStep -SessionId 3 -ScriptText ([Text.Encoding]::UTF8…('cGFyYW0o…'))) -Arguments ($writArgs.ToArray()) -TimeoutMs 30000 -MaxOutputChars 1048576 -StopGraceMs 10000"
 */
export function buildStepInvocation(sessionId: number, step: StepRequest, options: { maxOutputChars?: number } = {}): string {
  const problem = powershellStepProblem(step);
  if (problem) throw new ExecError(problem.reasonCode, `${step.runbookId} ${step.step}: ${problem.message}`, { hint: problem.hint, data: { key: step.key } });
  const cap = options.maxOutputChars ?? POWERSHELL_MAX_OUTPUT_CHARS;
  if (!Number.isSafeInteger(cap) || cap < 1 || cap > 0x7fffffff) throw new RangeError('maxOutputChars must be an integer from 1 to 2^31-1');
  const parts = ['$writArgs = [System.Collections.Generic.List[object]]::new()'];
  // List.Add never unrolls its argument, so a list value stays one positional argument.
  for (const { name, value } of step.params) parts.push(`$writArgs.Add(${encodePowerShellValue(name, value)})`);
  parts.push(
    `Invoke-WritStep -SessionId ${psInt(sessionId, 'session id')} -ScriptText ${psText(step.script, 'script')} -Arguments ($writArgs.ToArray())` +
      ` -TimeoutMs ${powershellStepTimeoutMs(step.timeoutMs)} -MaxOutputChars ${cap} -StopGraceMs ${POWERSHELL_STOP_GRACE_MS}`,
  );
  return parts.join('; ');
}

/** Whole milliseconds from 1 to one day: the timeout Invoke-WritStep enforces for a step. */
export function powershellStepTimeoutMs(timeoutMs: number): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return 1;
  return Math.min(Math.ceil(timeoutMs), MAX_STEP_TIMEOUT_MS);
}

export interface PowerShellSshOpen {
  /** DNS name or IPv4 address. */
  hostName: string;
  port: number;
  userName: string;
  /** Absolute path of the credential's private key. */
  keyFilePath: string;
  /** The private known_hosts file holding only the pinned key (pinnedKnownHosts). */
  knownHostsFile: string;
  connectTimeoutMs: number;
}

/**
 * The command that opens an SSH-transport PSSession and prints a PowerShellOpenFrame. Address, user
 * and paths travel as base64; they are also checked so ssh cannot read them as options (a host name
 * starting with "-", a user with spaces). Throws ExecError EXEC_CONNECT_FAILED (address, port) or
 * EXEC_CREDENTIAL_MISSING (user, key path) for values it refuses.
 *
 * @example
 * buildSshOpen({ hostName: '10.0.0.7', port: 22, userName: 'writ', keyFilePath: '/etc/writ/keys/win', knownHostsFile: '/tmp/writ-pwsh-x/known_hosts-1', connectTimeoutMs: 10_000 });
 * // → "Open-WritSshSession -HostName ([Text…('MTAuMC4wLjc=')))) -Port 22 -UserName (…) -KeyFilePath (…) -KnownHostsFile (…) -ConnectingTimeoutMs 10000"
 */
export function buildSshOpen(open: PowerShellSshOpen): string {
  checkHostName(open.hostName);
  checkPort(open.port);
  if (!/^[A-Za-z0-9._][A-Za-z0-9._@\\-]{0,127}$/.test(open.userName)) {
    throw new ExecError('EXEC_CREDENTIAL_MISSING', 'the credential\'s user name is not a plain account name', { hint: 'Use letters, digits, ".", "_", "-", "@" or "DOMAIN\\user" (not starting with "-") as the username in the agent config.' });
  }
  for (const [what, path] of [['private key path', open.keyFilePath], ['known_hosts path', open.knownHostsFile]] as const) {
    if (!/^\/[A-Za-z0-9._/+-]+$/.test(path)) {
      throw new ExecError('EXEC_CREDENTIAL_MISSING', `the ${what} is not a plain absolute path`, { hint: 'Keep key files at absolute paths of letters, digits and . _ - + / (no spaces).' });
    }
  }
  return (
    `Open-WritSshSession -HostName ${psText(open.hostName)} -Port ${open.port} -UserName ${psText(open.userName)}` +
    ` -KeyFilePath ${psText(open.keyFilePath)} -KnownHostsFile ${psText(open.knownHostsFile)} -ConnectingTimeoutMs ${connectTimeout(open.connectTimeoutMs)}`
  );
}

export interface PowerShellWinRmOpen {
  computerName: string;
  port: number;
  userName: string;
  /** File whose first line is the password; pwsh reads it, so the password never travels in a command. */
  passwordFile: string;
}

/**
 * The command that opens a WinRM (HTTPS) PSSession and prints a PowerShellOpenFrame. Throws like
 * buildSshOpen.
 *
 * @example
 * buildWinRmOpen({ computerName: 'fd-01.clinic.local', port: 5986, userName: 'CLINIC\\writ', passwordFile: '/etc/writ/secrets/fd-01' });
 */
export function buildWinRmOpen(open: PowerShellWinRmOpen): string {
  checkHostName(open.computerName);
  checkPort(open.port);
  if (!/^[A-Za-z0-9._][A-Za-z0-9._@\\-]{0,127}$/.test(open.userName)) {
    throw new ExecError('EXEC_CREDENTIAL_MISSING', 'the credential\'s user name is not a plain account name', { hint: 'Use letters, digits, ".", "_", "-", "@" or "DOMAIN\\user" as the username in the agent config.' });
  }
  return `Open-WritWinRmSession -ComputerName ${psText(open.computerName)} -Port ${open.port} -UserName ${psText(open.userName)} -PasswordFile ${psText(open.passwordFile)}`;
}

/**
 * The command that removes a PSSession (no error when it is already gone).
 *
 * @example
 * buildCloseSession(3); // → 'Close-WritSession -SessionId 3'
 */
export function buildCloseSession(sessionId: number): string {
  return `Close-WritSession -SessionId ${psInt(sessionId, 'session id')}`;
}

/**
 * The known_hosts text that trusts exactly the pinned key, under POWERSHELL_HOST_KEY_ALIAS. Throws
 * ExecError EXEC_HOST_KEY_MISSING when the site pins no key or the pin is not an OpenSSH public key line.
 *
 * @example
 * pinnedKnownHosts('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI…'); // → 'writ-pinned-host ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI…\n'
 */
export function pinnedKnownHosts(hostKey: string | undefined, label: string): string {
  if (!hostKey?.trim()) {
    throw new ExecError('EXEC_HOST_KEY_MISSING', `${label}: no host_key is pinned for this host`, { hint: 'Add the host\'s public key line (`ssh-keyscan -t ed25519 <host>`, checked out of band) as host_key in the site file.' });
  }
  const [type, base64] = hostKey.trim().split(/\s+/);
  const blob = base64 && /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? Buffer.from(base64, 'base64') : undefined;
  if (!type || !/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa)$/.test(type) || !blob || blobType(blob) !== type) {
    throw new ExecError('EXEC_HOST_KEY_MISSING', `${label}: the pinned host_key is not a usable OpenSSH public key line`, { hint: 'Write host_key as "<type> <base64>" with type one of ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa.' });
  }
  return `${POWERSHELL_HOST_KEY_ALIAS} ${type} ${base64}\n`;
}

/**
 * The payload of the last WRIT-RESULT line with this pwsh's tag in `stdout`, or undefined when there
 * is none (pwsh died, or printed something else). pwsh may put terminal escapes before the marker.
 *
 * @example
 * readPowerShellResult('noise\nWRIT-RESULT 9f86d081884c7d65 eyJvayI6dHJ1ZX0=\n', '9f86d081884c7d65'); // → { ok: true }
 */
export function readPowerShellResult(stdout: string, tag: string): Record<string, unknown> | undefined {
  if (!RESULT_TAG.test(tag)) return undefined;
  let last: string | undefined;
  for (const m of stdout.matchAll(/WRIT-RESULT ([0-9a-f]{16,64}) ([A-Za-z0-9+/]*={0,2})\r?$/gm)) if (m[1] === tag) last = m[2];
  if (last === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(last, 'base64').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The StepOutcome for a step's frame. A frame that is not one (missing fields) gives a
 * `transport-error` EXEC_RUNNER_FAILED outcome.
 *
 * @example
 * outcomeFromPowerShellFrame(step, { stdout: '{"status":"pass",…}\n', stderr: '', exitCode: 0, timedOut: false, truncated: false, lost: false, durationMs: 41 });
 * // → { key: 'c', state: 'ran', exitCode: 0, stdout: '{"status":"pass",…}\n', stderr: '', truncated: false, durationMs: 41 }
 */
export function outcomeFromPowerShellFrame(step: StepRequest, payload: Record<string, unknown> | undefined): StepOutcome {
  const frame = asStepFrame(payload);
  if (!frame) return unfinishedOutcome(step, 'transport-error', 'EXEC_RUNNER_FAILED', `${step.runbookId} ${step.step}: pwsh printed no step result`);
  const base: StepOutcome = {
    key: step.key,
    state: 'ran',
    exitCode: frame.exitCode,
    stdout: frame.stdout,
    stderr: frame.stderr,
    truncated: frame.truncated,
    durationMs: frame.durationMs,
  };
  if (frame.runnerError !== undefined) {
    return { ...base, state: 'transport-error', exitCode: null, reasonCode: 'EXEC_RUNNER_FAILED', message: `${step.runbookId} ${step.step}: the PowerShell runner failed: ${frame.runnerError}` };
  }
  if (frame.timedOut) {
    return { ...base, state: 'timeout', exitCode: null, reasonCode: 'EXEC_TIMEOUT', message: `${step.runbookId} ${step.step} was stopped after ${powershellStepTimeoutMs(step.timeoutMs) / 1000} s` };
  }
  if (frame.lost) {
    return { ...base, state: 'transport-error', exitCode: null, reasonCode: 'EXEC_CONNECTION_LOST', message: `${step.runbookId} ${step.step}: the remoting session broke${frame.message ? ` (${frame.message})` : ''}` };
  }
  return base;
}

/**
 * Classifies a failed session open from its frame, what ssh printed (pwsh passes ssh's stderr
 * through to its own console), how long it took and the connect timeout. ssh reports why only as text, so its
 * well-known phrases are matched; everything else is EXEC_CONNECT_FAILED.
 *
 * @example
 * classifyPowerShellOpenFailure({ ok: false, message: 'The SSH client session has ended…' }, 'Host key verification failed.', 120, 10_000, 'clinic-a/fd-01');
 * // → ExecError EXEC_HOST_KEY_MISMATCH
 */
export function classifyPowerShellOpenFailure(
  frame: PowerShellOpenFrame,
  sshOutput: string,
  elapsedMs: number,
  connectTimeoutMs: number,
  label: string,
  transport: 'powershell-ssh' | 'winrm',
): ExecError {
  const types = frame.exceptionTypes ?? [];
  const detail = frame.message ?? 'unknown error';
  if (frame.stage === 'credential') {
    return new ExecError('EXEC_CREDENTIAL_MISSING', `${label}: the credential's password file cannot be read`, { hint: 'Check that the password file exists, is readable by the agent (mode 0600) and holds the password on its first line.' });
  }
  if (transport === 'winrm') {
    if (types.some((t) => t === 'System.DllNotFoundException' || t === 'System.TypeInitializationException' || t === 'System.EntryPointNotFoundException')) {
      return new ExecError('EXEC_TRANSPORT_UNAVAILABLE', `${label}: this appliance's pwsh has no WinRM (WSMan) client library`, {
        hint: 'PowerShell on Linux ships without a WSMan client. Switch the host to transport powershell-ssh (OpenSSH server with a powershell subsystem on the Windows host), or install a WSMan client for pwsh (the PSWSMan module) on the appliance.',
        data: { exceptionTypes: types },
      });
    }
    return new ExecError('EXEC_CONNECT_FAILED', `${label}: WinRM session could not be opened (${detail})`, { hint: 'Check the host\'s WinRM HTTPS listener (port 5986), its certificate and the credential.', recovery: 'backoff' });
  }
  const text = sshOutput;
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key is known for|Host key for .* has changed/i.test(text)) {
    return new ExecError('EXEC_HOST_KEY_MISMATCH', `${label}: the host presented a key other than the pinned host_key; nothing was sent`, {
      hint: 'Confirm out of band that the host was rebuilt (not impersonated) before changing host_key in the site file.',
    });
  }
  if (/Permission denied|Too many authentication failures|no more authentication methods/i.test(text)) {
    return new ExecError('EXEC_AUTH_FAILED', `${label}: the host refused the login`, { hint: 'Check the user and key of the host\'s credential in the appliance\'s credential store and the host\'s authorized_keys.' });
  }
  if (/subsystem request failed/i.test(text)) {
    return new ExecError('EXEC_RUNNER_FAILED', `${label}: the host's SSH server has no powershell subsystem`, { hint: 'Add "Subsystem powershell <path to pwsh> -sshs -NoLogo -NoProfile" to the host\'s sshd_config and restart sshd.' });
  }
  const timedOut = () => new ExecError('EXEC_CONNECT_TIMEOUT', `${label}: the host did not answer within ${connectTimeoutMs} ms`, { hint: 'Check that the host is up and reachable from the appliance.', recovery: 'backoff' });
  if (/Connection timed out|Operation timed out/i.test(text)) return timedOut();
  // What ssh said wins over the clock: pwsh's own start-up counts toward the elapsed time, so a
  // refused connection on a busy appliance can take longer than the connect timeout.
  const sshLine = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => /^ssh:|Connection (refused|closed|reset)|Could not resolve|No route|unreachable/i.test(l))[0];
  if (sshLine === undefined && elapsedMs >= connectTimeoutMs) return timedOut();
  return new ExecError('EXEC_CONNECT_FAILED', `${label}: cannot open a PowerShell session (${sshLine ?? detail})`, { hint: 'Check the address and port in the site file and the host\'s SSH service.', recovery: 'backoff' });
}

function encodeScalar(name: string, value: string | number | boolean): string {
  if (typeof value === 'string') return psText(value, name);
  if (typeof value === 'boolean') return value ? '$true' : '$false';
  // String(n) of a finite number is digits with an optional sign, fraction and exponent, all valid
  // PowerShell numeric literal syntax; the check keeps that promise explicit.
  const literal = Object.is(value, -0) ? '0' : String(value);
  if (!/^-?\d+(\.\d+)?(e[+-]\d+)?$/.test(literal)) throw paramInvalid(`${name}: cannot travel as data: not a finite number`);
  return literal;
}

function psInt(value: number, what: string): string {
  if (!Number.isSafeInteger(value) || value < 0 || value > 0x7fffffff) throw new RangeError(`${what} must be an integer from 0 to 2^31-1`);
  return String(value);
}

function connectTimeout(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return 1_000;
  return Math.min(Math.ceil(ms), 0x7fffffff);
}

function checkHostName(name: string): void {
  // DNS names and IPv4 only: nothing ssh could read as an option, nothing New-PSSession would split
  // as user@host:port.
  if (name.length > 253 || !/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(name)) {
    throw new ExecError('EXEC_CONNECT_FAILED', 'the host address is not a DNS name or IPv4 address', { hint: 'Set the host\'s address in the site file to a DNS name or an IPv4 address.' });
  }
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ExecError('EXEC_CONNECT_FAILED', `port ${port} is not a TCP port`, { hint: 'Set the host\'s port in the site file to a number from 1 to 65535.' });
  }
}

function paramInvalid(message: string): ExecError {
  return new ExecError('EXEC_PARAM_INVALID', message, {
    hint: 'Parameter values travel as data: no NUL character, only well-formed Unicode text, finite numbers, no list inside a list. Fix the value in the rule or site file.',
  });
}

// The key type named inside an SSH public key blob (RFC 4253 §6.6: string type, then key data).
function blobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length > 64 || blob.length < 4 + length) return undefined;
  return blob.subarray(4, 4 + length).toString('latin1');
}

// ES2024's String.prototype.isWellFormed (Node 20); the project's lib is ES2023.
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function asStepFrame(p: Record<string, unknown> | undefined): PowerShellStepFrame | undefined {
  if (!p || typeof p['stdout'] !== 'string' || typeof p['stderr'] !== 'string' || typeof p['timedOut'] !== 'boolean' || typeof p['truncated'] !== 'boolean' || typeof p['lost'] !== 'boolean') return undefined;
  const exitCode = typeof p['exitCode'] === 'number' && Number.isInteger(p['exitCode']) ? p['exitCode'] : null;
  const durationMs = typeof p['durationMs'] === 'number' && p['durationMs'] >= 0 ? p['durationMs'] : 0;
  const frame: PowerShellStepFrame = { stdout: p['stdout'], stderr: p['stderr'], exitCode, timedOut: p['timedOut'], truncated: p['truncated'], lost: p['lost'], durationMs };
  if (typeof p['runnerError'] === 'string') frame.runnerError = p['runnerError'];
  if (typeof p['message'] === 'string') frame.message = p['message'];
  return frame;
}
