# RB-WIN-NET-004 check: every IP-enabled adapter has the NetBIOS-over-TCP/IP option the site wants:
# on domain members the DHCP/default setting (0), on standalone hosts disabled (2), so NetBIOS name
# spoofing (NBT-NS poisoning) cannot capture credentials. WINS servers are reported.
param(
    [int]$domain_netbios_option = 0,
    [int]$standalone_netbios_option = 2,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $state_dir
$Options = @{ 0 = 'default'; 1 = 'enabled'; 2 = 'disabled' }

try {
    $domain = [bool](@(Get-CimInstance -ClassName Win32_ComputerSystem)[0].PartOfDomain)
    $rows = @(Get-CimInstance -ClassName Win32_NetworkAdapterConfiguration | Where-Object { $_.IPEnabled } | Sort-Object -Property Index)
} catch {
    [ordered]@{ status = 'error'; observed = @{}; message = 'the network adapter configuration could not be read'; reason_code = 'NETWORK_CONFIG_UNREADABLE' } | ConvertTo-Json -Compress
    exit 0
}
$wanted = if ($domain) { $domain_netbios_option } else { $standalone_netbios_option }
$mismatched = @($rows | Where-Object { $null -eq $_.TcpipNetbiosOptions -or [int]$_.TcpipNetbiosOptions -ne $wanted } | ForEach-Object { [string]$_.Description })
$wins = @($rows | Where-Object { $_.WINSPrimaryServer -or $_.WINSSecondaryServer }).Count
$status = if ($mismatched.Count) { 'fail' } else { 'pass' }
[ordered]@{
    status   = $status
    observed = [ordered]@{
        is_domain_joined      = $domain
        adapter_count         = $rows.Count
        wanted_netbios        = $Options[$wanted]
        mismatched_adapters   = $mismatched
        wins_configured_count = $wins
    }
    expected = [ordered]@{ mismatched_adapters = @() }
    message  = if ($status -eq 'pass') { "NetBIOS over TCP/IP is $($Options[$wanted]) on all $($rows.Count) adapter(s)" } else { "$($mismatched.Count) adapter(s) do not have NetBIOS over TCP/IP $($Options[$wanted])" }
} | ConvertTo-Json -Compress -Depth 4
