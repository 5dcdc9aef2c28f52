# RB-WIN-SEC-006 check: Defender is the active antivirus, real-time protection (and behaviour
# monitoring) is on and the definitions are no older than max_signature_age_days.
param(
    [int]$max_signature_age_days = 3,
    [bool]$require_behavior_monitoring = $true,
    [bool]$start_quick_scan = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $start_quick_scan, $state_dir

function Out-Result([string]$Status, $Observed, $Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
# Reads a property that older Defender platform versions may not have (StrictMode-safe).
function Get-OptionalProperty($Object, [string]$Name) {
    if ($null -eq $Object -or $null -eq $Object.PSObject.Properties[$Name]) { return $null }
    return $Object.PSObject.Properties[$Name].Value
}

if (-not (Get-Command -Name Get-MpComputerStatus -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{} $null 'the Defender module (Get-MpComputerStatus) is not available on this host' 'DEFENDER_UNAVAILABLE'
    exit 0
}
try {
    $s = Get-MpComputerStatus
} catch {
    Out-Result 'error' @{} $null ('Defender status could not be read (HRESULT 0x{0:X8})' -f $_.Exception.HResult) 'DEFENDER_UNREADABLE'
    exit 0
}

$mode = [string](Get-OptionalProperty $s 'AMRunningMode')
$observed = [ordered]@{
    running_mode                 = $mode
    antivirus_enabled            = [bool]$s.AntivirusEnabled
    real_time_protection_enabled = [bool]$s.RealTimeProtectionEnabled
    behavior_monitor_enabled     = [bool]$s.BehaviorMonitorEnabled
    signature_version            = [string]$s.AntivirusSignatureVersion
    signature_age_days           = [int]$s.AntivirusSignatureAge
    quick_scan_age_days          = [int](Get-OptionalProperty $s 'QuickScanAge')
    tamper_protected             = [bool](Get-OptionalProperty $s 'IsTamperProtected')
}
if ($mode -in @('Passive Mode', 'SxS Passive Mode', 'EDR Block Mode')) {
    $observed['issues'] = @()
    Out-Result 'not_applicable' $observed $null "Defender runs in '$mode': another antivirus product is primary and needs its own check" 'DEFENDER_PASSIVE'
    exit 0
}

$issues = @()
if (-not $observed.antivirus_enabled) { $issues += 'antivirus_disabled' }
if (-not $observed.real_time_protection_enabled) { $issues += 'real_time_protection_off' }
if ($require_behavior_monitoring -and -not $observed.behavior_monitor_enabled) { $issues += 'behavior_monitoring_off' }
if ($observed.signature_age_days -gt $max_signature_age_days) { $issues += 'signatures_stale' }
$observed['issues'] = $issues

$expected = [ordered]@{
    antivirus_enabled            = $true
    real_time_protection_enabled = $true
    signature_age_days           = "<= $max_signature_age_days"
    issues                       = @()
}
if ($require_behavior_monitoring) { $expected['behavior_monitor_enabled'] = $true }

if ($issues.Count -eq 0) {
    Out-Result 'pass' $observed $expected ("Defender is active with real-time protection on and definitions {0} day(s) old" -f $observed.signature_age_days)
} else {
    Out-Result 'fail' $observed $expected ('Defender drift: ' + ($issues -join ', '))
}
