# RB-WIN-ENCRYPTION-001 check (alert only): each listed volume is fully encrypted with an accepted
# method, and (optionally) protection is on.
param(
    [string[]]$volumes = @('C:'),
    [string[]]$allowed_encryption_methods = @('XtsAes128', 'XtsAes256', 'Aes128', 'Aes256'),
    [bool]$require_protection_on = $true
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

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
$weak = @()
$off = @()
$methods = @()
foreach ($mount in $volumes) {
    $letter = $mount.ToUpperInvariant()
    try {
        $v = Get-BitLockerVolume -MountPoint $letter
    } catch {
        Out-Result 'error' ([ordered]@{ volume = $letter }) $null "volume $letter could not be read" 'VOLUME_UNREADABLE'
        exit 0
    }
    $method = [string]$v.EncryptionMethod
    $methods += "${letter}=$method"
    if ([string]$v.VolumeStatus -ne 'FullyEncrypted') { $unencrypted += $letter; continue }
    if ($allowed_encryption_methods -notcontains $method) { $weak += $letter }
    if ($require_protection_on -and [string]$v.ProtectionStatus -ne 'On') { $off += $letter }
}
$observed = [ordered]@{
    volume_count           = @($volumes).Count
    unencrypted_volumes    = $unencrypted
    weak_method_volumes    = $weak
    protection_off_volumes = $off
    encryption_methods     = $methods
}
$expected = [ordered]@{ unencrypted_volumes = @(); weak_method_volumes = @(); protection_off_volumes = @() }
if ($unencrypted.Count + $weak.Count + $off.Count -eq 0) {
    Out-Result 'pass' $observed $expected 'every listed volume is encrypted at rest with an accepted method'
} else {
    $parts = @()
    if ($unencrypted.Count) { $parts += 'not fully encrypted: ' + ($unencrypted -join ', ') }
    if ($weak.Count) { $parts += 'method not accepted: ' + ($weak -join ', ') }
    if ($off.Count) { $parts += 'protection off: ' + ($off -join ', ') }
    Out-Result 'fail' $observed $expected ('encryption at rest missing (alert only, a person must act): ' + ($parts -join '; '))
}
