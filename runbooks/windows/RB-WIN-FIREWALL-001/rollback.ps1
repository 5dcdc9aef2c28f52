# RB-WIN-FIREWALL-001 rollback: restore the profile settings recorded before remediation.
param(
    [string[]]$profiles = @('Domain', 'Private', 'Public'),
    [bool]$block_inbound_by_default = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $profiles, $block_inbound_by_default

$backup = Join-Path -Path $state_dir -ChildPath 'RB-WIN-FIREWALL-001.json'
if (-not (Test-Path -LiteralPath $backup)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved settings to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$prior = @(Get-Content -LiteralPath $backup -Raw | ConvertFrom-Json)
foreach ($p in $prior) {
    Set-NetFirewallProfile -Name $p.Name -Enabled $p.Enabled -DefaultInboundAction $p.DefaultInboundAction
}
Remove-Item -LiteralPath $backup
[ordered]@{ status = 'pass'; observed = @{}; message = 'firewall profiles restored from the saved settings' } | ConvertTo-Json -Compress
