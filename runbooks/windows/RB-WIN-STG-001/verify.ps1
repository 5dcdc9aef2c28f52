# RB-WIN-STG-001 verify: after cleanup the system drive is below max_used_percent used or has more
# than verify_min_free_gb free (looser than the check on purpose; the check still watches every volume).
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
$null = $min_free_gb, $cleanup_paths, $min_file_age_days, $wu_download_path, $wu_service_name, $clean_windows_logs, $windows_logs_path, $log_max_age_days, $protected_paths

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [System.Collections.IDictionary]$Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

$observed = [ordered]@{ system_drive = $null; used_percent = $null; free_gb = $null }
if ($system_drive_letter -notmatch '^[A-Za-z]$') {
    Out-Result 'error' $observed $null 'system_drive_letter must be one letter' 'INVALID_PARAMETER'
    exit 0
}
$observed['system_drive'] = $system_drive_letter.ToUpperInvariant() + ':'
if (-not (Get-Command -Name Get-Volume -ErrorAction SilentlyContinue)) {
    Out-Result 'error' $observed $null 'volume information is not available (no Storage module)' 'STORAGE_QUERY_UNAVAILABLE'
    exit 0
}
try {
    $v = @(Get-Volume -DriveLetter $system_drive_letter[0])[0]
} catch {
    Out-Result 'error' $observed $null 'the system volume could not be read' 'STORAGE_QUERY_FAILED'
    exit 0
}
$size = [double]$v.Size
$free = [double]$v.SizeRemaining
if ($size -le 0) {
    Out-Result 'error' $observed $null 'the system volume reports no size' 'STORAGE_QUERY_FAILED'
    exit 0
}
$observed['used_percent'] = [math]::Round(($size - $free) / $size * 100, 1)
$observed['free_gb'] = [math]::Round($free / 1GB, 2)
$expected = [ordered]@{ used_percent = "< $max_used_percent"; free_gb = "> $verify_min_free_gb (either is enough)" }
if ((($size - $free) / $size * 100) -lt $max_used_percent -or ($free / 1GB) -gt $verify_min_free_gb) {
    Out-Result 'pass' $observed $expected ('the system drive has ' + $observed['free_gb'] + ' GB free')
} else {
    Out-Result 'fail' $observed $expected ('the system drive is still low on space: ' + $observed['free_gb'] + ' GB free')
}
