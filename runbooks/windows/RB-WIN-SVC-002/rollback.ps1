# RB-WIN-SVC-002 rollback: put back the service start type and run state recorded before remediation.
param(
    [string]$service_name = 'DHCPServer',
    [string]$role_feature = 'DHCP',
    [int]$start_wait_seconds = 5,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $service_name, $role_feature, $start_wait_seconds

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SVC-002.json'
if (-not (Test-Path -LiteralPath $record)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved service state to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$prior = Get-Content -LiteralPath $record -Raw | ConvertFrom-Json
$name = [string]$prior.service_name
$now = Get-Service -Name $name
$changes = @()
if ([string]$prior.status -ne 'Running' -and [string]$now.Status -eq 'Running') {
    Stop-Service -Name $name -Force
    $changes += 'stopped'
}
if ([string]$prior.start_type -ne [string]$now.StartType) {
    Set-Service -Name $name -StartupType ([string]$prior.start_type)
    $changes += 'start_type=' + [string]$prior.start_type
}
if ([string]$prior.status -eq 'Running' -and [string](Get-Service -Name $name).Status -ne 'Running') {
    Start-Service -Name $name
    $changes += 'started'
}
Remove-Item -LiteralPath $record
[ordered]@{ status = 'pass'; observed = [ordered]@{ changes = $changes }; message = 'DHCP Server service state restored from the saved record' } | ConvertTo-Json -Compress -Depth 4
