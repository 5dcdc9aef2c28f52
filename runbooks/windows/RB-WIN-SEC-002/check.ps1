# RB-WIN-SEC-002 check: every listed subcategory audits Success / Failure as required.
param(
    [string[]]$audit_success_subcategories = @(
        '{0CCE9215-69AE-11D9-BED3-505054503030}',
        '{0CCE9216-69AE-11D9-BED3-505054503030}',
        '{0CCE9217-69AE-11D9-BED3-505054503030}',
        '{0CCE9235-69AE-11D9-BED3-505054503030}',
        '{0CCE9237-69AE-11D9-BED3-505054503030}',
        '{0CCE922F-69AE-11D9-BED3-505054503030}',
        '{0CCE9230-69AE-11D9-BED3-505054503030}',
        '{0CCE9228-69AE-11D9-BED3-505054503030}'
    ),
    [string[]]$audit_failure_subcategories = @(
        '{0CCE9215-69AE-11D9-BED3-505054503030}',
        '{0CCE9217-69AE-11D9-BED3-505054503030}',
        '{0CCE9235-69AE-11D9-BED3-505054503030}',
        '{0CCE9237-69AE-11D9-BED3-505054503030}',
        '{0CCE922F-69AE-11D9-BED3-505054503030}',
        '{0CCE9228-69AE-11D9-BED3-505054503030}'
    ),
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

if (-not (Get-Command -Name auditpol.exe -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{} $null 'auditpol.exe is not available on this host' 'AUDITPOL_UNAVAILABLE'
    exit 0
}
$lines = @(auditpol.exe /get '/category:*' /r)
if ($LASTEXITCODE -ne 0) {
    Out-Result 'error' @{} $null "auditpol /get failed with exit code $LASTEXITCODE (is the shell elevated?)" 'AUDITPOL_FAILED'
    exit 0
}
$flags = @{ 'No Auditing' = 0; 'Success' = 1; 'Failure' = 2; 'Success and Failure' = 3 }
$rows = @($lines | Where-Object { $_ -ne '' } | ConvertFrom-Csv)
$byGuid = @{}
$byName = @{}
foreach ($row in $rows) {
    $setting = [string]$row.'Inclusion Setting'
    if (-not $flags.ContainsKey($setting)) {
        Out-Result 'error' @{} $null 'auditpol reported a setting text this check does not recognise (non-English Windows?)' 'UNRECOGNISED_AUDIT_SETTING'
        exit 0
    }
    $entry = @{ Guid = ([string]$row.'Subcategory GUID').ToUpperInvariant(); Name = [string]$row.Subcategory; Value = $flags[$setting] }
    $byGuid[$entry.Guid] = $entry
    $byName[$entry.Name] = $entry
}
function Find-Subcategory([string]$Item) {
    $key = $Item.Trim()
    if ($byGuid.ContainsKey($key.ToUpperInvariant())) { return $byGuid[$key.ToUpperInvariant()] }
    if ($byName.ContainsKey($key)) { return $byName[$key] }
    return $null
}

$missing = @()
$unknown = @()
$checked = @{}
foreach ($req in @(@{ Items = $audit_success_subcategories; Bit = 1; Label = 'success' }, @{ Items = $audit_failure_subcategories; Bit = 2; Label = 'failure' })) {
    foreach ($item in @($req.Items)) {
        $e = Find-Subcategory $item
        if ($null -eq $e) { $unknown += $item; continue }
        $checked[$e.Guid] = $true
        if (($e.Value -band $req.Bit) -eq 0) { $missing += "$($e.Name):$($req.Label)" }
    }
}
if ($unknown.Count -gt 0) {
    Out-Result 'error' ([ordered]@{ unknown_subcategories = @($unknown | ForEach-Object { if ($_.Length -gt 100) { $_.Substring(0, 100) } else { $_ } }) }) $null 'some listed audit subcategories do not exist on this host' 'SUBCATEGORY_NOT_FOUND'
    exit 0
}
$observed = [ordered]@{ missing = $missing; missing_count = $missing.Count; checked_count = $checked.Count }
$expected = [ordered]@{ missing = @(); missing_count = 0 }
if ($missing.Count -eq 0) {
    Out-Result 'pass' $observed $expected "all $($checked.Count) listed audit subcategories record what is required"
} else {
    Out-Result 'fail' $observed $expected ('audit policy drift: ' + ($missing -join ', '))
}
