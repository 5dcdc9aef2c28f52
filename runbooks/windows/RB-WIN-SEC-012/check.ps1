# RB-WIN-SEC-012 check: the EventLog service runs, the listed logs are enabled, the Security log is big
# enough, changes to the audit policy are audited, and no Security log was cleared (event 1102) within
# the last since_hours. Old clears age out of the window, so one clear never keeps the host failing.
param(
    [string[]]$logs = @('Security', 'System', 'Application'),
    [int]$security_log_min_mb = 1024,
    [int]$since_hours = 24,
    [bool]$audit_policy_change = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $state_dir
$AuditPolicyChange = '{0CCE922F-69AE-11D9-BED3-505054503030}'

if (-not (Get-Command -Name Get-WinEvent -ErrorAction SilentlyContinue)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'Get-WinEvent is not available on this host'; reason_code = 'EVENTLOG_CMDLETS_UNAVAILABLE' } | ConvertTo-Json -Compress
    exit 0
}
$issues = @()
$unknown = @()
$running = $false
try {
    $running = [string](Get-Service -Name EventLog).Status -eq 'Running'
} catch {
    [ordered]@{ status = 'error'; observed = @{}; message = 'the EventLog service could not be queried'; reason_code = 'EVENTLOG_SERVICE_UNREADABLE' } | ConvertTo-Json -Compress
    exit 0
}
if (-not $running) { $issues += 'EVENTLOG_SERVICE_STOPPED' }

$disabled = @()
$securityMb = $null
$securityMode = $null
$clears = $null
if ($running) {
    # The Security log is always checked, whether or not it is listed.
    $names = @(@($logs) + 'Security' | Sort-Object -Unique)
    foreach ($name in $names) {
        try {
            $cfg = @(Get-WinEvent -ListLog $name | Where-Object { $_.LogName -ieq $name })[0]
        } catch {
            $cfg = $null
        }
        if ($null -eq $cfg) { $unknown += "LOG_UNREADABLE:$name"; continue }
        if (-not $cfg.IsEnabled) { $disabled += [string]$cfg.LogName }
        if ($name -ieq 'Security') {
            $securityMb = [long][Math]::Floor([long]$cfg.MaximumSizeInBytes / 1MB)
            $securityMode = [string]$cfg.LogMode
        }
    }
    if ($disabled.Count) { $issues += 'LOG_DISABLED' }
    if ($null -ne $securityMb -and $securityMb -lt $security_log_min_mb) { $issues += 'SECURITY_LOG_TOO_SMALL' }
    try {
        $since = (Get-Date).AddHours(-$since_hours)
        $clears = @(Get-WinEvent -FilterHashtable @{ LogName = 'Security'; Id = 1102; StartTime = $since } -MaxEvents 100).Count
    } catch {
        if ($_.FullyQualifiedErrorId -like 'NoMatchingEventsFound*') { $clears = 0 } else { $unknown += 'SECURITY_EVENTS_UNREADABLE' }
    }
}

$auditSetting = $null
if ($audit_policy_change) {
    if (Get-Command -Name auditpol.exe -ErrorAction SilentlyContinue) {
        try {
            $lines = @(auditpol.exe /get ('/subcategory:' + $AuditPolicyChange) /r | Where-Object { "$_".Trim() -ne '' })
            if ($LASTEXITCODE -ne 0 -or $lines.Count -lt 2) { throw "auditpol exit $LASTEXITCODE" }
            $row = @($lines | ConvertFrom-Csv)[0]
            $auditSetting = [string]$row.'Inclusion Setting'
            if ($auditSetting -ne 'Success and Failure') { $issues += 'AUDIT_POLICY_CHANGE_OFF' }
        } catch {
            $unknown += 'AUDITPOL_FAILED'
        }
    } else { $unknown += 'AUDITPOL_UNAVAILABLE' }
}

$configDrift = $issues.Count -gt 0
if ($null -ne $clears -and $clears -gt 0) { $issues += 'SECURITY_LOG_CLEARED' }
$status = if ($issues.Count) { 'fail' } elseif ($unknown.Count) { 'error' } else { 'pass' }
$message = 'event logs are protected and no Security log clear was seen'
if ($status -eq 'fail') { $message = 'event log protection drift: ' + ($issues -join ', ') }
if ($status -eq 'error') { $message = 'event log protection could not be fully checked: ' + ($unknown -join ', ') }
$result = [ordered]@{
    status   = $status
    observed = [ordered]@{
        eventlog_service_running = $running
        disabled_logs            = $disabled
        security_log_max_mb      = $securityMb
        security_log_mode        = $securityMode
        recent_log_clears        = $clears
        since_hours              = $since_hours
        audit_policy_change      = $auditSetting
        configuration_drift      = $configDrift
        issues                   = $issues
        undecided                = $unknown
    }
    expected = [ordered]@{ eventlog_service_running = $true; disabled_logs = @(); security_log_max_mb = ">= $security_log_min_mb"; recent_log_clears = 0; configuration_drift = $false }
    message  = $message
}
if ($status -eq 'error') { $result.reason_code = 'PARTIAL_READ' }
$result | ConvertTo-Json -Compress -Depth 4
