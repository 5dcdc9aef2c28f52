# RB-WIN-ACCESS-001 rollback: restore the password/lockout values and the inactivity limit recorded
# before remediation, then remove the record. Lockout values that Windows did not report (threshold 0)
# are left as they are; they have no effect while the threshold is 0.
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
$null = $password_min_length, $password_max_age_days, $password_min_age_days, $password_history, $require_complexity
$null = $lockout_threshold, $lockout_duration_minutes, $lockout_window_minutes, $max_local_admins, $inactivity_timeout_seconds

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
function ConvertTo-Int32($v) { $n = [long]$v; if ($n -gt [int]::MaxValue) { $n -= 4294967296L }; return [int]$n }
function Restore-RegEntry($e) {
    $path = [string]$e.path
    $name = [string]$e.name
    if ($e.present) {
        if (-not (Test-Path -LiteralPath $path)) { $null = New-Item -Path $path -Force }
        $kind = [string]$e.kind
        if ($kind -eq 'DWord') { $value = ConvertTo-Int32 $e.value }
        elseif ($kind -eq 'QWord') { $value = [long]$e.value }
        elseif ($kind -eq 'MultiString') { $value = [string[]]@($e.value) }
        elseif ($kind -eq 'Binary') { $value = [byte[]]@($e.value) }
        else { $value = [string]$e.value }
        $null = New-ItemProperty -LiteralPath $path -Name $name -Value $value -PropertyType $kind -Force
    } elseif (Test-Path -LiteralPath $path) {
        $item = Get-ItemProperty -LiteralPath $path
        if ($null -ne $item -and $null -ne $item.PSObject.Properties[$name]) { Remove-ItemProperty -LiteralPath $path -Name $name }
    }
}

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-ACCESS-001.json'
if (-not (Test-Path -LiteralPath $record)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved settings to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$values = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).values)
$policy = [ordered]@{}
foreach ($e in $values) {
    if ($e.store -eq 'secedit' -and $e.present) { $policy[[string]$e.name] = [long]$e.value }
    if ($e.store -eq 'registry') { Restore-RegEntry $e }
}
if ($policy.Count) { Set-AccountPolicy $policy }
Remove-Item -LiteralPath $record
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ restored_values = @($values | ForEach-Object { [string]$_.name }) }
    message  = 'password, lockout and inactivity settings restored from the saved values'
} | ConvertTo-Json -Compress -Depth 4
