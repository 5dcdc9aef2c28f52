# RB-WIN-AV-001 rollback: restore the recorded real-time monitoring preference and remove the record.
# A service this runbook started is left running (stopping antivirus is never a safe undo).
param(
    [int]$max_signature_age_days = 3,
    [bool]$start_service = $true,
    [bool]$start_quick_scan = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $max_signature_age_days, $start_service, $start_quick_scan

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-AV-001.json'
if (-not (Test-Path -LiteralPath $record)) {
    Out-Result 'error' @{} 'no recorded Defender state to roll back to' 'NO_ROLLBACK_STATE'
    exit 1
}
$restored = @()
try {
    $prior = (Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).prior
    if ($true -eq $prior.disable_realtime_monitoring) {
        $current = Get-MpPreference
        if (-not $current.DisableRealtimeMonitoring) {
            Set-MpPreference -DisableRealtimeMonitoring $true
            $restored += 'DisableRealtimeMonitoring'
        }
    }
    Remove-Item -LiteralPath $record
} catch {
    Out-Result 'error' @{} ('rollback failed (HRESULT 0x{0:X8})' -f $_.Exception.HResult) 'ROLLBACK_FAILED'
    exit 1
}
Out-Result 'pass' ([ordered]@{ restored_settings = $restored; service_left_running = ([string]$prior.service_status -ne 'Running') }) 'recorded Defender preference restored'
