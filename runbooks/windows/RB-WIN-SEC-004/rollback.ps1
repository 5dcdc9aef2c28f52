# RB-WIN-SEC-004 rollback: write the recorded password policy values back, then remove the record.
param(
    [int]$password_min_length = 12,
    [int]$password_max_age_days = 90,
    [int]$password_min_age_days = 1,
    [int]$password_history = 12,
    [bool]$require_complexity = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $password_min_length, $password_max_age_days, $password_min_age_days, $password_history, $require_complexity

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
# Exports the local security policy and returns the [System Access] integer values by key, or $null
# (with $script:seceditError set). The temporary file is always deleted.
function Read-SystemAccess {
    $tmp = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('writ-sec004-' + [guid]::NewGuid().ToString('N') + '.inf')
    try {
        $null = secedit.exe /export /cfg $tmp /areas SECURITYPOLICY /quiet
        if ($LASTEXITCODE -ne 0) { $script:seceditError = "secedit /export exit code $LASTEXITCODE"; return $null }
        $values = @{}
        $section = ''
        foreach ($line in @(Get-Content -LiteralPath $tmp)) {
            if ($line -match '^\s*\[(.+)\]\s*$') { $section = $Matches[1]; continue }
            if ($section -ne 'System Access') { continue }
            if ($line -match '^\s*([A-Za-z]+)\s*=\s*(-?\d+)\s*$') { $values[$Matches[1]] = [int]$Matches[2] }
        }
        return $values
    } finally {
        if (Test-Path -LiteralPath $tmp) { Remove-Item -LiteralPath $tmp -Force }
    }
}
# Applies [System Access] values with secedit /configure from a minimal template; returns the exit code.
function Write-SystemAccess([System.Collections.IDictionary]$Values) {
    $base = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('writ-sec004-' + [guid]::NewGuid().ToString('N'))
    $inf = "$base.inf"
    $sdb = "$base.sdb"
    try {
        $lines = @('[Unicode]', 'Unicode=yes', '[System Access]')
        foreach ($k in $Values.Keys) { $lines += ('{0} = {1}' -f $k, [int]$Values[$k]) }
        $lines += @('[Version]', 'signature="$CHICAGO$"', 'Revision=1')
        Set-Content -LiteralPath $inf -Value $lines -Encoding Unicode
        $null = secedit.exe /configure /db $sdb /cfg $inf /areas SECURITYPOLICY /quiet
        return $LASTEXITCODE
    } finally {
        foreach ($f in @($inf, $sdb, "$base.jfm")) { if (Test-Path -LiteralPath $f) { Remove-Item -LiteralPath $f -Force } }
    }
}
$policyKeys = @('MinimumPasswordLength', 'MaximumPasswordAge', 'MinimumPasswordAge', 'PasswordHistorySize', 'PasswordComplexity')

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-004.json'
if (-not (Test-Path -LiteralPath $record)) {
    Out-Result 'error' @{} 'no recorded password policy to roll back to' 'NO_ROLLBACK_STATE'
    exit 1
}
$script:seceditError = $null
try {
    $saved = (Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).system_access
    $current = Read-SystemAccess
    if ($null -eq $current) { throw [System.InvalidOperationException]::new('export failed') }
    $set = [ordered]@{}
    foreach ($prop in $saved.PSObject.Properties) {
        if ($policyKeys -notcontains $prop.Name) { continue }
        if ($current[$prop.Name] -ne [int]$prop.Value) { $set[$prop.Name] = [int]$prop.Value }
    }
    if ($set.Count -gt 0) {
        $code = Write-SystemAccess $set
        if ($code -ne 0) { throw [System.InvalidOperationException]::new("secedit exit code $code") }
    }
    Remove-Item -LiteralPath $record
} catch {
    Out-Result 'error' @{ restored = @() } 'rollback of the password policy failed' 'ROLLBACK_FAILED'
    exit 1
}
Out-Result 'pass' ([ordered]@{ restored = @($set.Keys) }) 'recorded password policy restored'
