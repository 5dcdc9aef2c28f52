# RB-WIN-SEC-005 rollback: suspend protection again on the volumes this runbook resumed (until
# resumed by hand), then remove the record.
param(
    [string[]]$volumes = @('C:'),
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $volumes

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-005.json'
if (-not (Test-Path -LiteralPath $record)) {
    Out-Result 'error' @{} 'no recorded BitLocker state to roll back to' 'NO_ROLLBACK_STATE'
    exit 1
}
$suspendedAgain = @()
try {
    $saved = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).volumes)
    foreach ($entry in $saved) {
        $letter = [string]$entry.mount_point
        if ($letter -notmatch '^[A-Za-z]:$') { continue }
        $now = Get-BitLockerVolume -MountPoint $letter
        if ([string]$entry.protection_status -eq 'Off' -and [string]$now.ProtectionStatus -eq 'On') {
            $null = Suspend-BitLocker -MountPoint $letter -RebootCount 0
            $suspendedAgain += $letter
        }
    }
    Remove-Item -LiteralPath $record
} catch {
    Out-Result 'error' ([ordered]@{ suspended_volumes = $suspendedAgain }) ('rollback failed (HRESULT 0x{0:X8})' -f $_.Exception.HResult) 'ROLLBACK_FAILED'
    exit 1
}
Out-Result 'pass' ([ordered]@{ suspended_volumes = $suspendedAgain }) 'recorded BitLocker protection status restored'
