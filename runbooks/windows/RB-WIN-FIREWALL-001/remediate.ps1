# RB-WIN-FIREWALL-001 remediate: record the prior settings, then enable the listed profiles and
# block inbound connections by default. Touches only profiles that differ; idempotent.
param(
    [string[]]$profiles = @('Domain', 'Private', 'Public'),
    [bool]$block_inbound_by_default = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$current = @(Get-NetFirewallProfile -Name $profiles)
$backup = Join-Path -Path $state_dir -ChildPath 'RB-WIN-FIREWALL-001.json'
if (-not (Test-Path -LiteralPath $backup)) {
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    $prior = @($current | ForEach-Object {
            [ordered]@{ Name = [string]$_.Name; Enabled = [string]$_.Enabled; DefaultInboundAction = [string]$_.DefaultInboundAction }
        })
    ConvertTo-Json -InputObject $prior -Depth 3 | Set-Content -LiteralPath $backup -Encoding utf8
}

$changed = @()
foreach ($p in $current) {
    $settings = @{}
    if ([string]$p.Enabled -ne 'True') { $settings['Enabled'] = 'True' }
    if ($block_inbound_by_default -and [string]$p.DefaultInboundAction -ne 'Block') { $settings['DefaultInboundAction'] = 'Block' }
    if ($settings.Count -gt 0) {
        Set-NetFirewallProfile -Name ([string]$p.Name) @settings
        $changed += [string]$p.Name
    }
}
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ changed_profiles = $changed }
    message  = if ($changed.Count) { 'enabled and hardened: ' + ($changed -join ', ') } else { 'nothing to change' }
} | ConvertTo-Json -Compress -Depth 4
