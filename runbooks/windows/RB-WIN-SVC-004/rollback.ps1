# RB-WIN-SVC-004 rollback: restore the recorded NtpServer/Type values (peer list) and the service state.
param(
    [string]$service_name = 'W32Time',
    [int]$max_stratum = 10,
    [string[]]$ntp_peers = @('time.nist.gov', 'time.windows.com'),
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $service_name, $max_stratum, $ntp_peers

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SVC-004.json'
if (-not (Test-Path -LiteralPath $record)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved time configuration to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$prior = Get-Content -LiteralPath $record -Raw | ConvertFrom-Json
$name = [string]$prior.service_name
$changes = @()

$paramsKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\W32Time\Parameters'
$current = Get-ItemProperty -Path $paramsKey -ErrorAction SilentlyContinue
if ($null -ne $current) {
    foreach ($pair in @(@('NtpServer', $prior.ntp_server), @('Type', $prior.type))) {
        $valueName = [string]$pair[0]
        $want = $pair[1]
        $have = if ($current.PSObject.Properties[$valueName]) { [string]$current.$valueName } else { $null }
        if ($null -eq $want -and $null -ne $have) {
            Remove-ItemProperty -Path $paramsKey -Name $valueName
            $changes += 'removed ' + $valueName
        } elseif ($null -ne $want -and [string]$want -cne $have) {
            Set-ItemProperty -Path $paramsKey -Name $valueName -Value ([string]$want)
            $changes += 'restored ' + $valueName
        }
    }
}
$now = Get-Service -Name $name
if ($changes.Count -gt 0 -and [string]$now.Status -eq 'Running' -and (Get-Command -Name w32tm.exe -ErrorAction SilentlyContinue)) {
    $prev = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    $argv = @('/config', '/update')
    try { $null = @(w32tm.exe @argv 2>&1) } finally { $ErrorActionPreference = $prev }
}
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
[ordered]@{ status = 'pass'; observed = [ordered]@{ changes = $changes }; message = 'Windows Time configuration restored from the saved record' } | ConvertTo-Json -Compress -Depth 4
