# RB-WIN-SEC-008 remediate: record the prior values, then raise LmCompatibilityLevel, set NoLMHash and
# add the required bits to NtlmMinClientSec/NtlmMinServerSec under Lsa\MSV1_0. Writes only values that
# are out of line; idempotent. Takes effect for new logons; a reboot makes it take effect everywhere.
param(
    [int]$min_lm_compatibility_level = 3,
    [int]$lm_compatibility_level = 5,
    [bool]$no_lm_hash = $true,
    [int]$ntlm_min_client_sec = 537395200,
    [int]$ntlm_min_server_sec = 537395200,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Lsa = 'HKLM:\SYSTEM\CurrentControlSet\Control\Lsa'
$Msv = 'HKLM:\SYSTEM\CurrentControlSet\Control\Lsa\MSV1_0'

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
# Keeps the first recorded prior value of each registry value (one record per incident).
function Save-Prior([string]$File, [object[]]$Entries) {
    $saved = @()
    if (Test-Path -LiteralPath $File) { $saved = @((Get-Content -LiteralPath $File -Raw | ConvertFrom-Json).values) }
    $keys = @($saved | ForEach-Object { ([string]$_.path + '|' + [string]$_.name).ToLowerInvariant() })
    $new = @($Entries | Where-Object { $keys -notcontains ([string]$_.path + '|' + [string]$_.name).ToLowerInvariant() })
    if ($new.Count -eq 0) { return }
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    ConvertTo-Json -InputObject ([ordered]@{ runbook = 'RB-WIN-SEC-008'; values = @($saved) + $new }) -Depth 5 | Set-Content -LiteralPath $File -Encoding utf8
}
function Set-Dword([string]$Path, [string]$Name, [long]$Value) {
    if (-not (Test-Path -LiteralPath $Path)) { $null = New-Item -Path $Path -Force }
    $null = New-ItemProperty -LiteralPath $Path -Name $Name -Value ([int]$Value) -PropertyType DWord -Force
}

$plan = [ordered]@{}
$e = Get-RegEntry $Lsa 'LmCompatibilityLevel'
if (-not (Test-Integer $e.value) -or [long]$e.value -lt $min_lm_compatibility_level) {
    $plan['LmCompatibilityLevel'] = @{ entry = $e; value = [Math]::Max($lm_compatibility_level, $min_lm_compatibility_level) }
}
$e = Get-RegEntry $Lsa 'NoLMHash'
if ($no_lm_hash -and -not ((Test-Integer $e.value) -and [long]$e.value -eq 1)) { $plan['NoLMHash'] = @{ entry = $e; value = 1 } }
foreach ($pair in @(@('NtlmMinClientSec', $ntlm_min_client_sec), @('NtlmMinServerSec', $ntlm_min_server_sec))) {
    $e = Get-RegEntry $Msv $pair[0]
    $required = [long]$pair[1]
    $current = if (Test-Integer $e.value) { [long]$e.value -band 0xFFFFFFFFL } else { 0L }
    if (-not (Test-Integer $e.value) -or ($current -band $required) -ne $required) {
        $plan[$pair[0]] = @{ entry = $e; value = ($current -bor $required) }
    }
}

if ($plan.Count -gt 0) {
    Save-Prior (Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-008.json') @($plan.Values | ForEach-Object { $_.entry })
    foreach ($name in $plan.Keys) {
        $step = $plan[$name]
        Set-Dword $step.entry.path $name $step.value
    }
}
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ changed_values = @($plan.Keys); reboot_required = ($plan.Count -gt 0) }
    message  = if ($plan.Count) { 'set ' + (@($plan.Keys) -join ', ') + '; reboot so every process uses the new NTLM settings' } else { 'nothing to change' }
} | ConvertTo-Json -Compress -Depth 4
