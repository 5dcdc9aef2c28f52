# RB-WIN-SEC-010 remediate: record the prior listener values, then require NLA, raise SecurityLayer and
# MinEncryptionLevel on the RDP-Tcp listener. Applies to new connections; open sessions stay. Refuses
# when Group Policy sets the weak value (a local change would be overridden).
param(
    [int]$security_layer = 2,
    [int]$min_encryption_level = 3,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Rdp = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$Pol = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'

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
    ConvertTo-Json -InputObject ([ordered]@{ runbook = 'RB-WIN-SEC-010'; values = @($saved) + $new }) -Depth 5 | Set-Content -LiteralPath $File -Encoding utf8
}

$wanted = [ordered]@{ UserAuthentication = 1; SecurityLayer = $security_layer; MinEncryptionLevel = $min_encryption_level }
$plan = [ordered]@{}
$blocked = @()
foreach ($name in $wanted.Keys) {
    $policy = Get-RegEntry $Pol $name
    $local = Get-RegEntry $Rdp $name
    $v = if (Test-Integer $policy.value) { $policy.value } else { $local.value }
    $ok = if ($name -eq 'UserAuthentication') { (Test-Integer $v) -and [long]$v -eq 1 } else { (Test-Integer $v) -and [long]$v -ge $wanted[$name] }
    if ($ok) { continue }
    if (Test-Integer $policy.value) { $blocked += $name } else { $plan[$name] = $local }
}
if ($blocked.Count -gt 0) {
    [ordered]@{
        status = 'error'; observed = [ordered]@{ policy_blocked = $blocked }
        message = 'refused: Group Policy sets ' + ($blocked -join ', ') + '; change the GPO instead'; reason_code = 'POLICY_OVERRIDE'
    } | ConvertTo-Json -Compress -Depth 4
    exit 1
}
if ($plan.Count -gt 0) {
    Save-Prior (Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-010.json') @($plan.Values)
    foreach ($name in $plan.Keys) {
        $null = New-ItemProperty -LiteralPath $Rdp -Name $name -Value ([int]$wanted[$name]) -PropertyType DWord -Force
    }
}
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ changed_values = @($plan.Keys) }
    message  = if ($plan.Count) { 'set ' + (@($plan.Keys) -join ', ') + ' on the RDP-Tcp listener' } else { 'nothing to change' }
} | ConvertTo-Json -Compress -Depth 4
