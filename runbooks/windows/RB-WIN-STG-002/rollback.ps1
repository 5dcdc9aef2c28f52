# RB-WIN-STG-002 rollback: delete the shadow copies and the shadow storage area remediation created and
# restore the VSS start type and run state. Keeps the record if something could not be undone.
param(
    [string]$service_name = 'VSS',
    [string]$system_drive_letter = 'C',
    [int]$shadow_storage_percent = 10,
    [int]$min_shadow_copies = 1,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $service_name, $system_drive_letter, $shadow_storage_percent, $min_shadow_copies

function Invoke-Vssadmin([string[]]$ArgumentList) {
    $prev = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try { return @(vssadmin.exe @ArgumentList 2>&1 | ForEach-Object { [string]$_ }) } finally { $ErrorActionPreference = $prev }
}

$recordPath = Join-Path -Path $state_dir -ChildPath 'RB-WIN-STG-002.json'
if (-not (Test-Path -LiteralPath $recordPath)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved VSS state to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$prior = Get-Content -LiteralPath $recordPath -Raw | ConvertFrom-Json
$drive = [string]$prior.drive
$changes = @()
$left = @()
foreach ($id in @($prior.created_shadows | ForEach-Object { [string]$_ })) {
    if ($id -notmatch '^\{[0-9A-Fa-f-]{36}\}$') { $left += 'shadow ' + $id; continue }
    $out = Invoke-Vssadmin @('delete', 'shadows', ('/shadow=' + $id), '/quiet')
    if ($out | Where-Object { $_ -match 'Successfully deleted' -or $_ -match 'No items found' }) { $changes += 'deleted shadow copy' } else { $left += 'shadow ' + $id }
}
$storageLeft = $false
if ([bool]$prior.created_storage -and $drive -match '^[A-Za-z]:$') {
    $out = Invoke-Vssadmin @('delete', 'shadowstorage', ('/for=' + $drive), ('/on=' + $drive), '/quiet')
    if ($out | Where-Object { $_ -match 'Successfully deleted' -or $_ -match 'association was not found' }) { $changes += 'deleted shadow storage' } else { $storageLeft = $true }
}

$name = [string]$prior.service_name
$now = Get-Service -Name $name
if ([string]$prior.status -ne 'Running' -and [string]$now.Status -eq 'Running') {
    Stop-Service -Name $name -Force
    $changes += 'stopped'
}
if ([string]$prior.start_type -ne [string]$now.StartType) {
    Set-Service -Name $name -StartupType ([string]$prior.start_type)
    $changes += 'start_type=' + [string]$prior.start_type
}

if ($left.Count -gt 0 -or $storageLeft) {
    [ordered]@{
        status = 'error'; observed = [ordered]@{ changes = $changes; shadow_storage_left = $storageLeft; shadows_left = $left.Count }
        message = 'rollback incomplete: the shadow storage area or shadow copies could not be deleted here (vssadmin delete shadowstorage is Windows Server only)'
        reason_code = 'ROLLBACK_INCOMPLETE'
    } | ConvertTo-Json -Compress -Depth 4
    exit 1
}
Remove-Item -LiteralPath $recordPath
[ordered]@{ status = 'pass'; observed = [ordered]@{ changes = $changes }; message = 'VSS state restored and created shadow copies removed' } | ConvertTo-Json -Compress -Depth 4
