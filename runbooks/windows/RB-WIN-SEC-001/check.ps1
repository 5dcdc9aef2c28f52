# RB-WIN-SEC-001 check: every listed firewall profile is enabled (inbound defaults are reported only).
param(
    [string[]]$profiles = @('Domain', 'Private', 'Public'),
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

if (-not (Get-Command -Name Get-NetFirewallProfile -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{} $null 'the NetSecurity module (Get-NetFirewallProfile) is not available' 'FIREWALL_UNAVAILABLE'
    exit 0
}
try {
    $current = @(Get-NetFirewallProfile -Name $profiles)
} catch {
    Out-Result 'error' @{} $null 'the firewall profiles could not be read' 'FIREWALL_UNREADABLE'
    exit 0
}
$disabled = @($current | Where-Object { [string]$_.Enabled -ne 'True' } | ForEach-Object { [string]$_.Name })
$allowing = @($current | Where-Object { [string]$_.DefaultInboundAction -eq 'Allow' } | ForEach-Object { [string]$_.Name })
$observed = [ordered]@{ disabled_profiles = $disabled; disabled_count = $disabled.Count; allow_inbound_profiles = $allowing }
$expected = [ordered]@{ disabled_profiles = @(); disabled_count = 0 }
if ($disabled.Count -eq 0) {
    Out-Result 'pass' $observed $expected 'every listed firewall profile is enabled'
} else {
    Out-Result 'fail' $observed $expected ('firewall profiles disabled: ' + ($disabled -join ', '))
}
