# RB-WIN-FIREWALL-001 check: every listed firewall profile is enabled (and blocks inbound by default).
param(
    [string[]]$profiles = @('Domain', 'Private', 'Public'),
    [bool]$block_inbound_by_default = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $state_dir

try {
    $current = @(Get-NetFirewallProfile -Name $profiles)
} catch {
    [ordered]@{
        status = 'error'; observed = @{}; message = 'the firewall profiles could not be read'; reason_code = 'FIREWALL_UNREADABLE'
    } | ConvertTo-Json -Compress
    exit 0
}

$disabled = @($current | Where-Object { [string]$_.Enabled -ne 'True' } | ForEach-Object { [string]$_.Name })
$allowing = @()
if ($block_inbound_by_default) {
    $allowing = @($current | Where-Object { [string]$_.DefaultInboundAction -eq 'Allow' } | ForEach-Object { [string]$_.Name })
}
$status = if ($disabled.Count -eq 0 -and $allowing.Count -eq 0) { 'pass' } else { 'fail' }
$message = if ($status -eq 'pass') { 'all firewall profiles are enabled' } else {
    'firewall drift: disabled profiles [' + ($disabled -join ', ') + '], inbound allowed by default on [' + ($allowing -join ', ') + ']'
}
[ordered]@{
    status   = $status
    observed = [ordered]@{ disabled_profiles = $disabled; allow_inbound_profiles = $allowing }
    expected = [ordered]@{ disabled_profiles = @(); allow_inbound_profiles = @() }
    message  = $message
} | ConvertTo-Json -Compress -Depth 4
