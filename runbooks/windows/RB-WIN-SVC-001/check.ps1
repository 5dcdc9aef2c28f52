# RB-WIN-SVC-001 check: where the DNS Server role is installed, the DNS service runs and is not disabled.
param(
    [string]$service_name = 'DNS',
    [string]$role_feature = 'DNS',
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

$observed = [ordered]@{ role_installed = $null; service_status = $null; start_type = $null }
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
    Out-Result 'not_applicable' $observed $null 'the DNS Server role is not installed on this host' 'ROLE_NOT_INSTALLED'
    exit 0
}
$svc = @(Get-Service -Name $service_name -ErrorAction SilentlyContinue | Where-Object { [string]$_.Name -eq $service_name })
if ($svc.Count -eq 0) {
    Out-Result 'error' $observed $null 'the DNS Server role is installed but its service does not exist' 'SERVICE_MISSING'
    exit 0
}
$observed['service_status'] = [string]$svc[0].Status
$observed['start_type'] = [string]$svc[0].StartType
$ok = $observed['service_status'] -eq 'Running' -and $observed['start_type'] -ne 'Disabled'
$expected = [ordered]@{ role_installed = $true; service_status = 'Running'; start_type = 'Automatic or Manual' }
if ($ok) {
    Out-Result 'pass' $observed $expected 'the DNS Server service is running'
} else {
    Out-Result 'fail' $observed $expected ('the DNS Server service is ' + $observed['service_status'] + ' with start type ' + $observed['start_type'])
}
