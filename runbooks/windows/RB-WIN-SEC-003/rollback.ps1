# RB-WIN-SEC-003 rollback: restore the recorded lockout values in one `net.exe accounts` call, then
# remove the record.
param(
    [int]$lockout_threshold = 5,
    [int]$lockout_duration_minutes = 30,
    [int]$lockout_window_minutes = 30,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $lockout_threshold, $lockout_duration_minutes, $lockout_window_minutes

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

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-003.json'
if (-not (Test-Path -LiteralPath $record)) {
    Out-Result 'error' @{} 'no recorded lockout policy to roll back to' 'NO_ROLLBACK_STATE'
    exit 1
}
$saved = Get-Content -LiteralPath $record -Raw | ConvertFrom-Json
$p = Read-Lockout @(net.exe accounts)
if ($null -eq $p) {
    Out-Result 'error' @{} 'the lockout policy could not be read' 'NET_ACCOUNTS_UNPARSED'
    exit 1
}
$argv = @('accounts')
$restored = @()
foreach ($pair in @(@('threshold', '/lockoutthreshold'), @('duration', '/lockoutduration'), @('window', '/lockoutwindow'))) {
    $want = [int]$saved.($pair[0])
    # A duration of "until unlocked" (-1) is never changed by remediation, so it never needs restoring.
    if ($want -ne $p[$pair[0]] -and $want -ge 0) { $argv += "$($pair[1]):$want"; $restored += $pair[0] }
}
if ($restored.Count -gt 0) {
    $null = net.exe @argv
    if ($LASTEXITCODE -ne 0) {
        Out-Result 'error' @{ restored = @() } "net accounts failed with exit code $LASTEXITCODE" 'ROLLBACK_FAILED'
        exit 1
    }
}
Remove-Item -LiteralPath $record
Out-Result 'pass' ([ordered]@{ restored = $restored }) 'recorded lockout policy restored'
