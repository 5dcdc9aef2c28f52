# RB-WIN-SEC-006 remediate: turn real-time protection / behaviour monitoring back on (only the
# preferences that are off), refresh stale definitions, then start a background quick scan if
# anything changed. Records the prior preferences once for rollback. Idempotent.
param(
    [int]$max_signature_age_days = 3,
    [bool]$require_behavior_monitoring = $true,
    [bool]$start_quick_scan = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
# Reads a property that older Defender platform versions may not have (StrictMode-safe).
function Get-OptionalProperty($Object, [string]$Name) {
    if ($null -eq $Object -or $null -eq $Object.PSObject.Properties[$Name]) { return $null }
    return $Object.PSObject.Properties[$Name].Value
}
function Get-Issues($Status) {
    $found = @()
    if (-not $Status.AntivirusEnabled) { $found += 'antivirus_disabled' }
    if (-not $Status.RealTimeProtectionEnabled) { $found += 'real_time_protection_off' }
    if ($require_behavior_monitoring -and -not $Status.BehaviorMonitorEnabled) { $found += 'behavior_monitoring_off' }
    if ([int]$Status.AntivirusSignatureAge -gt $max_signature_age_days) { $found += 'signatures_stale' }
    return , $found
}

if (-not (Get-Command -Name Get-MpComputerStatus -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{} 'the Defender module is not available on this host' 'DEFENDER_UNAVAILABLE'
    exit 1
}
try {
    $status = Get-MpComputerStatus
    $prefs = Get-MpPreference
} catch {
    Out-Result 'error' @{} ('Defender status could not be read (HRESULT 0x{0:X8})' -f $_.Exception.HResult) 'DEFENDER_UNREADABLE'
    exit 1
}
if ([string](Get-OptionalProperty $status 'AMRunningMode') -in @('Passive Mode', 'SxS Passive Mode', 'EDR Block Mode')) {
    Out-Result 'not_applicable' @{ changed_settings = @() } 'Defender is not the primary antivirus; nothing changed' 'DEFENDER_PASSIVE'
    exit 0
}

$settings = [ordered]@{}
if (-not $status.RealTimeProtectionEnabled -and $prefs.DisableRealtimeMonitoring) { $settings['DisableRealtimeMonitoring'] = $false }
if ($require_behavior_monitoring -and -not $status.BehaviorMonitorEnabled -and $prefs.DisableBehaviorMonitoring) { $settings['DisableBehaviorMonitoring'] = $false }

$changed = @()
$signaturesUpdated = $false
$updateFailed = $false
$scanStarted = $false
try {
    if ($settings.Count -gt 0) {
        $record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-006.json'
        if (-not (Test-Path -LiteralPath $record)) {
            $null = New-Item -ItemType Directory -Path $state_dir -Force
            $prior = [ordered]@{
                DisableRealtimeMonitoring = [bool]$prefs.DisableRealtimeMonitoring
                DisableBehaviorMonitoring = [bool]$prefs.DisableBehaviorMonitoring
            }
            [ordered]@{ runbook = 'RB-WIN-SEC-006'; recorded_utc = [datetime]::UtcNow.ToString('o'); preferences = $prior } |
                ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $record -Encoding utf8
        }
        Set-MpPreference @settings
        $changed = @($settings.Keys)
    }
    if ([int]$status.AntivirusSignatureAge -gt $max_signature_age_days) {
        try {
            Update-MpSignature
            $signaturesUpdated = $true
        } catch {
            $updateFailed = $true
        }
    }
    if ($start_quick_scan -and ($changed.Count -gt 0 -or $signaturesUpdated)) {
        $null = Start-MpScan -ScanType QuickScan -AsJob
        $scanStarted = $true
    }
    $after = Get-MpComputerStatus
} catch {
    Out-Result 'error' ([ordered]@{ changed_settings = $changed; signatures_updated = $signaturesUpdated }) ('remediation stopped (HRESULT 0x{0:X8})' -f $_.Exception.HResult) 'REMEDIATION_FAILED'
    exit 1
}

$remaining = Get-Issues $after
$observed = [ordered]@{
    changed_settings   = $changed
    signatures_updated = $signaturesUpdated
    quick_scan_started = $scanStarted
    remaining_issues   = $remaining
    signature_version  = [string]$after.AntivirusSignatureVersion
}
if ($remaining.Count -eq 0) {
    $msg = if ($changed.Count -or $signaturesUpdated) { 'Defender protection restored' } else { 'nothing to change' }
    Out-Result 'pass' $observed $msg
    exit 0
}
$reason = if ($remaining -contains 'signatures_stale' -and $updateFailed) { 'SIGNATURE_UPDATE_FAILED' }
elseif ($remaining -contains 'antivirus_disabled') { 'ANTIVIRUS_DISABLED' }
else { 'SETTING_NOT_APPLIED' }
Out-Result 'error' $observed ('Defender still not compliant: ' + ($remaining -join ', ') + ' (Tamper Protection, Group Policy or update source may block the change)') $reason
exit 1
