# RB-WIN-SVC-002 check: where the DHCP Server role is installed, the DHCPServer service runs and is not disabled.
param(
    [string]$service_name = 'DHCPServer',
    [string]$role_feature = 'DHCP',
    [int]$start_wait_seconds = 5,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $start_wait_seconds, $state_dir

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [System.Collections.IDictionary]$Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

$observed = [ordered]@{ role_installed = $null; service_status = $null; start_type = $null; scope_count = $null }
if ([WildcardPattern]::ContainsWildcardCharacters($service_name) -or [WildcardPattern]::ContainsWildcardCharacters($role_feature)) {
    Out-Result 'error' $observed $null 'service_name and role_feature must be exact names, not wildcard patterns' 'INVALID_PARAMETER'
    exit 0
}
if (-not (Get-Command -Name Get-WindowsFeature -ErrorAction SilentlyContinue)) {
    Out-Result 'not_applicable' $observed $null 'server roles cannot be queried here (no ServerManager module, so not Windows Server)' 'NO_SERVER_ROLES'
    exit 0
}
try {
    $feature = @(Get-WindowsFeature -Name $role_feature | Where-Object { [string]$_.Name -eq $role_feature })
} catch {
    Out-Result 'error' $observed $null 'the installed server roles could not be read' 'ROLE_QUERY_FAILED'
    exit 0
}
$observed['role_installed'] = ($feature.Count -gt 0 -and [bool]$feature[0].Installed)
if (-not $observed['role_installed']) {
    Out-Result 'not_applicable' $observed $null 'the DHCP Server role is not installed on this host' 'ROLE_NOT_INSTALLED'
    exit 0
}
$svc = @(Get-Service -Name $service_name -ErrorAction SilentlyContinue | Where-Object { [string]$_.Name -eq $service_name })
if ($svc.Count -eq 0) {
    Out-Result 'error' $observed $null 'the DHCP Server role is installed but its service does not exist' 'SERVICE_MISSING'
    exit 0
}
$observed['service_status'] = [string]$svc[0].Status
$observed['start_type'] = [string]$svc[0].StartType
if ($observed['service_status'] -eq 'Running' -and (Get-Command -Name Get-DhcpServerv4Scope -ErrorAction SilentlyContinue)) {
    try {
        $observed['scope_count'] = @(Get-DhcpServerv4Scope).Count
    } catch {
        $observed['scope_count'] = $null
    }
}
$ok = $observed['service_status'] -eq 'Running' -and $observed['start_type'] -ne 'Disabled'
$expected = [ordered]@{ role_installed = $true; service_status = 'Running'; start_type = 'Automatic or Manual' }
if ($ok) {
    Out-Result 'pass' $observed $expected ('the DHCP Server service is running with ' + $(if ($null -eq $observed['scope_count']) { 'an unknown number of' } else { $observed['scope_count'] }) + ' IPv4 scopes')
} else {
    Out-Result 'fail' $observed $expected ('the DHCP Server service is ' + $observed['service_status'] + ' with start type ' + $observed['start_type'])
}
