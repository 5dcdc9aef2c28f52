# RB-WIN-SEC-005 remediate: resume BitLocker protection on fully encrypted volumes where it is
# suspended. Changes nothing when a listed volume is not encrypted (alert-only). Records the prior
# protection status once for rollback. Idempotent.
param(
    [string[]]$volumes = @('C:'),
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

if (-not (Get-Command -Name Get-BitLockerVolume -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{} 'BitLocker is not available on this host' 'BITLOCKER_UNAVAILABLE'
    exit 1
}
$resumed = @()
try {
    $suspended = @()
    $unencrypted = @()
    foreach ($mount in $volumes) {
        $letter = $mount.ToUpperInvariant()
        $v = Get-BitLockerVolume -MountPoint $letter
        if ([string]$v.VolumeStatus -ne 'FullyEncrypted') { $unencrypted += $letter }
        elseif ([string]$v.ProtectionStatus -ne 'On') { $suspended += $letter }
    }
    if ($unencrypted.Count -gt 0) {
        Out-Result 'error' ([ordered]@{ resumed_volumes = @(); unencrypted_volumes = $unencrypted }) ('not fully encrypted (alert-only, a person must encrypt): ' + ($unencrypted -join ', ')) 'NOT_ENCRYPTED'
        exit 1
    }
    if ($suspended.Count -gt 0) {
        $record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-005.json'
        if (-not (Test-Path -LiteralPath $record)) {
            $null = New-Item -ItemType Directory -Path $state_dir -Force
            $prior = @($suspended | ForEach-Object { [ordered]@{ mount_point = $_; protection_status = 'Off' } })
            [ordered]@{ runbook = 'RB-WIN-SEC-005'; recorded_utc = [datetime]::UtcNow.ToString('o'); volumes = $prior } |
                ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $record -Encoding utf8
        }
        foreach ($letter in $suspended) {
            $null = Resume-BitLocker -MountPoint $letter
            $resumed += $letter
        }
    }
    $still = @()
    foreach ($letter in $suspended) {
        if ([string](Get-BitLockerVolume -MountPoint $letter).ProtectionStatus -ne 'On') { $still += $letter }
    }
} catch {
    Out-Result 'error' ([ordered]@{ resumed_volumes = $resumed }) ('resuming BitLocker failed (HRESULT 0x{0:X8})' -f $_.Exception.HResult) 'RESUME_FAILED'
    exit 1
}
if ($still.Count -gt 0) {
    Out-Result 'error' ([ordered]@{ resumed_volumes = $resumed; still_suspended = $still }) ('protection still off on ' + ($still -join ', ')) 'RESUME_FAILED'
    exit 1
}
Out-Result 'pass' ([ordered]@{ resumed_volumes = $resumed }) $(if ($resumed.Count) { 'protection resumed on ' + ($resumed -join ', ') } else { 'nothing to change' })
