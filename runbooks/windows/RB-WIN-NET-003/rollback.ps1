# RB-WIN-NET-003 rollback: put the recorded connection profiles back to their prior category (profiles
# no longer connected are skipped), then remove the record.
param(
    [bool]$skip_mobile = $true,
    [bool]$include_standalone_workstations = $false,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $skip_mobile, $include_standalone_workstations

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-NET-003.json'
if (-not (Test-Path -LiteralPath $record)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved settings to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$profiles = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).profiles)
$restored = @()
$skipped = @()
foreach ($p in $profiles) {
    try {
        Set-NetConnectionProfile -InterfaceIndex ([int]$p.interface_index) -NetworkCategory ([string]$p.category)
        $restored += [string]$p.alias
    } catch {
        $skipped += [string]$p.alias
    }
}
Remove-Item -LiteralPath $record
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ restored_profiles = $restored; skipped_profiles = $skipped }
    message  = "restored $($restored.Count) connection profile(s); $($skipped.Count) no longer connected"
} | ConvertTo-Json -Compress -Depth 4
