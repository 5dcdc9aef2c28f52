# RB-WIN-NET-001 rollback: give each recorded adapter its prior static DNS servers back (or DHCP-provided
# servers when it had none), flush the resolver cache and remove the record. The DNS Client service is
# left running.
param(
    [string[]]$public_resolvers = @('8.8.8.8', '8.8.4.4', '1.1.1.1', '1.0.0.1'),
    [string[]]$internal_dns_servers = @(),
    [string]$dns_client_service = 'Dnscache',
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $public_resolvers, $internal_dns_servers, $dns_client_service

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-NET-001.json'
if (-not (Test-Path -LiteralPath $record)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved settings to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$adapters = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).adapters)
foreach ($a in $adapters) {
    $servers = @(([string]$a.static_servers) -split '[, ]+' | Where-Object { $_ })
    if ($servers.Count) { Set-DnsClientServerAddress -InterfaceIndex ([int]$a.interface_index) -ServerAddresses $servers }
    else { Set-DnsClientServerAddress -InterfaceIndex ([int]$a.interface_index) -ResetServerAddresses }
}
Clear-DnsClientCache
Remove-Item -LiteralPath $record
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ restored_adapters = @($adapters | ForEach-Object { [string]$_.alias }) }
    message  = 'DNS server settings restored from the saved values'
} | ConvertTo-Json -Compress -Depth 4
