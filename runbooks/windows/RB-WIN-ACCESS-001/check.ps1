# RB-WIN-ACCESS-001 check: local password policy (length, age, history, complexity), account lockout
# (threshold, duration, window), the number of local administrators, and automatic logoff of idle
# sessions (machine inactivity limit). Fails on any known drift; error when nothing failed but a part
# could not be read.
param(
    [int]$password_min_length = 12,
    [int]$password_max_age_days = 90,
    [int]$password_min_age_days = 1,
    [int]$password_history = 12,
    [bool]$require_complexity = $true,
    [int]$lockout_threshold = 5,
    [int]$lockout_duration_minutes = 30,
    [int]$lockout_window_minutes = 30,
    [int]$max_local_admins = 2,
    [int]$inactivity_timeout_seconds = 900,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$JudgeAdmins = $true
$null = $state_dir
$System = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System'
$AdminsSid = 'S-1-5-32-544'

function Read-RegValue([string]$Path, [string]$Name) {
    if (-not (Test-Path -LiteralPath $Path)) { return $null }
    $item = Get-ItemProperty -LiteralPath $Path
    if ($null -eq $item) { return $null }
    $p = $item.PSObject.Properties[$Name]
    if ($null -eq $p) { return $null }
    return , $p.Value
}
function Test-Integer($v) { return ($v -is [int] -or $v -is [long] -or $v -is [uint32]) }
function Format-Observed($v) {
    if ($null -eq $v) { return $null }
    if (Test-Integer $v) { return [long]$v }
    $s = [string]$v
    if ($s.Length -gt 200) { $s = $s.Substring(0, 200) }
    return $s
}
# The [System Access] section of a secedit export, as key -> number.
function Read-AccountPolicy {
    $dir = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('writ-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $dir -Force
    try {
        $cfg = Join-Path -Path $dir -ChildPath 'policy.inf'
        $null = secedit.exe /export /cfg $cfg /areas SECURITYPOLICY /quiet
        if ($LASTEXITCODE -ne 0) { throw "secedit /export failed (exit $LASTEXITCODE)" }
        $policy = @{}
        $section = ''
        foreach ($line in Get-Content -LiteralPath $cfg -Encoding Unicode) {
            if ($line -match '^\s*\[(.+)\]\s*$') { $section = $Matches[1]; continue }
            if ($section -eq 'System Access' -and $line -match '^\s*(\w+)\s*=\s*(-?\d+)\s*$') { $policy[$Matches[1]] = [long]$Matches[2] }
        }
        return $policy
    } finally {
        Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
    }
}
function Get-PolicyValue([hashtable]$Policy, [string]$Name) { if ($Policy.ContainsKey($Name)) { return $Policy[$Name] } return $null }

$issues = @()
$unknown = @()
$policy = $null
if (-not (Get-Command -Name secedit.exe -ErrorAction SilentlyContinue)) {
    $unknown += 'SECEDIT_UNAVAILABLE'
} else {
    try { $policy = Read-AccountPolicy } catch { $unknown += 'ACCOUNT_POLICY_UNREADABLE' }
}
$minLen = $maxAge = $minAge = $history = $complexity = $threshold = $duration = $window = $null
if ($null -ne $policy) {
    $minLen = Get-PolicyValue $policy 'MinimumPasswordLength'
    $maxAge = Get-PolicyValue $policy 'MaximumPasswordAge'
    $minAge = Get-PolicyValue $policy 'MinimumPasswordAge'
    $history = Get-PolicyValue $policy 'PasswordHistorySize'
    $complexity = Get-PolicyValue $policy 'PasswordComplexity'
    $threshold = Get-PolicyValue $policy 'LockoutBadCount'
    $duration = Get-PolicyValue $policy 'LockoutDuration'
    $window = Get-PolicyValue $policy 'ResetLockoutCount'
    if ($null -eq $minLen -or $minLen -lt $password_min_length) { $issues += 'MIN_PASSWORD_LENGTH' }
    # 0 or -1 = passwords never expire.
    if ($null -eq $maxAge -or $maxAge -le 0 -or $maxAge -gt $password_max_age_days) { $issues += 'MAX_PASSWORD_AGE' }
    if ($null -eq $minAge -or $minAge -lt $password_min_age_days) { $issues += 'MIN_PASSWORD_AGE' }
    if ($null -eq $history -or $history -lt $password_history) { $issues += 'PASSWORD_HISTORY' }
    if ($require_complexity -and $complexity -ne 1) { $issues += 'PASSWORD_COMPLEXITY' }
    if ($null -eq $threshold -or $threshold -le 0 -or $threshold -gt $lockout_threshold) { $issues += 'LOCKOUT_THRESHOLD' }
    # -1 = locked until an administrator unlocks, which is stricter than any duration.
    if ($null -eq $duration -or ($duration -ne -1 -and $duration -lt $lockout_duration_minutes)) { $issues += 'LOCKOUT_DURATION' }
    if ($null -eq $window -or $window -lt $lockout_window_minutes) { $issues += 'LOCKOUT_WINDOW' }
}
$policyDrift = $issues.Count -gt 0

$admins = $null
if (Get-Command -Name Get-LocalGroupMember -ErrorAction SilentlyContinue) {
    try { $admins = @(Get-LocalGroupMember -SID $AdminsSid).Count } catch { $unknown += 'ADMIN_GROUP_UNREADABLE' }
} else { $unknown += 'LOCAL_ACCOUNTS_UNAVAILABLE' }
if ($JudgeAdmins -and $null -ne $admins -and $admins -gt $max_local_admins) { $issues += 'TOO_MANY_ADMINS' }

# Automatic logoff: the machine inactivity limit locks an idle session. Absent or 0 = never.
$timeout = $null
$timeoutDrift = $null
try {
    $timeout = Format-Observed (Read-RegValue $System 'InactivityTimeoutSecs')
    if ($null -eq $timeout) { $timeout = 0L }
    $timeoutDrift = -not ((Test-Integer $timeout) -and $timeout -ge 1 -and $timeout -le $inactivity_timeout_seconds)
} catch {
    $timeout = $null
    $unknown += 'INACTIVITY_TIMEOUT_UNREADABLE'
}
if ($timeoutDrift -eq $true) { $issues += 'INACTIVITY_TIMEOUT' }

$status = if ($issues.Count) { 'fail' } elseif ($unknown.Count) { 'error' } else { 'pass' }
$message = 'password, lockout, administrator and automatic-logoff settings comply'
if ($status -eq 'fail') { $message = 'access control drift: ' + ($issues -join ', ') }
if ($status -eq 'error') { $message = 'access control could not be fully checked: ' + ($unknown -join ', ') }
$result = [ordered]@{
    status   = $status
    observed = [ordered]@{
        min_password_length        = $minLen
        max_password_age_days      = $maxAge
        min_password_age_days      = $minAge
        password_history           = $history
        complexity_enabled         = if ($null -eq $complexity) { $null } else { $complexity -eq 1 }
        lockout_threshold          = $threshold
        lockout_duration_minutes   = $duration
        lockout_window_minutes     = $window
        policy_drift               = $policyDrift
        local_admin_count          = $admins
        inactivity_timeout_seconds = $timeout
        inactivity_timeout_drift   = $timeoutDrift
        issues                     = $issues
        undecided                  = $unknown
    }
    expected = [ordered]@{
        min_password_length = ">= $password_min_length"; max_password_age_days = "1-$password_max_age_days"; min_password_age_days = ">= $password_min_age_days"
        password_history = ">= $password_history"; complexity_enabled = $require_complexity; lockout_threshold = "1-$lockout_threshold"
        lockout_duration_minutes = ">= $lockout_duration_minutes or -1"; lockout_window_minutes = ">= $lockout_window_minutes"
        local_admin_count = "<= $max_local_admins"; inactivity_timeout_seconds = "1-$inactivity_timeout_seconds"; inactivity_timeout_drift = $false
    }
    message  = $message
}
if ($status -eq 'error') { $result.reason_code = 'PARTIAL_READ' }
$result | ConvertTo-Json -Compress -Depth 4
