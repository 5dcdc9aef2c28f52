# RB-WIN-ACCESS-001 remediate: record the prior values, then bring the local password and lockout
# policy to the parameters (secedit, only the keys out of line) and set the machine inactivity limit.
# Administrators are not changed here (RB-WIN-SEC-009 does that). Idempotent.
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
$null = $max_local_admins
$System = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System'
$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-ACCESS-001.json'

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
function Test-Integer($v) { return ($v -is [int] -or $v -is [long] -or $v -is [uint32]) }
function Get-RegKind($v) {
    if ($v -is [string[]] -or $v -is [object[]]) { return 'MultiString' }
    if ($v -is [byte[]]) { return 'Binary' }
    if ($v -is [long] -and ($v -lt [int]::MinValue -or $v -gt [uint32]::MaxValue)) { return 'QWord' }
    if (Test-Integer $v) { return 'DWord' }
    return 'String'
}
function Get-RegEntry([string]$Path, [string]$Name) {
    $value = $null
    $present = $false
    if (Test-Path -LiteralPath $Path) {
        $item = Get-ItemProperty -LiteralPath $Path
        if ($null -ne $item -and $null -ne $item.PSObject.Properties[$Name]) { $present = $true; $value = $item.PSObject.Properties[$Name].Value }
    }
    return [ordered]@{ path = $Path; name = $Name; present = $present; value = $value; kind = (Get-RegKind $value) }
}
# Applies [System Access] values with secedit from a temporary template and database.
function Set-AccountPolicy([System.Collections.IDictionary]$Values) {
    $dir = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('writ-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $dir -Force
    try {
        $inf = Join-Path -Path $dir -ChildPath 'policy.inf'
        $lines = @('[Unicode]', 'Unicode=yes', '[System Access]')
        foreach ($k in $Values.Keys) { $lines += ('{0} = {1}' -f $k, [long]$Values[$k]) }
        $lines += @('[Version]', 'signature="$CHICAGO$"', 'Revision=1')
        Set-Content -LiteralPath $inf -Value $lines -Encoding Unicode
        $null = secedit.exe /configure /db (Join-Path -Path $dir -ChildPath 'policy.sdb') /cfg $inf /areas SECURITYPOLICY /quiet
        if ($LASTEXITCODE -ne 0) { throw "secedit /configure failed (exit $LASTEXITCODE)" }
    } finally {
        Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
    }
}
# Keeps the first recorded prior value of each setting (one record per incident).
function Save-Prior([object[]]$Entries) {
    $saved = @()
    if (Test-Path -LiteralPath $record) { $saved = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).values) }
    $keys = @($saved | ForEach-Object { ([string]$_.store + '|' + [string]$_.name).ToLowerInvariant() })
    $new = @($Entries | Where-Object { $keys -notcontains ([string]$_.store + '|' + [string]$_.name).ToLowerInvariant() })
    if ($new.Count -eq 0) { return }
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    ConvertTo-Json -InputObject ([ordered]@{ runbook = 'RB-WIN-ACCESS-001'; values = @($saved) + $new }) -Depth 5 | Set-Content -LiteralPath $record -Encoding utf8
}

$policy = Read-AccountPolicy
function Get-P([string]$Name) { if ($policy.ContainsKey($Name)) { return $policy[$Name] } return $null }
$want = [ordered]@{}
$v = Get-P 'MinimumPasswordLength'; if ($null -eq $v -or $v -lt $password_min_length) { $want['MinimumPasswordLength'] = $password_min_length }
$v = Get-P 'MaximumPasswordAge'; if ($null -eq $v -or $v -le 0 -or $v -gt $password_max_age_days) { $want['MaximumPasswordAge'] = $password_max_age_days }
$v = Get-P 'MinimumPasswordAge'; if ($null -eq $v -or $v -lt $password_min_age_days) { $want['MinimumPasswordAge'] = $password_min_age_days }
$v = Get-P 'PasswordHistorySize'; if ($null -eq $v -or $v -lt $password_history) { $want['PasswordHistorySize'] = $password_history }
if ($require_complexity -and (Get-P 'PasswordComplexity') -ne 1) { $want['PasswordComplexity'] = 1 }
$v = Get-P 'LockoutBadCount'; if ($null -eq $v -or $v -le 0 -or $v -gt $lockout_threshold) { $want['LockoutBadCount'] = $lockout_threshold }
$v = Get-P 'LockoutDuration'; if ($null -eq $v -or ($v -ne -1 -and $v -lt $lockout_duration_minutes)) { $want['LockoutDuration'] = $lockout_duration_minutes }
$v = Get-P 'ResetLockoutCount'; if ($null -eq $v -or $v -lt $lockout_window_minutes) { $want['ResetLockoutCount'] = $lockout_window_minutes }
# Windows requires the counting window to be no longer than the lockout duration.
$duration = if ($want.Contains('LockoutDuration')) { $want['LockoutDuration'] } else { Get-P 'LockoutDuration' }
$window = if ($want.Contains('ResetLockoutCount')) { $want['ResetLockoutCount'] } else { Get-P 'ResetLockoutCount' }
if ($null -ne $duration -and $null -ne $window -and $duration -ne -1 -and $window -gt $duration) { $want['LockoutDuration'] = $window }

$timeout = Get-RegEntry $System 'InactivityTimeoutSecs'
$fixTimeout = -not ((Test-Integer $timeout.value) -and [long]$timeout.value -ge 1 -and [long]$timeout.value -le $inactivity_timeout_seconds)

$prior = @($want.Keys | ForEach-Object { [ordered]@{ store = 'secedit'; name = $_; present = $policy.ContainsKey($_); value = (Get-P $_) } })
if ($fixTimeout) { $timeout['store'] = 'registry'; $prior += $timeout }
if ($prior.Count) { Save-Prior $prior }
if ($want.Count) { Set-AccountPolicy $want }
if ($fixTimeout) {
    if (-not (Test-Path -LiteralPath $System)) { $null = New-Item -Path $System -Force }
    $null = New-ItemProperty -LiteralPath $System -Name 'InactivityTimeoutSecs' -Value ([int]$inactivity_timeout_seconds) -PropertyType DWord -Force
}
$changed = @($want.Keys)
if ($fixTimeout) { $changed += 'InactivityTimeoutSecs' }
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ changed_values = $changed }
    message  = if ($changed.Count) { 'set ' + ($changed -join ', ') } else { 'nothing to change' }
} | ConvertTo-Json -Compress -Depth 4
