# RB-WIN-AV-001 remediate: start a stopped (not Disabled) WinDefend service, re-enable real-time
# monitoring if it is off, refresh stale definitions, then quick-scan if anything changed. Records the
# prior service status and preference once for rollback. Idempotent.
param(
    [int]$max_signature_age_days = 3,
    [bool]$start_service = $true,
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
# Writes the record before a change; an existing record from earlier in this incident is kept, and
# one this run wrote is completed as more prior values become readable (preferences need the service).
$script:recordWritten = $false
function Save-Record([hashtable]$Prior) {
    $record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-AV-001.json'
    if ((Test-Path -LiteralPath $record) -and -not $script:recordWritten) { return }
    $script:recordWritten = $true
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    [ordered]@{ runbook = 'RB-WIN-AV-001'; recorded_utc = [datetime]::UtcNow.ToString('o'); prior = $Prior } |
        ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $record -Encoding utf8
}

$service = Get-Service -Name WinDefend -ErrorAction SilentlyContinue
if ($null -eq $service -or -not (Get-Command -Name Get-MpComputerStatus -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{} 'Microsoft Defender Antivirus is not installed' 'DEFENDER_UNAVAILABLE'
    exit 1
}
$actions = @()
$observed = [ordered]@{ actions = $actions }
try {
    if ([string]$service.Status -ne 'Running') {
        if ([string]$service.StartType -eq 'Disabled' -or -not $start_service) {
            Out-Result 'error' ([ordered]@{ actions = @(); service_status = [string]$service.Status; service_start_type = [string]$service.StartType }) 'the Defender service is stopped and may not be started by this runbook (Disabled or start_service false)' 'SERVICE_DISABLED'
            exit 1
        }
        Save-Record @{ service_status = [string]$service.Status; disable_realtime_monitoring = $null }
        Start-Service -Name WinDefend
        $actions += 'service_started'
    }
    $status = Get-MpComputerStatus
    if ([string](Get-OptionalProperty $status 'AMRunningMode') -in @('Passive Mode', 'SxS Passive Mode', 'EDR Block Mode')) {
        Out-Result 'not_applicable' ([ordered]@{ actions = $actions }) 'Defender is not the primary antivirus' 'DEFENDER_PASSIVE'
        exit 0
    }
    if (-not $status.RealTimeProtectionEnabled) {
        $prefs = Get-MpPreference
        if ($prefs.DisableRealtimeMonitoring) {
            Save-Record @{ service_status = [string]$service.Status; disable_realtime_monitoring = $true }
            Set-MpPreference -DisableRealtimeMonitoring $false
            $actions += 'real_time_protection_enabled'
        }
    }
    $updateFailed = $false
    if ([int]$status.AntivirusSignatureAge -gt $max_signature_age_days) {
        try { Update-MpSignature; $actions += 'signatures_updated' } catch { $updateFailed = $true }
    }
    if ($start_quick_scan -and $actions.Count -gt 0) {
        $null = Start-MpScan -ScanType QuickScan -AsJob
        $actions += 'quick_scan_started'
    }
    $after = Get-MpComputerStatus
} catch {
    Out-Result 'error' ([ordered]@{ actions = $actions }) ('remediation stopped (HRESULT 0x{0:X8})' -f $_.Exception.HResult) 'REMEDIATION_FAILED'
    exit 1
}
$remaining = @()
if (-not $after.RealTimeProtectionEnabled) { $remaining += 'real_time_protection_off' }
if ([int]$after.AntivirusSignatureAge -gt $max_signature_age_days) { $remaining += 'signatures_stale' }
$observed = [ordered]@{ actions = $actions; remaining_issues = $remaining; signature_version = [string]$after.AntivirusSignatureVersion }
if ($remaining.Count -eq 0) {
    Out-Result 'pass' $observed $(if ($actions.Count) { 'Defender health restored: ' + ($actions -join ', ') } else { 'nothing to change' })
    exit 0
}
$reason = if ($remaining -contains 'signatures_stale' -and $updateFailed) { 'SIGNATURE_UPDATE_FAILED' } else { 'SETTING_NOT_APPLIED' }
Out-Result 'error' $observed ('Defender still not healthy: ' + ($remaining -join ', ')) $reason
exit 1
