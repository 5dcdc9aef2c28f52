# RB-WIN-LOGGING-001 check: the listed audit subcategories record what is required and the Security
# log is enabled with at least security_log_min_size_mb.
param(
    [string[]]$audit_success_subcategories = @(
        '{0CCE9215-69AE-11D9-BED3-505054503030}',
        '{0CCE9216-69AE-11D9-BED3-505054503030}',
        '{0CCE9217-69AE-11D9-BED3-505054503030}',
        '{0CCE9235-69AE-11D9-BED3-505054503030}',
        '{0CCE9237-69AE-11D9-BED3-505054503030}',
        '{0CCE922B-69AE-11D9-BED3-505054503030}',
        '{0CCE922F-69AE-11D9-BED3-505054503030}'
    ),
    [string[]]$audit_failure_subcategories = @(
        '{0CCE9215-69AE-11D9-BED3-505054503030}',
        '{0CCE9217-69AE-11D9-BED3-505054503030}',
        '{0CCE9235-69AE-11D9-BED3-505054503030}',
        '{0CCE9237-69AE-11D9-BED3-505054503030}',
        '{0CCE922B-69AE-11D9-BED3-505054503030}',
        '{0CCE922F-69AE-11D9-BED3-505054503030}'
    ),
    [int]$security_log_min_size_mb = 1024,
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

foreach ($tool in @('auditpol.exe', 'wevtutil.exe')) {
    if (-not (Get-Command -Name $tool -ErrorAction SilentlyContinue)) {
        Out-Result 'error' @{} $null "$tool is not available on this host" $(if ($tool -eq 'auditpol.exe') { 'AUDITPOL_UNAVAILABLE' } else { 'EVENTLOG_UNAVAILABLE' })
        exit 0
    }
}

# Audit policy, matched by subcategory GUID (locale-independent).
$lines = @(auditpol.exe /get '/category:*' /r)
if ($LASTEXITCODE -ne 0) {
    Out-Result 'error' @{} $null "auditpol /get failed with exit code $LASTEXITCODE (is the shell elevated?)" 'AUDITPOL_FAILED'
    exit 0
}
$flags = @{ 'No Auditing' = 0; 'Success' = 1; 'Failure' = 2; 'Success and Failure' = 3 }
$byGuid = @{}
$byName = @{}
foreach ($row in @($lines | Where-Object { $_ -ne '' } | ConvertFrom-Csv)) {
    $setting = [string]$row.'Inclusion Setting'
    if (-not $flags.ContainsKey($setting)) {
        Out-Result 'error' @{} $null 'auditpol reported a setting text this check does not recognise (non-English Windows?)' 'UNRECOGNISED_AUDIT_SETTING'
        exit 0
    }
    $entry = @{ Guid = ([string]$row.'Subcategory GUID').ToUpperInvariant(); Name = [string]$row.Subcategory; Value = $flags[$setting] }
    $byGuid[$entry.Guid] = $entry
    $byName[$entry.Name] = $entry
}
$missing = @()
$unknown = @()
$checked = @{}
foreach ($req in @(@{ Items = $audit_success_subcategories; Bit = 1; Label = 'success' }, @{ Items = $audit_failure_subcategories; Bit = 2; Label = 'failure' })) {
    foreach ($item in @($req.Items)) {
        $key = $item.Trim()
        $e = if ($byGuid.ContainsKey($key.ToUpperInvariant())) { $byGuid[$key.ToUpperInvariant()] } elseif ($byName.ContainsKey($key)) { $byName[$key] } else { $null }
        if ($null -eq $e) { $unknown += $item; continue }
        $checked[$e.Guid] = $true
        if (($e.Value -band $req.Bit) -eq 0) { $missing += "$($e.Name):$($req.Label)" }
    }
}
if ($unknown.Count -gt 0) {
    Out-Result 'error' ([ordered]@{ unknown_subcategories = @($unknown | ForEach-Object { if ($_.Length -gt 100) { $_.Substring(0, 100) } else { $_ } }) }) $null 'some listed audit subcategories do not exist on this host' 'SUBCATEGORY_NOT_FOUND'
    exit 0
}

# Security log configuration (wevtutil get-log prints "enabled: true" and "maxSize: <bytes>").
$log = @(wevtutil.exe gl Security)
if ($LASTEXITCODE -ne 0) {
    Out-Result 'error' @{} $null "wevtutil get-log Security failed with exit code $LASTEXITCODE" 'EVENTLOG_UNREADABLE'
    exit 0
}
$enabledLine = $log | Where-Object { $_ -match '^\s*enabled:\s*(true|false)\s*$' } | Select-Object -First 1
$sizeLine = $log | Where-Object { $_ -match '^\s*maxSize:\s*(\d+)\s*$' } | Select-Object -First 1
if ($null -eq $enabledLine -or $null -eq $sizeLine) {
    Out-Result 'error' @{} $null 'the Security log configuration could not be parsed' 'EVENTLOG_UNREADABLE'
    exit 0
}
$logEnabled = ($enabledLine -replace '^\s*enabled:\s*', '').Trim() -eq 'true'
$maxBytes = [long](($sizeLine -replace '^\s*maxSize:\s*', '').Trim())
$maxMb = [long][math]::Floor($maxBytes / 1MB)

$issues = @()
if ($missing.Count) { $issues += 'audit_subcategories_missing' }
if (-not $logEnabled) { $issues += 'security_log_disabled' }
if ($maxBytes -lt [long]$security_log_min_size_mb * 1MB) { $issues += 'security_log_too_small' }
$observed = [ordered]@{
    missing                  = $missing
    missing_count            = $missing.Count
    checked_count            = $checked.Count
    security_log_enabled     = $logEnabled
    security_log_max_size_mb = $maxMb
    issues                   = $issues
}
$expected = [ordered]@{ missing = @(); missing_count = 0; security_log_enabled = $true; security_log_max_size_mb = ">= $security_log_min_size_mb"; issues = @() }
if ($issues.Count -eq 0) {
    Out-Result 'pass' $observed $expected 'audit subcategories and the Security log are configured'
} else {
    Out-Result 'fail' $observed $expected ('event logging drift: ' + ($issues -join ', '))
}
