# RB-WIN-SEC-005 check: each listed volume is fully encrypted and its BitLocker protection is On.
param(
    [string[]]$volumes = @('C:'),
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $state_dir

function Out-Result([string]$Status, $Observed, $Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

if (-not (Get-Command -Name Get-BitLockerVolume -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{} $null 'BitLocker (Get-BitLockerVolume) is not available on this host' 'BITLOCKER_UNAVAILABLE'
    exit 0
}
$unencrypted = @()
$suspended = @()
$states = @()
foreach ($mount in $volumes) {
    $letter = $mount.ToUpperInvariant()
    try {
        $v = Get-BitLockerVolume -MountPoint $letter
    } catch {
        Out-Result 'error' ([ordered]@{ volume = $letter }) $null "volume $letter could not be read" 'VOLUME_UNREADABLE'
        exit 0
    }
    $vs = [string]$v.VolumeStatus
    $ps = [string]$v.ProtectionStatus
    $states += "${letter}=$vs/$ps"
    if ($vs -ne 'FullyEncrypted') { $unencrypted += $letter }
    elseif ($ps -ne 'On') { $suspended += $letter }
}
$observed = [ordered]@{
    volume_count        = @($volumes).Count
    unencrypted_volumes = $unencrypted
    suspended_volumes   = $suspended
    unencrypted_count   = $unencrypted.Count
    suspended_count     = $suspended.Count
    volume_states       = $states
}
$expected = [ordered]@{ unencrypted_volumes = @(); suspended_volumes = @(); unencrypted_count = 0; suspended_count = 0 }
if ($unencrypted.Count -eq 0 -and $suspended.Count -eq 0) {
    Out-Result 'pass' $observed $expected 'every listed volume is fully encrypted with protection on'
} else {
    $parts = @()
    if ($unencrypted.Count) { $parts += 'not fully encrypted: ' + ($unencrypted -join ', ') }
    if ($suspended.Count) { $parts += 'protection suspended: ' + ($suspended -join ', ') }
    Out-Result 'fail' $observed $expected ('BitLocker drift: ' + ($parts -join '; '))
}
