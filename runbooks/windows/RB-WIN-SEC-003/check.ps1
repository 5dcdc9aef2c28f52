# RB-WIN-SEC-003 check: lockout threshold within 1..lockout_threshold, duration and observation
# window at least the configured minutes (from `net accounts`).
param(
    [int]$lockout_threshold = 5,
    [int]$lockout_duration_minutes = 30,
    [int]$lockout_window_minutes = 30,
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
# Parses `net accounts` (English labels). Returns $null when a line is missing. Duration -1 means
# "until an administrator unlocks" (shown as Never).
function Read-Lockout([string[]]$Lines) {
    $values = @{}
    $labels = @{
        threshold = 'Lockout threshold'
        duration  = 'Lockout duration (minutes)'
        window    = 'Lockout observation window (minutes)'
        role      = 'Computer role'
    }
    foreach ($k in $labels.Keys) {
        $line = $Lines | Where-Object { $_.StartsWith($labels[$k] + ':') } | Select-Object -First 1
        if ($null -eq $line) { return $null }
        $values[$k] = $line.Substring($labels[$k].Length + 1).Trim()
    }
    $n = 0
    $result = @{ role = $values.role }
    foreach ($k in @('threshold', 'duration', 'window')) {
        if ($values[$k] -eq 'Never') { $result[$k] = if ($k -eq 'threshold') { 0 } else { -1 } }
        elseif ([int]::TryParse($values[$k], [ref]$n)) { $result[$k] = $n }
        else { return $null }
    }
    return $result
}

if (-not (Get-Command -Name net.exe -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{} $null 'net.exe is not available on this host' 'NET_UNAVAILABLE'
    exit 0
}
$lines = @(net.exe accounts)
if ($LASTEXITCODE -ne 0) {
    Out-Result 'error' @{} $null "net accounts failed with exit code $LASTEXITCODE" 'NET_ACCOUNTS_FAILED'
    exit 0
}
$p = Read-Lockout $lines
if ($null -eq $p) {
    Out-Result 'error' @{} $null 'the output of net accounts could not be parsed (non-English Windows?)' 'NET_ACCOUNTS_UNPARSED'
    exit 0
}
$role = if ($p.role.Length -gt 40) { $p.role.Substring(0, 40) } else { $p.role }
$observed = [ordered]@{
    lockout_threshold        = $p.threshold
    lockout_duration_minutes = $p.duration
    lockout_window_minutes   = $p.window
    computer_role            = $role
}
if ($p.role -in @('PRIMARY', 'BACKUP')) {
    $observed['issues'] = @()
    Out-Result 'not_applicable' $observed $null 'this is a domain controller: lockout policy comes from the Default Domain Policy GPO' 'DOMAIN_CONTROLLER'
    exit 0
}
$issues = @()
if ($p.threshold -lt 1) { $issues += 'lockout_disabled' }
elseif ($p.threshold -gt $lockout_threshold) { $issues += 'threshold_too_high' }
if ($p.duration -ne -1 -and $p.duration -lt $lockout_duration_minutes) { $issues += 'duration_too_short' }
if ($p.window -lt $lockout_window_minutes) { $issues += 'window_too_short' }
$observed['issues'] = $issues
$expected = [ordered]@{
    lockout_threshold        = "1..$lockout_threshold"
    lockout_duration_minutes = ">= $lockout_duration_minutes"
    lockout_window_minutes   = ">= $lockout_window_minutes"
    issues                   = @()
}
if ($issues.Count -eq 0) {
    Out-Result 'pass' $observed $expected 'account lockout policy is within the unified policy'
} else {
    Out-Result 'fail' $observed $expected ('account lockout drift: ' + ($issues -join ', '))
}
