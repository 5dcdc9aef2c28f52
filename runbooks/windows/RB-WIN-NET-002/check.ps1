# RB-WIN-NET-002 check: the named adapter (or, without a name, every connected adapter) is up and its
# default gateway answers. Adapters with many receive/send errors are reported.
param(
    [string]$adapter_name = '',
    [bool]$allow_default_route_adapter = $false,
    [int[]]$management_ports = @(22, 5985, 5986),
    [int]$gateway_ping_count = 2,
    [int]$error_counter_threshold = 1000,
    [int]$wait_seconds = 10
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $allow_default_route_adapter, $management_ports, $wait_seconds

foreach ($c in 'Get-NetAdapter', 'Get-NetIPConfiguration') {
    if (-not (Get-Command -Name $c -ErrorAction SilentlyContinue)) {
        [ordered]@{ status = 'error'; observed = @{}; message = "$c is not available on this host"; reason_code = 'NETWORK_CMDLETS_UNAVAILABLE' } | ConvertTo-Json -Compress
        exit 0
    }
}
try {
    $all = @(Get-NetAdapter)
} catch {
    [ordered]@{ status = 'error'; observed = @{}; message = 'the network adapters could not be read'; reason_code = 'ADAPTERS_UNREADABLE' } | ConvertTo-Json -Compress
    exit 0
}
if ($adapter_name) {
    # Exact name; -Name would treat [ ] * ? in an adapter name as wildcards.
    $targets = @($all | Where-Object { [string]$_.Name -ieq $adapter_name })
    if ($targets.Count -eq 0) {
        [ordered]@{ status = 'error'; observed = [ordered]@{ adapter_count = $all.Count }; message = 'no adapter has the given name'; reason_code = 'ADAPTER_NOT_FOUND' } | ConvertTo-Json -Compress -Depth 4
        exit 0
    }
} else {
    $targets = @($all | Where-Object { [string]$_.Status -eq 'Up' })
}

$down = @()
$unreachable = @()
$noisy = @()
foreach ($a in $targets) {
    $name = [string]$a.Name
    if ([string]$a.Status -ne 'Up') { $down += $name; continue }
    $cfg = @(Get-NetIPConfiguration -InterfaceIndex $a.InterfaceIndex)[0]
    $gw = @($cfg.IPv4DefaultGateway | Where-Object { $_ } | ForEach-Object { [string]$_.NextHop })
    foreach ($g in $gw) {
        if (-not (Test-Connection -ComputerName $g -Count $gateway_ping_count -Quiet)) { $unreachable += $name; break }
    }
    try {
        $stats = $a | Get-NetAdapterStatistics
        if ([long]$stats.ReceivedPacketErrors -gt $error_counter_threshold -or [long]$stats.OutboundPacketErrors -gt $error_counter_threshold) { $noisy += $name }
    } catch {
        $null = $_   # statistics are informational
    }
}
$issues = @()
if ($down.Count) { $issues += 'ADAPTER_DOWN' }
if ($unreachable.Count) { $issues += 'GATEWAY_UNREACHABLE' }
if (-not $adapter_name -and $targets.Count -eq 0) { $issues += 'NO_CONNECTED_ADAPTER' }
$status = if ($issues.Count) { 'fail' } else { 'pass' }
[ordered]@{
    status   = $status
    observed = [ordered]@{
        adapter_count              = $targets.Count
        adapter_status             = if ($adapter_name) { [string]$targets[0].Status } else { $null }
        down_adapters              = $down
        unreachable_gateway_adapters = $unreachable
        high_error_adapters        = $noisy
        issues                     = $issues
    }
    expected = [ordered]@{ down_adapters = @(); unreachable_gateway_adapters = @(); issues = @() }
    message  = if ($status -eq 'pass') { 'the adapters are up and their gateways answer' } else { 'network adapter problem: ' + ($issues -join ', ') }
} | ConvertTo-Json -Compress -Depth 4
