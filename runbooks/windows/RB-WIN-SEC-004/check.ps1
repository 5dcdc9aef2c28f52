# RB-WIN-SEC-004 check: the local password policy meets the unified policy (secedit export).
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
$null = $state_dir

function Out-Result([string]$Status, $Observed, $Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
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

if (-not (Get-Command -Name secedit.exe -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{} $null 'secedit.exe is not available on this host' 'SECEDIT_UNAVAILABLE'
    exit 0
}
if (Test-DomainController) {
    Out-Result 'not_applicable' @{} $null 'this is a domain controller: password policy comes from the Default Domain Policy GPO' 'DOMAIN_CONTROLLER'
    exit 0
}
$script:seceditError = $null
$v = Read-SystemAccess
if ($null -eq $v) {
    Out-Result 'error' @{} $null "the security policy could not be exported ($script:seceditError; is the shell elevated?)" 'SECEDIT_FAILED'
    exit 0
}
$absent = @($policyKeys | Where-Object { -not $v.ContainsKey($_) })
if ($absent.Count -gt 0) {
    Out-Result 'error' @{} $null ('the exported policy lacks ' + ($absent -join ', ')) 'SECEDIT_UNPARSED'
    exit 0
}
$observed = [ordered]@{
    min_length         = $v.MinimumPasswordLength
    max_age_days       = $v.MaximumPasswordAge
    min_age_days       = $v.MinimumPasswordAge
    history            = $v.PasswordHistorySize
    complexity_enabled = $v.PasswordComplexity -eq 1
}
$issues = @()
if ($v.MinimumPasswordLength -lt $password_min_length) { $issues += 'min_length_too_short' }
if ($password_max_age_days -gt 0 -and ($v.MaximumPasswordAge -le 0 -or $v.MaximumPasswordAge -gt $password_max_age_days)) { $issues += 'max_age_too_long' }
if ($v.MinimumPasswordAge -lt $password_min_age_days) { $issues += 'min_age_too_short' }
if ($v.PasswordHistorySize -lt $password_history) { $issues += 'history_too_short' }
if ($require_complexity -and $v.PasswordComplexity -ne 1) { $issues += 'complexity_off' }
$observed['issues'] = $issues
$expected = [ordered]@{
    min_length   = ">= $password_min_length"
    max_age_days = $(if ($password_max_age_days -gt 0) { "1..$password_max_age_days" } else { 'any' })
    min_age_days = ">= $password_min_age_days"
    history      = ">= $password_history"
    issues       = @()
}
if ($require_complexity) { $expected['complexity_enabled'] = $true }
if ($issues.Count -eq 0) {
    Out-Result 'pass' $observed $expected 'password policy meets the unified policy'
} else {
    Out-Result 'fail' $observed $expected ('password policy drift: ' + ($issues -join ', '))
}
