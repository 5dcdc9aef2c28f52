# RB-WIN-NET-002 remediate: enable the named adapter when it is disabled, or bounce it (disable, enable)
# when it is up but its gateway does not answer or it shows no link. Never bounces the adapter that
# carries a management connection (SSH/WinRM), and not the default-route adapter unless allowed.
# Re-enabling also makes DHCP renew the lease.
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
$null = $error_counter_threshold

function Write-Refusal([string]$Message, [string]$Reason) {
    [ordered]@{ status = 'error'; observed = @{}; message = $Message; reason_code = $Reason } | ConvertTo-Json -Compress
    exit 1
}
function Get-Target { @(Get-NetAdapter | Where-Object { [string]$_.Name -ieq $adapter_name })[0] }
function Test-Gateway([int]$Index) {
    $cfg = @(Get-NetIPConfiguration -InterfaceIndex $Index -ErrorAction SilentlyContinue)[0]
    if ($null -eq $cfg) { return $false }
    $gw = @($cfg.IPv4DefaultGateway | Where-Object { $_ } | ForEach-Object { [string]$_.NextHop })
    foreach ($g in $gw) { if (-not (Test-Connection -ComputerName $g -Count $gateway_ping_count -Quiet)) { return $false } }
    return $true
}

if (-not $adapter_name) { Write-Refusal 'refused: name the adapter to reset (adapter_name)' 'ADAPTER_REQUIRED' }
$adapter = Get-Target
if ($null -eq $adapter) { Write-Refusal 'no adapter has the given name' 'ADAPTER_NOT_FOUND' }

$action = 'none'
if ([string]$adapter.Status -eq 'Disabled') {
    $adapter | Enable-NetAdapter -Confirm:$false
    $action = 'enabled'
} elseif ([string]$adapter.Status -ne 'Up' -or -not (Test-Gateway $adapter.InterfaceIndex)) {
    # Which adapters carry the session this runs in (established TCP on a management port)?
    if (-not (Get-Command -Name Get-NetTCPConnection -ErrorAction SilentlyContinue)) { Write-Refusal 'refused: cannot tell which adapter carries the management connection' 'MANAGEMENT_ADAPTER_UNKNOWN' }
    $local = @(Get-NetTCPConnection -State Established -ErrorAction SilentlyContinue | Where-Object { $management_ports -contains [int]$_.LocalPort } | ForEach-Object { [string]$_.LocalAddress })
    $mine = @(Get-NetIPConfiguration -InterfaceIndex $adapter.InterfaceIndex -ErrorAction SilentlyContinue)
    $addresses = @($mine | ForEach-Object { $_.IPv4Address } | Where-Object { $_ } | ForEach-Object { [string]$_.IPAddress })
    if (@($addresses | Where-Object { $local -contains $_ }).Count -gt 0) {
        Write-Refusal 'refused: this adapter carries the management connection; bouncing it would cut the session' 'MANAGEMENT_ADAPTER'
    }
    $hasDefaultRoute = @($mine | Where-Object { $_.IPv4DefaultGateway }).Count -gt 0
    if ($hasDefaultRoute -and -not $allow_default_route_adapter) {
        Write-Refusal 'refused: this adapter carries the default route (set allow_default_route_adapter to bounce it)' 'DEFAULT_ROUTE_ADAPTER'
    }
    $adapter | Disable-NetAdapter -Confirm:$false
    $adapter | Enable-NetAdapter -Confirm:$false
    $action = 'bounced'
}

if ($action -ne 'none') {
    $deadline = (Get-Date).AddSeconds($wait_seconds)
    while ([string](Get-Target).Status -ne 'Up' -and (Get-Date) -lt $deadline) { Start-Sleep -Seconds 1 }
}
$now = Get-Target
$reachable = ([string]$now.Status -eq 'Up') -and (Test-Gateway $now.InterfaceIndex)
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ action = $action; adapter_status = [string]$now.Status; gateway_reachable = $reachable }
    message  = if ($action -eq 'none') { 'nothing to change: the adapter is up and its gateway answers' } else { "adapter $action; status $([string]$now.Status)" }
} | ConvertTo-Json -Compress -Depth 4
