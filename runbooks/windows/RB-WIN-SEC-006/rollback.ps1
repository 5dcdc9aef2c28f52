# RB-WIN-SEC-006 rollback: restore the Defender preferences recorded before remediation and remove
# the record. Definition updates and scans are not undone.
param(
    [int]$max_signature_age_days = 3,
    [bool]$require_behavior_monitoring = $true,
    [bool]$start_quick_scan = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $max_signature_age_days, $require_behavior_monitoring, $start_quick_scan

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-006.json'
if (-not (Test-Path -LiteralPath $record)) {
    Out-Result 'error' @{} 'no recorded Defender preferences to roll back to' 'NO_ROLLBACK_STATE'
    exit 1
}
try {
    $saved = (Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).preferences
    $current = Get-MpPreference
    $settings = [ordered]@{}
    foreach ($name in @('DisableRealtimeMonitoring', 'DisableBehaviorMonitoring')) {
        $want = [bool]$saved.$name
        if ([bool]$current.$name -ne $want) { $settings[$name] = $want }
    }
    if ($settings.Count -gt 0) { Set-MpPreference @settings }
    Remove-Item -LiteralPath $record
} catch {
    Out-Result 'error' @{} ('rollback failed (HRESULT 0x{0:X8})' -f $_.Exception.HResult) 'ROLLBACK_FAILED'
    exit 1
}
Out-Result 'pass' ([ordered]@{ restored_settings = @($settings.Keys) }) 'Defender preferences restored from the record'
