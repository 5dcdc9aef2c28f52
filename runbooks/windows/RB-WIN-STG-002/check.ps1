# RB-WIN-STG-002 check: VSS is not disabled, no VSS writer reports an error, and the system volume has
# at least min_shadow_copies shadow copies.
param(
    [string]$service_name = 'VSS',
    [string]$system_drive_letter = 'C',
    [int]$shadow_storage_percent = 10,
    [int]$min_shadow_copies = 1,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $shadow_storage_percent, $state_dir

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [System.Collections.IDictionary]$Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
function Invoke-Vssadmin([string[]]$ArgumentList) {
    $prev = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try { return @(vssadmin.exe @ArgumentList 2>&1 | ForEach-Object { [string]$_ }) } finally { $ErrorActionPreference = $prev }
}

$observed = [ordered]@{
    vss_status = $null; vss_start_type = $null; failed_writer_count = $null; failed_writers = @()
    shadow_storage_configured = $null; shadow_copy_count = $null
}
$expected = [ordered]@{ vss_start_type = 'Manual or Automatic'; failed_writer_count = 0; shadow_copy_count = ">= $min_shadow_copies" }
if ([WildcardPattern]::ContainsWildcardCharacters($service_name) -or $system_drive_letter -notmatch '^[A-Za-z]$') {
    Out-Result 'error' $observed $null 'service_name must be an exact name and system_drive_letter one letter' 'INVALID_PARAMETER'
    exit 0
}
$drive = $system_drive_letter.ToUpperInvariant() + ':'
$svc = @(Get-Service -Name $service_name -ErrorAction SilentlyContinue | Where-Object { [string]$_.Name -eq $service_name })
if ($svc.Count -eq 0) {
    Out-Result 'error' $observed $null 'the Volume Shadow Copy service does not exist' 'SERVICE_MISSING'
    exit 0
}
$observed['vss_status'] = [string]$svc[0].Status
$observed['vss_start_type'] = [string]$svc[0].StartType
if ($observed['vss_start_type'] -eq 'Disabled') {
    Out-Result 'fail' $observed $expected 'the Volume Shadow Copy service is disabled, so no shadow copy or VSS-aware backup can be made'
    exit 0
}
if (-not (Get-Command -Name vssadmin.exe -ErrorAction SilentlyContinue)) {
    Out-Result 'error' $observed $null 'vssadmin.exe is not available' 'VSSADMIN_UNAVAILABLE'
    exit 0
}

$writerOut = Invoke-Vssadmin @('list', 'writers')
if ($writerOut | Where-Object { $_ -match '^\s*Error:' }) {
    Out-Result 'error' $observed $null 'vssadmin could not list the VSS writers' 'VSS_QUERY_FAILED'
    exit 0
}
$failed = @()
$name = $null
$state = $null
foreach ($line in @($writerOut + 'Writer name: ''<end>''')) {
    if ($line -match "^\s*Writer name:\s*'(.*)'\s*$") {
        if ($null -ne $name -and $null -ne $state) { if ($state.bad) { $failed += $name } }
        $name = $Matches[1]
        $state = @{ bad = $false }
    } elseif ($null -ne $state -and $line -match '^\s*State:\s*(.*)$') {
        if ($Matches[1] -match 'Failed') { $state.bad = $true }
    } elseif ($null -ne $state -and $line -match '^\s*Last error:\s*(.*\S)\s*$') {
        if ($Matches[1] -ne 'No error') { $state.bad = $true }
    }
}
$observed['failed_writer_count'] = $failed.Count
$observed['failed_writers'] = $failed

$storageOut = Invoke-Vssadmin @('list', 'shadowstorage')
$observed['shadow_storage_configured'] = @($storageOut | Where-Object { $_ -match ('^\s*For volume:\s*\(' + [regex]::Escape($drive) + '\)') }).Count -gt 0
$shadowOut = Invoke-Vssadmin @('list', 'shadows', ('/for=' + $drive))
$observed['shadow_copy_count'] = @($shadowOut | Where-Object { $_ -match '^\s*Shadow Copy ID:\s*\{' }).Count

$problems = @()
if ($failed.Count -gt 0) { $problems += 'VSS writers in error: ' + ($failed -join ', ') }
if ($observed['shadow_copy_count'] -lt $min_shadow_copies) { $problems += "$drive has $($observed['shadow_copy_count']) shadow copies (needs $min_shadow_copies)" }
if ($problems.Count -eq 0) {
    Out-Result 'pass' $observed $expected ("VSS is healthy and $drive has $($observed['shadow_copy_count']) shadow copies")
} else {
    Out-Result 'fail' $observed $expected ($problems -join '; ')
}
