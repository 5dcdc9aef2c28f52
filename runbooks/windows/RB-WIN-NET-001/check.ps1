# RB-WIN-NET-001 check: the DNS Client service runs, every connected adapter has DNS servers, and a
# domain-joined host does not resolve through public resolvers (they cannot answer for the domain, so
# logons, Group Policy and internal names such as the EHR server fail or leak to the internet).
param(
    [string[]]$public_resolvers = @('8.8.8.8', '8.8.4.4', '1.1.1.1', '1.0.0.1'),
    [string[]]$internal_dns_servers = @(),
    [string]$dns_client_service = 'Dnscache',
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $internal_dns_servers, $state_dir

function Write-Result([string]$Status, [string]$Message, [string]$Reason) {
    [ordered]@{ status = $Status; observed = @{}; message = $Message; reason_code = $Reason } | ConvertTo-Json -Compress
}
if (-not (Get-Command -Name Get-DnsClientServerAddress -ErrorAction SilentlyContinue) -or -not (Get-Command -Name Get-NetAdapter -ErrorAction SilentlyContinue)) {
    Write-Result 'error' 'the DnsClient/NetAdapter cmdlets are not available on this host' 'NETWORK_CMDLETS_UNAVAILABLE'
    exit 0
}
try {
    $domain = [bool](@(Get-CimInstance -ClassName Win32_ComputerSystem)[0].PartOfDomain)
    $running = [string](Get-Service -Name $dns_client_service).Status -eq 'Running'
    $up = @(Get-NetAdapter | Where-Object { [string]$_.Status -eq 'Up' } | Sort-Object -Property InterfaceIndex)
    $rows = foreach ($a in $up) {
        $servers = @(Get-DnsClientServerAddress -InterfaceIndex $a.InterfaceIndex -AddressFamily IPv4 | ForEach-Object { $_.ServerAddresses } | Where-Object { $_ })
        [pscustomobject]@{ Alias = [string]$a.Name; Servers = $servers }
    }
    $rows = @($rows)
} catch {
    Write-Result 'error' 'the DNS client configuration could not be read' 'DNS_CONFIG_UNREADABLE'
    exit 0
}
if ($up.Count -eq 0) {
    [ordered]@{ status = 'not_applicable'; observed = [ordered]@{ up_adapter_count = 0 }; message = 'no network adapter is connected'; reason_code = 'NO_CONNECTED_ADAPTER' } | ConvertTo-Json -Compress -Depth 4
    exit 0
}

$noDns = @($rows | Where-Object { $_.Servers.Count -eq 0 } | ForEach-Object { $_.Alias })
$public = @()
if ($domain) { $public = @($rows | Where-Object { @($_.Servers | Where-Object { $public_resolvers -contains $_ }).Count -gt 0 } | ForEach-Object { $_.Alias }) }
$issues = @()
if (-not $running) { $issues += 'DNS_CLIENT_STOPPED' }
if ($noDns.Count) { $issues += 'NO_DNS_SERVERS' }
if ($public.Count) { $issues += 'PUBLIC_RESOLVER_ON_DOMAIN_HOST' }
$status = if ($issues.Count) { 'fail' } else { 'pass' }
[ordered]@{
    status   = $status
    observed = [ordered]@{
        is_domain_joined         = $domain
        dns_client_running       = $running
        up_adapter_count         = $up.Count
        no_dns_adapters          = $noDns
        public_resolver_adapters = $public
        issues                   = $issues
    }
    expected = [ordered]@{ dns_client_running = $true; no_dns_adapters = @(); public_resolver_adapters = @() }
    message  = if ($status -eq 'pass') { 'DNS client is running and configured' } else { 'DNS client drift: ' + ($issues -join ', ') }
} | ConvertTo-Json -Compress -Depth 4
