# RB-WIN-SVC-002 remediate: record the service state once, re-enable the service if it is disabled and
# start it, then wait until it reports Running. Idempotent: a running, enabled service is left alone.
param(
    [string]$service_name = 'DHCPServer',
    [string]$role_feature = 'DHCP',
    [int]$start_wait_seconds = 5,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

$observed = [ordered]@{ changes = @(); service_status = $null }
if ([WildcardPattern]::ContainsWildcardCharacters($service_name) -or [WildcardPattern]::ContainsWildcardCharacters($role_feature)) {
    Out-Result 'error' $observed 'service_name and role_feature must be exact names' 'INVALID_PARAMETER'
    exit 1
}
$feature = @()
if (Get-Command -Name Get-WindowsFeature -ErrorAction SilentlyContinue) {
    $feature = @(Get-WindowsFeature -Name $role_feature | Where-Object { [string]$_.Name -eq $role_feature -and [bool]$_.Installed })
}
if ($feature.Count -eq 0) {
    Out-Result 'not_applicable' $observed 'the DHCP Server role is not installed; nothing to start' 'ROLE_NOT_INSTALLED'
    exit 0
}
$svc = @(Get-Service -Name $service_name -ErrorAction SilentlyContinue | Where-Object { [string]$_.Name -eq $service_name })
if ($svc.Count -eq 0) {
    Out-Result 'error' $observed 'the DHCP Server service does not exist' 'SERVICE_MISSING'
    exit 1
}
$status = [string]$svc[0].Status
$startType = [string]$svc[0].StartType

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SVC-002.json'
if (-not (Test-Path -LiteralPath $record)) {
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    ConvertTo-Json -InputObject ([ordered]@{ service_name = $service_name; status = $status; start_type = $startType }) |
        Set-Content -LiteralPath $record -Encoding utf8
}

$changes = @()
if ($startType -eq 'Disabled') {
    Set-Service -Name $service_name -StartupType Automatic
    $changes += 'start_type=Automatic'
}
if ($status -ne 'Running') {
    Start-Service -Name $service_name
    $changes += 'started'
}
$deadline = (Get-Date).AddSeconds($start_wait_seconds)
while ($true) {
    $status = [string](Get-Service -Name $service_name).Status
    if ($status -eq 'Running' -or (Get-Date) -ge $deadline) { break }
    Start-Sleep -Seconds 1
}
$observed['changes'] = $changes
$observed['service_status'] = $status
if ($status -ne 'Running') {
    Out-Result 'error' $observed ('the DHCP Server service is still ' + $status + ' after ' + $start_wait_seconds + ' s') 'SERVICE_DID_NOT_START'
    exit 1
}
Out-Result 'pass' $observed $(if ($changes.Count) { 'DHCP Server service: ' + ($changes -join ', ') } else { 'nothing to change' })
