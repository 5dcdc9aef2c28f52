# RB-WIN-STG-001 check: every fixed volume is below max_used_percent used and above min_free_gb free;
# also reports how much the cleanup could free.
param(
    [int]$max_used_percent = 90,
    [double]$min_free_gb = 10,
    [double]$verify_min_free_gb = 5,
    [string]$system_drive_letter = 'C',
    [string[]]$cleanup_paths = @('C:\Windows\Temp', 'C:\ProgramData\Microsoft\Windows\WER\ReportArchive', 'C:\ProgramData\Microsoft\Windows\WER\ReportQueue'),
    [int]$min_file_age_days = 1,
    [string]$wu_download_path = 'C:\Windows\SoftwareDistribution\Download',
    [string]$wu_service_name = 'wuauserv',
    [bool]$clean_windows_logs = $false,
    [string]$windows_logs_path = 'C:\Windows\Logs',
    [int]$log_max_age_days = 30,
    [string[]]$protected_paths = @('C:\Windows\Logs', 'C:\Windows\System32\winevt', 'C:\Windows\System32\LogFiles', 'C:\Windows\System32\config', 'C:\Users')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $verify_min_free_gb, $system_drive_letter, $wu_service_name

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [System.Collections.IDictionary]$Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
function Get-FullPathOrNull([string]$Path) {
    if (-not $Path -or -not [System.IO.Path]::IsPathRooted($Path)) { return $null }
    $full = [System.IO.Path]::GetFullPath($Path)
    $root = [System.IO.Path]::GetPathRoot($full)
    $trimmed = $full.TrimEnd([System.IO.Path]::DirectorySeparatorChar, [System.IO.Path]::AltDirectorySeparatorChar)
    if ($trimmed.Length -le $root.TrimEnd([System.IO.Path]::DirectorySeparatorChar, [System.IO.Path]::AltDirectorySeparatorChar).Length) { return $null }
    return $trimmed
}
function Test-Within([string]$Inner, [string]$Outer) {
    $sep = [string][System.IO.Path]::DirectorySeparatorChar
    return $Inner -ieq $Outer -or $Inner.StartsWith($Outer + $sep, [System.StringComparison]::OrdinalIgnoreCase)
}
function Test-Allowed([string]$Full) {
    foreach ($p in $protected_paths) {
        $pf = Get-FullPathOrNull $p
        if ($null -eq $pf) { continue }
        if ((Test-Within $Full $pf) -or (Test-Within $pf $Full)) { return $false }
    }
    return $true
}
# Old files under Root, depth first, never entering links or junctions.
function Get-OldFile([string]$Root, [datetime]$BeforeUtc, [string]$NameLike) {
    if (-not (Test-Path -LiteralPath $Root -PathType Container)) { return }
    $stack = [System.Collections.Generic.Stack[string]]::new()
    $stack.Push($Root)
    while ($stack.Count -gt 0) {
        $dir = $stack.Pop()
        try { $items = @(Get-ChildItem -LiteralPath $dir -Force -ErrorAction Stop) } catch { continue }
        foreach ($i in $items) {
            if ($i.Attributes -band [System.IO.FileAttributes]::ReparsePoint) { continue }
            if ($i.PSIsContainer) { $stack.Push($i.FullName); continue }
            if ($NameLike -and $i.Name -notlike $NameLike) { continue }
            if ($i.LastWriteTimeUtc -lt $BeforeUtc) { $i }
        }
    }
}

$observed = [ordered]@{ fixed_volume_count = 0; low_volumes = @(); highest_used_percent = $null; lowest_free_gb = $null; reclaimable_mb = $null }
$expected = [ordered]@{ low_volumes = @(); highest_used_percent = "<= $max_used_percent"; lowest_free_gb = ">= $min_free_gb" }
if (-not (Get-Command -Name Get-Volume -ErrorAction SilentlyContinue)) {
    Out-Result 'error' $observed $null 'volume information is not available (no Storage module)' 'STORAGE_QUERY_UNAVAILABLE'
    exit 0
}
try {
    $vols = @(Get-Volume | Where-Object { @('Fixed', '3') -contains [string]$_.DriveType -and $_.DriveLetter -and [double]$_.Size -gt 0 })
} catch {
    Out-Result 'error' $observed $null 'the volumes could not be read' 'STORAGE_QUERY_FAILED'
    exit 0
}
if ($vols.Count -eq 0) {
    Out-Result 'error' $observed $null 'no fixed volume with a drive letter was found' 'NO_FIXED_VOLUMES'
    exit 0
}
$low = @()
$highest = 0.0
$lowest = [double]::MaxValue
foreach ($v in $vols) {
    $size = [double]$v.Size
    $free = [double]$v.SizeRemaining
    $usedPct = ($size - $free) / $size * 100
    $freeGb = $free / 1GB
    if ($usedPct -gt $highest) { $highest = $usedPct }
    if ($freeGb -lt $lowest) { $lowest = $freeGb }
    if ($usedPct -gt $max_used_percent -or $freeGb -lt $min_free_gb) { $low += ([string]$v.DriveLetter).ToUpperInvariant() + ':' }
}
$observed['fixed_volume_count'] = $vols.Count
$observed['low_volumes'] = $low
$observed['highest_used_percent'] = [math]::Round($highest, 1)
$observed['lowest_free_gb'] = [math]::Round($lowest, 2)

$now = (Get-Date).ToUniversalTime()
$bytes = [long]0
$targets = @($cleanup_paths)
if ($wu_download_path) { $targets += $wu_download_path }
foreach ($t in $targets) {
    $full = Get-FullPathOrNull $t
    if ($null -eq $full -or -not (Test-Allowed $full)) { continue }
    foreach ($f in @(Get-OldFile $full $now.AddDays(-$min_file_age_days) $null)) { $bytes += $f.Length }
}
if ($clean_windows_logs) {
    $logs = Get-FullPathOrNull $windows_logs_path
    if ($null -ne $logs) { foreach ($f in @(Get-OldFile $logs $now.AddDays(-$log_max_age_days) '*.log')) { $bytes += $f.Length } }
}
$observed['reclaimable_mb'] = [math]::Round($bytes / 1MB, 1)

if ($low.Count -eq 0) {
    Out-Result 'pass' $observed $expected ('all ' + $vols.Count + ' fixed volumes have enough free space')
} else {
    Out-Result 'fail' $observed $expected ('low on space: ' + ($low -join ', ') + '; about ' + $observed['reclaimable_mb'] + ' MB can be cleaned up')
}
