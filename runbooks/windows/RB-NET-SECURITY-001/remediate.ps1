# RB-NET-SECURITY-001 remediate: record the prior settings, then enable the firewall profiles and block
# inbound by default, disable the weak SSL/TLS versions (Enabled = 0, DisabledByDefault = 1) and
# re-enable disabled strong ones on both sides, and require SMB encryption. Touches only what is out of
# line. SCHANNEL changes take effect after a reboot; legacy clients may stop connecting.
param(
    [string[]]$firewall_profiles = @('Domain', 'Private', 'Public'),
    [string[]]$weak_protocols = @('SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1'),
    [string[]]$strong_protocols = @('TLS 1.2'),
    [bool]$require_smb_encryption = $true,
    [int[]]$suspicious_ports = @(21, 23, 69, 137, 138, 139, 445, 3389),
    [int[]]$allowed_listening_ports = @(),
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $suspicious_ports, $allowed_listening_ports
$Schannel = 'HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols'
$record = Join-Path -Path $state_dir -ChildPath 'RB-NET-SECURITY-001.json'

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
function Save-Prior([object[]]$Entries) {
    $saved = @()
    if (Test-Path -LiteralPath $record) { $saved = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).values) }
    $keys = @($saved | ForEach-Object { ([string]$_.store + '|' + [string]$_.path + '|' + [string]$_.name).ToLowerInvariant() })
    $new = @($Entries | Where-Object { $keys -notcontains ([string]$_.store + '|' + [string]$_.path + '|' + [string]$_.name).ToLowerInvariant() })
    if ($new.Count -eq 0) { return }
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    ConvertTo-Json -InputObject ([ordered]@{ runbook = 'RB-NET-SECURITY-001'; values = @($saved) + $new }) -Depth 5 | Set-Content -LiteralPath $record -Encoding utf8
}
function Test-Is($v, [long]$Want) { return (Test-Integer $v) -and [long]$v -eq $Want }

$prior = @()
$changed = @()
$fwPlan = @()
foreach ($p in @(Get-NetFirewallProfile -Name $firewall_profiles)) {
    $settings = @{}
    if ([string]$p.Enabled -ne 'True') { $settings['Enabled'] = 'True' }
    if ([string]$p.DefaultInboundAction -ne 'Block') { $settings['DefaultInboundAction'] = 'Block' }
    if ($settings.Count) {
        $prior += [ordered]@{ store = 'firewall'; path = ''; name = [string]$p.Name; enabled = [string]$p.Enabled; inbound = [string]$p.DefaultInboundAction }
        $fwPlan += @{ name = [string]$p.Name; settings = $settings }
    }
}
# Registry writes: path -> ordered name/value pairs.
$regPlan = [ordered]@{}
foreach ($p in $weak_protocols) {
    foreach ($side in 'Server', 'Client') {
        $path = "$Schannel\$p\$side"
        $en = Get-RegEntry $path 'Enabled'
        if (Test-Is $en.value 0) { continue }
        $dbd = Get-RegEntry $path 'DisabledByDefault'
        $en['store'] = 'registry'; $dbd['store'] = 'registry'
        $prior += $en, $dbd
        $regPlan[$path] = [ordered]@{ Enabled = 0; DisabledByDefault = 1 }
    }
}
foreach ($p in $strong_protocols) {
    foreach ($side in 'Server', 'Client') {
        $path = "$Schannel\$p\$side"
        $en = Get-RegEntry $path 'Enabled'
        $dbd = Get-RegEntry $path 'DisabledByDefault'
        $off = (Test-Is $en.value 0) -or ($en.present -and -not (Test-Integer $en.value)) -or ((Test-Integer $dbd.value) -and [long]$dbd.value -ne 0)
        if (-not $off) { continue }
        $en['store'] = 'registry'; $dbd['store'] = 'registry'
        $prior += $en, $dbd
        $regPlan[$path] = [ordered]@{ Enabled = 1; DisabledByDefault = 0 }
    }
}
$smbOff = $false
if ($require_smb_encryption) {
    $smbOff = -not [bool](Get-SmbServerConfiguration).EncryptData
    if ($smbOff) { $prior += [ordered]@{ store = 'smb'; path = ''; name = 'EncryptData'; value = $false } }
}

if ($prior.Count) { Save-Prior $prior }
foreach ($f in $fwPlan) {
    $s = $f.settings
    Set-NetFirewallProfile -Name $f.name @s
    $changed += "firewall:$($f.name)"
}
foreach ($path in $regPlan.Keys) {
    $parent = $path.Substring(0, $path.LastIndexOf('\'))
    if (-not (Test-Path -LiteralPath $parent)) { $null = New-Item -Path $parent -Force }
    if (-not (Test-Path -LiteralPath $path)) { $null = New-Item -Path $path -Force }
    foreach ($name in $regPlan[$path].Keys) {
        $null = New-ItemProperty -LiteralPath $path -Name $name -Value ([int]$regPlan[$path][$name]) -PropertyType DWord -Force
    }
    $changed += 'schannel:' + $path.Substring($Schannel.Length + 1)
}
if ($smbOff) { Set-SmbServerConfiguration -EncryptData $true -Force -Confirm:$false; $changed += 'smb:EncryptData' }
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ changed = $changed; reboot_required = ($regPlan.Count -gt 0) }
    message  = if ($changed.Count) { 'changed ' + ($changed -join ', ') } else { 'nothing to change' }
} | ConvertTo-Json -Compress -Depth 4
