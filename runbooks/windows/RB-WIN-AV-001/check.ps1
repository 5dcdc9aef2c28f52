# RB-WIN-AV-001 check: WinDefend is running, real-time protection is on, definitions are current.
param(
    [int]$max_signature_age_days = 3,
    [bool]$start_service = $true,
    [bool]$start_quick_scan = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $start_service, $start_quick_scan, $state_dir

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

$service = Get-Service -Name WinDefend -ErrorAction SilentlyContinue
if ($null -eq $service -or -not (Get-Command -Name Get-MpComputerStatus -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{} $null 'Microsoft Defender Antivirus (WinDefend service or Defender module) is not installed' 'DEFENDER_UNAVAILABLE'
    exit 0
}
$expected = [ordered]@{ service_status = 'Running'; real_time_protection_enabled = $true; signature_age_days = "<= $max_signature_age_days"; issues = @() }
$observed = [ordered]@{ service_status = [string]$service.Status; service_start_type = [string]$service.StartType }
if ($observed.service_status -ne 'Running') {
    $observed['issues'] = @('service_stopped')
    Out-Result 'fail' $observed $expected "the Defender service is $($observed.service_status)"
    exit 0
}
try {
    $s = Get-MpComputerStatus
} catch {
    Out-Result 'error' $observed $null ('Defender status could not be read (HRESULT 0x{0:X8})' -f $_.Exception.HResult) 'DEFENDER_UNREADABLE'
    exit 0
}
$mode = [string](Get-OptionalProperty $s 'AMRunningMode')
$observed['running_mode'] = $mode
$observed['real_time_protection_enabled'] = [bool]$s.RealTimeProtectionEnabled
$observed['signature_version'] = [string]$s.AntivirusSignatureVersion
$observed['signature_age_days'] = [int]$s.AntivirusSignatureAge
if ($mode -in @('Passive Mode', 'SxS Passive Mode', 'EDR Block Mode')) {
    $observed['issues'] = @()
    Out-Result 'not_applicable' $observed $null "Defender runs in '$mode': another antivirus product is primary" 'DEFENDER_PASSIVE'
    exit 0
}
$issues = @()
if (-not $observed.real_time_protection_enabled) { $issues += 'real_time_protection_off' }
if ($observed.signature_age_days -gt $max_signature_age_days) { $issues += 'signatures_stale' }
$observed['issues'] = $issues
if ($issues.Count -eq 0) {
    Out-Result 'pass' $observed $expected 'Defender is running with real-time protection on and current definitions'
} else {
    Out-Result 'fail' $observed $expected ('Defender drift: ' + ($issues -join ', '))
}
