# RB-WIN-SEC-003 remediate: bring the lockout values that are out of policy to the configured values
# in one `net.exe accounts` call. Records the prior values once for rollback. Idempotent.
param(
    [int]$lockout_threshold = 5,
    [int]$lockout_duration_minutes = 30,
    [int]$lockout_window_minutes = 30,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
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

if ($lockout_window_minutes -gt $lockout_duration_minutes) {
    Out-Result 'error' @{ changed = @() } 'lockout_window_minutes may not exceed lockout_duration_minutes' 'INVALID_PARAMETERS'
    exit 1
}
if (-not (Get-Command -Name net.exe -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{ changed = @() } 'net.exe is not available on this host' 'NET_UNAVAILABLE'
    exit 1
}
$p = Read-Lockout @(net.exe accounts)
if ($LASTEXITCODE -ne 0 -or $null -eq $p) {
    Out-Result 'error' @{ changed = @() } 'the lockout policy could not be read' 'NET_ACCOUNTS_UNPARSED'
    exit 1
}
if ($p.role -in @('PRIMARY', 'BACKUP')) {
    Out-Result 'not_applicable' @{ changed = @() } 'domain controller: change the Default Domain Policy GPO instead' 'DOMAIN_CONTROLLER'
    exit 0
}
$target = @{
    threshold = if ($p.threshold -ge 1 -and $p.threshold -le $lockout_threshold) { $p.threshold } else { $lockout_threshold }
    duration  = if ($p.duration -eq -1 -or $p.duration -ge $lockout_duration_minutes) { $p.duration } else { $lockout_duration_minutes }
    window    = if ($p.window -ge $lockout_window_minutes) { $p.window } else { $lockout_window_minutes }
}
# The observation window may not exceed the lockout duration.
if ($target.duration -ne -1 -and $target.window -gt $target.duration) { $target.window = $target.duration }
$switches = [ordered]@{ threshold = '/lockoutthreshold'; duration = '/lockoutduration'; window = '/lockoutwindow' }
$argv = @('accounts')
$changed = @()
foreach ($k in $switches.Keys) {
    if ($target[$k] -ne $p[$k]) { $argv += "$($switches[$k]):$($target[$k])"; $changed += $k }
}
if ($changed.Count -gt 0) {
    $record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-003.json'
    if (-not (Test-Path -LiteralPath $record)) {
        $null = New-Item -ItemType Directory -Path $state_dir -Force
        [ordered]@{ runbook = 'RB-WIN-SEC-003'; recorded_utc = [datetime]::UtcNow.ToString('o'); threshold = $p.threshold; duration = $p.duration; window = $p.window } |
            ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $record -Encoding utf8
    }
    $null = net.exe @argv
    if ($LASTEXITCODE -ne 0) {
        Out-Result 'error' @{ changed = @() } "net accounts failed with exit code $LASTEXITCODE" 'NET_ACCOUNTS_FAILED'
        exit 1
    }
}
Out-Result 'pass' ([ordered]@{ changed = $changed; lockout_threshold = $target.threshold; lockout_duration_minutes = $target.duration; lockout_window_minutes = $target.window }) $(if ($changed.Count) { 'lockout policy set: ' + ($changed -join ', ') } else { 'nothing to change' })
