# RB-WIN-NET-001 remediate: start the DNS Client service; on a domain-joined host point adapters that
# use public resolvers (or none) at internal_dns_servers, or at the domain controllers Windows knows
# (Win32_NTDomain) when that list is empty; on a standalone host give adapters without DNS servers
# their DHCP-provided servers back (or internal_dns_servers when the adapter is static). Records each
# adapter's static server list first, then flushes the resolver cache.
param(
    [string[]]$public_resolvers = @('8.8.8.8', '8.8.4.4', '1.1.1.1', '1.0.0.1'),
    [string[]]$internal_dns_servers = @(),
    [string]$dns_client_service = 'Dnscache',
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-NET-001.json'

function Read-StaticServers([string]$Guid) {
    $path = 'HKLM:\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters\Interfaces\' + $Guid
    if (-not (Test-Path -LiteralPath $path)) { return '' }
    $item = Get-ItemProperty -LiteralPath $path
    if ($null -eq $item -or $null -eq $item.PSObject.Properties['NameServer']) { return '' }
    return [string]$item.PSObject.Properties['NameServer'].Value
}
function Test-IpAddress([string]$Text) { $ip = $null; return [System.Net.IPAddress]::TryParse($Text, [ref]$ip) }

$changed = @()
$svc = Get-Service -Name $dns_client_service
if ([string]$svc.Status -ne 'Running') { Start-Service -Name $dns_client_service; $changed += "service:$dns_client_service" }

$domain = [bool](@(Get-CimInstance -ClassName Win32_ComputerSystem)[0].PartOfDomain)
$internal = @($internal_dns_servers | Where-Object { $_ })
foreach ($s in $internal) { if (-not (Test-IpAddress $s)) { throw "internal_dns_servers entry is not an IP address: $s" } }
if ($domain -and $internal.Count -eq 0) {
    # The domain controllers this host knows, e.g. DomainControllerAddress = '\\10.20.0.10'.
    $internal = @(Get-CimInstance -ClassName Win32_NTDomain | ForEach-Object { ([string]$_.DomainControllerAddress).TrimStart('\') } | Where-Object { $_ -and (Test-IpAddress $_) } | Select-Object -Unique)
}

$plan = @()
$unfixable = @()
# Adapters to fix: no DNS server at all, or (domain-joined) a public resolver among them.
foreach ($a in @(Get-NetAdapter | Where-Object { [string]$_.Status -eq 'Up' } | Sort-Object -Property InterfaceIndex)) {
    $servers = @(Get-DnsClientServerAddress -InterfaceIndex $a.InterfaceIndex -AddressFamily IPv4 | ForEach-Object { $_.ServerAddresses } | Where-Object { $_ })
    $isPublic = $domain -and @($servers | Where-Object { $public_resolvers -contains $_ }).Count -gt 0
    if (-not $isPublic -and $servers.Count -gt 0) { continue }
    $static = Read-StaticServers ([string]$a.InterfaceGuid)
    if ($internal.Count -eq 0) { $unfixable += [string]$a.Name; continue }
    $plan += [ordered]@{ interface_index = [int]$a.InterfaceIndex; alias = [string]$a.Name; static_servers = $static }
}
if ($unfixable.Count) {
    [ordered]@{
        status = 'error'; observed = [ordered]@{ unfixable_adapters = $unfixable; changed = $changed }
        message = 'no DNS server to use for: ' + ($unfixable -join ', ') + '; set internal_dns_servers'; reason_code = 'NO_DNS_SOURCE'
    } | ConvertTo-Json -Compress -Depth 4
    exit 1
}

if ($plan.Count) {
    $saved = @()
    if (Test-Path -LiteralPath $record) { $saved = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).adapters) }
    $known = @($saved | ForEach-Object { [int]$_.interface_index })
    $new = @($plan | Where-Object { $known -notcontains $_.interface_index } | ForEach-Object { [ordered]@{ interface_index = $_.interface_index; alias = $_.alias; static_servers = $_.static_servers } })
    if ($new.Count) {
        $null = New-Item -ItemType Directory -Path $state_dir -Force
        ConvertTo-Json -InputObject ([ordered]@{ runbook = 'RB-WIN-NET-001'; adapters = @($saved) + $new }) -Depth 4 | Set-Content -LiteralPath $record -Encoding utf8
    }
    foreach ($p in $plan) {
        Set-DnsClientServerAddress -InterfaceIndex $p.interface_index -ServerAddresses $internal
        $changed += $p.alias
    }
    Clear-DnsClientCache
}
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ changed = $changed; dns_servers_set = @(if ($plan.Count) { $internal }) }
    message  = if ($changed.Count) { 'changed ' + ($changed -join ', ') } else { 'nothing to change' }
} | ConvertTo-Json -Compress -Depth 4
