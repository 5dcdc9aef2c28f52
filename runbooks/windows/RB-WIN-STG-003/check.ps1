# RB-WIN-STG-003 check: physical disks and fixed volumes report healthy and no NTFS dirty bit is set.
param(
    [bool]$check_dirty_bit = $true
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [System.Collections.IDictionary]$Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
# Storage cmdlets show health as names; raw CIM values are numbers (0 = Healthy, 2 = OK).
function Test-Healthy($Health) { return @('Healthy', '0') -contains [string]$Health }
function Test-OperationalOk($Operational) {
    $all = @($Operational | ForEach-Object { [string]$_ })
    return $all.Count -gt 0 -and @($all | Where-Object { @('OK', '2') -notcontains $_ }).Count -eq 0
}

$observed = [ordered]@{
    disk_count = $null; unhealthy_disks = @(); volume_count = $null; unhealthy_volumes = @(); dirty_volumes = @()
    max_temperature_c = $null; uncorrected_errors = $null; max_power_on_hours = $null
}
$expected = [ordered]@{ unhealthy_disks = @(); unhealthy_volumes = @(); dirty_volumes = @() }
if (-not (Get-Command -Name Get-PhysicalDisk -ErrorAction SilentlyContinue) -or -not (Get-Command -Name Get-Volume -ErrorAction SilentlyContinue)) {
    Out-Result 'error' $observed $null 'disk health is not available (no Storage module)' 'STORAGE_QUERY_UNAVAILABLE'
    exit 0
}
try {
    $disks = @(Get-PhysicalDisk)
    $vols = @(Get-Volume | Where-Object { @('Fixed', '3') -contains [string]$_.DriveType -and $_.DriveLetter })
} catch {
    Out-Result 'error' $observed $null 'disks or volumes could not be read' 'STORAGE_QUERY_FAILED'
    exit 0
}

$badDisks = @()
$temps = @(); $errors = @(); $hours = @()
foreach ($d in $disks) {
    if (-not (Test-Healthy $d.HealthStatus) -or -not (Test-OperationalOk $d.OperationalStatus)) {
        $badDisks += ('disk ' + [string]$d.DeviceId + ' (' + [string]$d.MediaType + '): ' + [string]$d.HealthStatus + '/' + (@($d.OperationalStatus) -join ','))
    }
    try {
        $rc = $d | Get-StorageReliabilityCounter -ErrorAction Stop
        if ($null -ne $rc) {
            if ($null -ne $rc.Temperature -and [int]$rc.Temperature -gt 0) { $temps += [int]$rc.Temperature }
            $e = 0; $seen = $false
            foreach ($v in @($rc.ReadErrorsUncorrected, $rc.WriteErrorsUncorrected)) { if ($null -ne $v) { $e += [long]$v; $seen = $true } }
            if ($seen) { $errors += $e }
            if ($null -ne $rc.PowerOnHours) { $hours += [long]$rc.PowerOnHours }
        }
    } catch {
        $null = $_ # counters are optional context; virtual disks do not have them
    }
}
$observed['disk_count'] = $disks.Count
$observed['unhealthy_disks'] = $badDisks
if ($temps.Count) { $observed['max_temperature_c'] = ($temps | Measure-Object -Maximum).Maximum }
if ($errors.Count) { $observed['uncorrected_errors'] = [long](($errors | Measure-Object -Sum).Sum) }
if ($hours.Count) { $observed['max_power_on_hours'] = [long](($hours | Measure-Object -Maximum).Maximum) }

$badVols = @()
$dirty = @()
$unreadable = @()
$fsutil = $check_dirty_bit -and [bool](Get-Command -Name fsutil.exe -ErrorAction SilentlyContinue)
foreach ($v in $vols) {
    $letter = ([string]$v.DriveLetter).ToUpperInvariant() + ':'
    if (-not (Test-Healthy $v.HealthStatus) -or -not (Test-OperationalOk $v.OperationalStatus)) {
        $badVols += ($letter + ' ' + [string]$v.HealthStatus + '/' + (@($v.OperationalStatus) -join ','))
    }
    if (-not $check_dirty_bit) { continue }
    if (-not $fsutil) { $unreadable += $letter; continue }
    $prev = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try {
        $argv = @('dirty', 'query', $letter)
        $out = @(fsutil.exe @argv 2>&1 | ForEach-Object { [string]$_ })
    } finally {
        $ErrorActionPreference = $prev
    }
    if ($out | Where-Object { $_ -match '\bis NOT Dirty\b' }) { continue }
    if ($out | Where-Object { $_ -match '\bis Dirty\b' }) { $dirty += $letter } else { $unreadable += $letter }
}
$observed['volume_count'] = $vols.Count
$observed['unhealthy_volumes'] = $badVols
$observed['dirty_volumes'] = $dirty

if ($badDisks.Count -or $badVols.Count -or $dirty.Count) {
    $parts = @()
    if ($badDisks.Count) { $parts += 'failing disks: ' + ($badDisks -join '; ') }
    if ($badVols.Count) { $parts += 'unhealthy volumes: ' + ($badVols -join '; ') }
    if ($dirty.Count) { $parts += 'volumes needing chkdsk (dirty bit set): ' + ($dirty -join ', ') }
    Out-Result 'fail' $observed $expected ($parts -join '; ')
} elseif ($unreadable.Count) {
    Out-Result 'error' $observed $expected ('the dirty bit of ' + ($unreadable -join ', ') + ' could not be read') 'DIRTY_BIT_UNREADABLE'
} else {
    Out-Result 'pass' $observed $expected ("$($disks.Count) disks and $($vols.Count) fixed volumes are healthy")
}
