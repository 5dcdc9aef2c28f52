# RB-WIN-SEC-004 remediate: write only the password policy values that are out of policy, with a
# minimal secedit template. Records the prior values once for rollback. Idempotent.
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
# Domain controllers take account policy from the Default Domain Policy GPO. When the role cannot be
# read the local policy is still checked.
function Test-DomainController {
    try {
        $cs = Get-CimInstance -ClassName Win32_ComputerSystem
        return [int]$cs.DomainRole -ge 4
    } catch {
        return $false
    }
}
$policyKeys = @('MinimumPasswordLength', 'MaximumPasswordAge', 'MinimumPasswordAge', 'PasswordHistorySize', 'PasswordComplexity')

if ($password_max_age_days -gt 0 -and $password_min_age_days -ge $password_max_age_days) {
    Out-Result 'error' @{ changed = @() } 'password_min_age_days must be below password_max_age_days' 'INVALID_PARAMETERS'
    exit 1
}
if (-not (Get-Command -Name secedit.exe -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{ changed = @() } 'secedit.exe is not available on this host' 'SECEDIT_UNAVAILABLE'
    exit 1
}
if (Test-DomainController) {
    Out-Result 'not_applicable' @{ changed = @() } 'domain controller: change the Default Domain Policy GPO instead' 'DOMAIN_CONTROLLER'
    exit 0
}
$script:seceditError = $null
try {
    $v = Read-SystemAccess
    if ($null -eq $v -or @($policyKeys | Where-Object { -not $v.ContainsKey($_) }).Count -gt 0) {
        Out-Result 'error' @{ changed = @() } 'the security policy could not be exported' 'SECEDIT_FAILED'
        exit 1
    }
    $set = [ordered]@{}
    if ($v.MinimumPasswordLength -lt $password_min_length) { $set['MinimumPasswordLength'] = $password_min_length }
    if ($password_max_age_days -gt 0 -and ($v.MaximumPasswordAge -le 0 -or $v.MaximumPasswordAge -gt $password_max_age_days)) { $set['MaximumPasswordAge'] = $password_max_age_days }
    if ($v.MinimumPasswordAge -lt $password_min_age_days) { $set['MinimumPasswordAge'] = $password_min_age_days }
    if ($v.PasswordHistorySize -lt $password_history) { $set['PasswordHistorySize'] = $password_history }
    if ($require_complexity -and $v.PasswordComplexity -ne 1) { $set['PasswordComplexity'] = 1 }
    if ($set.Count -gt 0) {
        $record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-004.json'
        if (-not (Test-Path -LiteralPath $record)) {
            $null = New-Item -ItemType Directory -Path $state_dir -Force
            $prior = [ordered]@{}
            foreach ($k in $set.Keys) { $prior[$k] = $v[$k] }
            [ordered]@{ runbook = 'RB-WIN-SEC-004'; recorded_utc = [datetime]::UtcNow.ToString('o'); system_access = $prior } |
                ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $record -Encoding utf8
        }
        $code = Write-SystemAccess $set
        if ($code -ne 0) {
            Out-Result 'error' @{ changed = @() } "secedit /configure failed with exit code $code" 'SECEDIT_FAILED'
            exit 1
        }
        $after = Read-SystemAccess
        $notApplied = @($set.Keys | Where-Object { $null -eq $after -or $after[$_] -ne $set[$_] })
        if ($notApplied.Count -gt 0) {
            Out-Result 'error' ([ordered]@{ changed = @($set.Keys); not_applied = $notApplied }) 'secedit accepted the template but the policy did not change (a GPO may override it)' 'SETTING_NOT_APPLIED'
            exit 1
        }
    }
} catch {
    Out-Result 'error' @{ changed = @() } ('password policy change failed (HRESULT 0x{0:X8})' -f $_.Exception.HResult) 'REMEDIATION_FAILED'
    exit 1
}
Out-Result 'pass' ([ordered]@{ changed = @($set.Keys) }) $(if ($set.Count) { 'password policy set: ' + (@($set.Keys) -join ', ') } else { 'nothing to change' })
