# RB-WIN-STG-001 remediate: delete old files from the cleanup folders (and, only when opted in, old
# *.log files under the Windows log folder); empty the Windows Update download cache with its service
# stopped. Refuses protected, root and relative paths; never follows links. Reports MB freed.
# Destructive: there is no rollback. Idempotent: a second run finds nothing old enough to delete.
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
$null = $max_used_percent, $min_free_gb, $verify_min_free_gb, $system_drive_letter

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
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

function Remove-FileList([object[]]$Files) {
    foreach ($f in $Files) {
        try {
            $len = [long]$f.Length
            Remove-Item -LiteralPath $f.FullName -Force
            $script:freedBytes += $len
            $script:deleted++
        } catch {
            $script:failed++
        }
    }
}

$script:freedBytes = [long]0
$script:deleted = 0
$script:failed = 0
$refused = 0
$observed = [ordered]@{ freed_mb = 0; deleted_files = 0; failed_files = 0; refused_paths = 0; wu_cache_cleaned = $false; logs_cleaned = $false }
if ([WildcardPattern]::ContainsWildcardCharacters($wu_service_name)) {
    Out-Result 'error' $observed 'wu_service_name must be an exact name' 'INVALID_PARAMETER'
    exit 1
}
$now = (Get-Date).ToUniversalTime()
$cutoff = $now.AddDays(-$min_file_age_days)

foreach ($t in $cleanup_paths) {
    $full = Get-FullPathOrNull $t
    if ($null -eq $full -or -not (Test-Allowed $full)) { $refused++; continue }
    Remove-FileList @(Get-OldFile $full $cutoff $null)
}

if ($wu_download_path) {
    $full = Get-FullPathOrNull $wu_download_path
    if ($null -eq $full -or -not (Test-Allowed $full)) {
        $refused++
    } else {
        $files = @(Get-OldFile $full $cutoff $null)
        if ($files.Count -gt 0) {
            $svc = @(Get-Service -Name $wu_service_name -ErrorAction SilentlyContinue | Where-Object { [string]$_.Name -eq $wu_service_name })
            $wasRunning = $svc.Count -gt 0 -and [string]$svc[0].Status -eq 'Running'
            $stopped = $true
            if ($wasRunning) {
                try { Stop-Service -Name $wu_service_name -Force } catch { $stopped = $false }
            }
            if ($stopped) {
                try {
                    Remove-FileList $files
                    $observed['wu_cache_cleaned'] = $true
                } finally {
                    if ($wasRunning) { Start-Service -Name $wu_service_name }
                }
            } else {
                $script:failed += $files.Count
            }
        }
    }
}

if ($clean_windows_logs) {
    $logs = Get-FullPathOrNull $windows_logs_path
    if ($null -eq $logs) {
        $refused++
    } else {
        Remove-FileList @(Get-OldFile $logs $now.AddDays(-$log_max_age_days) '*.log')
        $observed['logs_cleaned'] = $true
    }
}

$observed['freed_mb'] = [math]::Round($script:freedBytes / 1MB, 1)
$observed['deleted_files'] = $script:deleted
$observed['failed_files'] = $script:failed
$observed['refused_paths'] = $refused
$msg = 'freed ' + $observed['freed_mb'] + ' MB by deleting ' + $script:deleted + ' files'
if ($script:failed) { $msg += ' (' + $script:failed + ' could not be deleted)' }
if ($refused) { $msg += '; refused ' + $refused + ' protected or invalid paths' }
Out-Result 'pass' $observed $msg
