# RB-WIN-SEC-011 remediate: record the prior values, then turn UAC on, make the admin prompt ask
# (only when it was set to elevate silently), use the secure desktop and enable virtualization.
# Writes only values that are out of line. Turning EnableLUA on takes effect after a reboot.
param(
    [int]$consent_prompt_behavior_admin = 2,
    [bool]$prompt_on_secure_desktop = $true,
    [bool]$enable_virtualization = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Key = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System'

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
function Save-Prior([string]$File, [object[]]$Entries) {
    $saved = @()
    if (Test-Path -LiteralPath $File) { $saved = @((Get-Content -LiteralPath $File -Raw | ConvertFrom-Json).values) }
    $keys = @($saved | ForEach-Object { ([string]$_.path + '|' + [string]$_.name).ToLowerInvariant() })
    $new = @($Entries | Where-Object { $keys -notcontains ([string]$_.path + '|' + [string]$_.name).ToLowerInvariant() })
    if ($new.Count -eq 0) { return }
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    ConvertTo-Json -InputObject ([ordered]@{ runbook = 'RB-WIN-SEC-011'; values = @($saved) + $new }) -Depth 5 | Set-Content -LiteralPath $File -Encoding utf8
}

function Test-Is([object]$v, [long]$Want) { return (Test-Integer $v) -and [long]$v -eq $Want }

$plan = [ordered]@{}
$e = Get-RegEntry $Key 'EnableLUA'
if (-not (Test-Is $e.value 1)) { $plan['EnableLUA'] = @{ entry = $e; value = 1 } }
$e = Get-RegEntry $Key 'ConsentPromptBehaviorAdmin'
if ($e.present -and -not ((Test-Integer $e.value) -and [long]$e.value -ge 1 -and [long]$e.value -le 5)) { $plan['ConsentPromptBehaviorAdmin'] = @{ entry = $e; value = $consent_prompt_behavior_admin } }
$e = Get-RegEntry $Key 'PromptOnSecureDesktop'
if ($prompt_on_secure_desktop -and -not (Test-Is $e.value 1)) { $plan['PromptOnSecureDesktop'] = @{ entry = $e; value = 1 } }
$e = Get-RegEntry $Key 'EnableVirtualization'
if ($enable_virtualization -and -not (Test-Is $e.value 1)) { $plan['EnableVirtualization'] = @{ entry = $e; value = 1 } }

if ($plan.Count -gt 0) {
    Save-Prior (Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-011.json') @($plan.Values | ForEach-Object { $_.entry })
    foreach ($name in $plan.Keys) {
        $null = New-ItemProperty -LiteralPath $Key -Name $name -Value ([int]$plan[$name].value) -PropertyType DWord -Force
    }
}
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ changed_values = @($plan.Keys); reboot_required = $plan.Contains('EnableLUA') }
    message  = if ($plan.Count) { 'set ' + (@($plan.Keys) -join ', ') } else { 'nothing to change' }
} | ConvertTo-Json -Compress -Depth 4
