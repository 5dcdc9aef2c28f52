# RB-WIN-LOGGING-001 rollback: restore the recorded audit flags and Security log settings, then
# remove the record.
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
$null = $audit_success_subcategories, $audit_failure_subcategories, $security_log_min_size_mb

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-LOGGING-001.json'
if (-not (Test-Path -LiteralPath $record)) {
    Out-Result 'error' @{} 'no recorded logging settings to roll back to' 'NO_ROLLBACK_STATE'
    exit 1
}
$restored = @()
try {
    $saved = Get-Content -LiteralPath $record -Raw | ConvertFrom-Json
    foreach ($entry in @($saved.subcategories)) {
        $guid = [string]$entry.guid
        if ($guid -notmatch '^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$') { continue }
        $value = [int]$entry.value
        $argv = @('/set', "/subcategory:$guid",
            $(if ($value -band 1) { '/success:enable' } else { '/success:disable' }),
            $(if ($value -band 2) { '/failure:enable' } else { '/failure:disable' }))
        $null = auditpol.exe @argv
        if ($LASTEXITCODE -ne 0) { throw [System.InvalidOperationException]::new("auditpol exit code $LASTEXITCODE") }
        $restored += [string]$entry.name
    }
    $prior = $saved.security_log
    $log = @(wevtutil.exe gl Security)
    if ($LASTEXITCODE -ne 0) { throw [System.InvalidOperationException]::new("wevtutil exit code $LASTEXITCODE") }
    $nowEnabled = [bool]($log -match '^\s*enabled:\s*true\s*$')
    $nowSize = [long](($log | Where-Object { $_ -match '^\s*maxSize:\s*\d+\s*$' } | Select-Object -First 1) -replace '^\s*maxSize:\s*', '')
    $logArgs = @()
    if ($nowSize -ne [long]$prior.max_size_bytes) { $logArgs += "/ms:$([long]$prior.max_size_bytes)" }
    if ($nowEnabled -ne [bool]$prior.enabled) { $logArgs += $(if ($prior.enabled) { '/e:true' } else { '/e:false' }) }
    if ($logArgs.Count -gt 0) {
        $argv = @('sl', 'Security') + $logArgs
        $null = wevtutil.exe @argv
        if ($LASTEXITCODE -ne 0) { throw [System.InvalidOperationException]::new("wevtutil exit code $LASTEXITCODE") }
        $restored += 'Security log'
    }
    Remove-Item -LiteralPath $record
} catch {
    Out-Result 'error' ([ordered]@{ restored = $restored }) 'rollback of the logging settings failed' 'ROLLBACK_FAILED'
    exit 1
}
Out-Result 'pass' ([ordered]@{ restored = $restored }) 'recorded logging settings restored'
