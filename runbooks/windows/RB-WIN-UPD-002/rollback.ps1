# RB-WIN-UPD-002 rollback: write back the client-id values recorded before the reset (removing ones
# that did not exist) and restore the update service state.
param(
    [int]$max_days_since_detect = 7,
    [int]$connect_timeout_seconds = 5,
    [string]$wu_service_name = 'wuauserv',
    [bool]$trigger_detection = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $max_days_since_detect, $connect_timeout_seconds, $wu_service_name, $trigger_detection

$recordPath = Join-Path -Path $state_dir -ChildPath 'RB-WIN-UPD-002.json'
if (-not (Test-Path -LiteralPath $recordPath)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved WSUS client state to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$prior = Get-Content -LiteralPath $recordPath -Raw | ConvertFrom-Json
$clientKey = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate'
$name = [string]$prior.service_name
$changes = @()
$now = Get-Service -Name $name
if ([string]$now.Status -eq 'Running') { Stop-Service -Name $name -Force }

if (-not (Test-Path -Path $clientKey)) { $null = New-Item -Path $clientKey -Force }
$current = Get-ItemProperty -Path $clientKey -ErrorAction SilentlyContinue
foreach ($p in $prior.values.PSObject.Properties) {
    $valueName = $p.Name
    $spec = $p.Value
    $has = $null -ne $current -and $null -ne $current.PSObject.Properties[$valueName]
    if ([bool]$spec.present) {
        if ($spec.kind -eq 'Binary') {
            $value = [byte[]]@($spec.value | ForEach-Object { [byte]$_ })
            $null = New-ItemProperty -Path $clientKey -Name $valueName -Value $value -PropertyType Binary -Force
        } else {
            $null = New-ItemProperty -Path $clientKey -Name $valueName -Value ([string]$spec.value) -PropertyType String -Force
        }
        $changes += 'restored ' + $valueName
    } elseif ($has) {
        Remove-ItemProperty -Path $clientKey -Name $valueName
        $changes += 'removed ' + $valueName
    }
}

if ([string]$prior.start_type -ne [string](Get-Service -Name $name).StartType) {
    Set-Service -Name $name -StartupType ([string]$prior.start_type)
}
if ([string]$prior.status -eq 'Running') { Start-Service -Name $name }
Remove-Item -LiteralPath $recordPath
[ordered]@{ status = 'pass'; observed = [ordered]@{ changes = $changes }; message = 'WSUS client registration values restored from the saved record' } | ConvertTo-Json -Compress -Depth 4
