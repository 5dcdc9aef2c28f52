# RB-WIN-LOGGING-001 remediate: turn on missing audit flags (never off), enable the Security log and
# grow it to security_log_min_size_mb if smaller. Records prior values once for rollback. Idempotent.
param(
    [string[]]$audit_success_subcategories = @(
        '{0CCE9215-69AE-11D9-BED3-505054503030}',
        '{0CCE9216-69AE-11D9-BED3-505054503030}',
        '{0CCE9217-69AE-11D9-BED3-505054503030}',
        '{0CCE9235-69AE-11D9-BED3-505054503030}',
        '{0CCE9237-69AE-11D9-BED3-505054503030}',
        '{0CCE922B-69AE-11D9-BED3-505054503030}',
        '{0CCE922F-69AE-11D9-BED3-505054503030}'
    ),
    [string[]]$audit_failure_subcategories = @(
        '{0CCE9215-69AE-11D9-BED3-505054503030}',
        '{0CCE9217-69AE-11D9-BED3-505054503030}',
        '{0CCE9235-69AE-11D9-BED3-505054503030}',
        '{0CCE9237-69AE-11D9-BED3-505054503030}',
        '{0CCE922B-69AE-11D9-BED3-505054503030}',
        '{0CCE922F-69AE-11D9-BED3-505054503030}'
    ),
    [int]$security_log_min_size_mb = 1024,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
function Read-AuditPolicy {
    $lines = @(auditpol.exe /get '/category:*' /r)
    if ($LASTEXITCODE -ne 0) { $script:readError = 'AUDITPOL_FAILED'; return $null }
    $flags = @{ 'No Auditing' = 0; 'Success' = 1; 'Failure' = 2; 'Success and Failure' = 3 }
    $map = @{}
    foreach ($row in @($lines | Where-Object { $_ -ne '' } | ConvertFrom-Csv)) {
        $setting = [string]$row.'Inclusion Setting'
        if (-not $flags.ContainsKey($setting)) { $script:readError = 'UNRECOGNISED_AUDIT_SETTING'; return $null }
        $map[([string]$row.'Subcategory GUID').ToUpperInvariant()] = @{ Name = [string]$row.Subcategory; Value = $flags[$setting] }
    }
    return $map
}
function Read-SecurityLog {
    $log = @(wevtutil.exe gl Security)
    if ($LASTEXITCODE -ne 0) { return $null }
    $enabled = $log | Where-Object { $_ -match '^\s*enabled:\s*(true|false)\s*$' } | Select-Object -First 1
    $size = $log | Where-Object { $_ -match '^\s*maxSize:\s*(\d+)\s*$' } | Select-Object -First 1
    if ($null -eq $enabled -or $null -eq $size) { return $null }
    return @{ Enabled = ($enabled -replace '^\s*enabled:\s*', '').Trim() -eq 'true'; MaxSize = [long](($size -replace '^\s*maxSize:\s*', '').Trim()) }
}

foreach ($tool in @('auditpol.exe', 'wevtutil.exe')) {
    if (-not (Get-Command -Name $tool -ErrorAction SilentlyContinue)) {
        Out-Result 'error' @{ changed = @() } "$tool is not available on this host" $(if ($tool -eq 'auditpol.exe') { 'AUDITPOL_UNAVAILABLE' } else { 'EVENTLOG_UNAVAILABLE' })
        exit 1
    }
}
$script:readError = $null
$policy = Read-AuditPolicy
if ($null -eq $policy) { Out-Result 'error' @{ changed = @() } 'the audit policy could not be read' $script:readError; exit 1 }
$log = Read-SecurityLog
if ($null -eq $log) { Out-Result 'error' @{ changed = @() } 'the Security log configuration could not be read' 'EVENTLOG_UNREADABLE'; exit 1 }

$wanted = [ordered]@{}
$unknown = @()
foreach ($req in @(@{ Items = $audit_success_subcategories; Bit = 1 }, @{ Items = $audit_failure_subcategories; Bit = 2 })) {
    foreach ($item in @($req.Items)) {
        $key = $item.Trim().ToUpperInvariant()
        $g = if ($policy.ContainsKey($key)) { $key } else { @($policy.Keys | Where-Object { $policy[$_].Name -ieq $item.Trim() }) | Select-Object -First 1 }
        if ($null -eq $g) { $unknown += $item; continue }
        $wanted[$g] = [int]$(if ($wanted.Contains($g)) { $wanted[$g] } else { 0 }) -bor $req.Bit
    }
}
if ($unknown.Count -gt 0) {
    Out-Result 'error' @{ changed = @() } 'some listed audit subcategories do not exist on this host; nothing changed' 'SUBCATEGORY_NOT_FOUND'
    exit 1
}
$todo = @($wanted.Keys | Where-Object { ($policy[$_].Value -band $wanted[$_]) -ne $wanted[$_] })
$minBytes = [long]$security_log_min_size_mb * 1MB
$logArgs = @()
if (-not $log.Enabled) { $logArgs += '/e:true' }
if ($log.MaxSize -lt $minBytes) { $logArgs += "/ms:$minBytes" }

$changed = @()
if ($todo.Count -gt 0 -or $logArgs.Count -gt 0) {
    $record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-LOGGING-001.json'
    if (-not (Test-Path -LiteralPath $record)) {
        $null = New-Item -ItemType Directory -Path $state_dir -Force
        [ordered]@{
            runbook       = 'RB-WIN-LOGGING-001'
            recorded_utc  = [datetime]::UtcNow.ToString('o')
            subcategories = @($todo | ForEach-Object { [ordered]@{ guid = $_; name = $policy[$_].Name; value = $policy[$_].Value } })
            security_log  = [ordered]@{ enabled = $log.Enabled; max_size_bytes = $log.MaxSize }
        } | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $record -Encoding utf8
    }
    foreach ($g in $todo) {
        $missingBits = $wanted[$g] -band (-bnot $policy[$g].Value)
        $argv = @('/set', "/subcategory:$g")
        if ($missingBits -band 1) { $argv += '/success:enable' }
        if ($missingBits -band 2) { $argv += '/failure:enable' }
        $null = auditpol.exe @argv
        if ($LASTEXITCODE -ne 0) {
            Out-Result 'error' ([ordered]@{ changed = $changed }) "auditpol /set failed with exit code $LASTEXITCODE for $($policy[$g].Name)" 'AUDITPOL_FAILED'
            exit 1
        }
        $changed += $policy[$g].Name
    }
    if ($logArgs.Count -gt 0) {
        $argv = @('sl', 'Security') + $logArgs
        $null = wevtutil.exe @argv
        if ($LASTEXITCODE -ne 0) {
            Out-Result 'error' ([ordered]@{ changed = $changed }) "wevtutil set-log Security failed with exit code $LASTEXITCODE" 'EVENTLOG_CHANGE_FAILED'
            exit 1
        }
        $changed += 'Security log'
    }
    $after = Read-AuditPolicy
    $afterLog = Read-SecurityLog
    $still = @()
    if ($null -ne $after) { $still = @($wanted.Keys | Where-Object { ($after[$_].Value -band $wanted[$_]) -ne $wanted[$_] } | ForEach-Object { $after[$_].Name }) }
    if ($null -eq $after -or $null -eq $afterLog -or $still.Count -gt 0 -or -not $afterLog.Enabled -or $afterLog.MaxSize -lt $minBytes) {
        Out-Result 'error' ([ordered]@{ changed = $changed; still_missing = $still }) 'the change did not take effect (a domain GPO may override local audit settings)' 'SETTING_NOT_APPLIED'
        exit 1
    }
}
Out-Result 'pass' ([ordered]@{ changed = $changed }) $(if ($changed.Count) { 'event logging configured: ' + ($changed -join ', ') } else { 'nothing to change' })
