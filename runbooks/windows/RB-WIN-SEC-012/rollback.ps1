# RB-WIN-SEC-012 rollback: restore the log sizes, log enabled flags and audit setting recorded before
# remediation, then remove the record. The EventLog service is left running: stopping or disabling it
# would blind auditing.
param(
    [string[]]$logs = @('Security', 'System', 'Application'),
    [int]$security_log_min_mb = 1024,
    [int]$since_hours = 24,
    [bool]$audit_policy_change = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $logs, $security_log_min_mb, $since_hours, $audit_policy_change

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-012.json'
if (-not (Test-Path -LiteralPath $record)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved settings to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$values = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).values)
foreach ($e in $values) {
    $name = [string]$e.name
    if ($e.kind -eq 'log_enabled') {
        $null = wevtutil.exe sl $name ('/e:' + ([string][bool]$e.value).ToLowerInvariant())
    } elseif ($e.kind -eq 'log_size') {
        $null = wevtutil.exe sl $name ('/ms:' + [long]$e.value)
    } elseif ($e.kind -eq 'audit') {
        $s = [string]$e.value
        $success = if ($s -like 'Success*') { '/success:enable' } else { '/success:disable' }
        $failure = if ($s -like '*Failure') { '/failure:enable' } else { '/failure:disable' }
        $null = auditpol.exe /set ('/subcategory:' + $name) $success $failure
    }
    if ($LASTEXITCODE -ne 0) { throw "could not restore $($e.kind) for $name (exit $LASTEXITCODE)" }
}
Remove-Item -LiteralPath $record
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ restored = @($values | ForEach-Object { [string]$_.kind + ':' + [string]$_.name }) }
    message  = 'event log and audit settings restored from the saved values'
} | ConvertTo-Json -Compress -Depth 4
