# RB-WIN-SEC-001 rollback: turn off again the profiles this runbook turned on, then remove the record.
param(
    [string[]]$profiles = @('Domain', 'Private', 'Public'),
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $profiles

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-001.json'
if (-not (Test-Path -LiteralPath $record)) {
    Out-Result 'error' @{} 'no recorded firewall state to roll back to' 'NO_ROLLBACK_STATE'
    exit 1
}
$restored = @()
try {
    foreach ($entry in @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).profiles)) {
        $name = [string]$entry.name
        if ($name -notin @('Domain', 'Private', 'Public')) { continue }
        $now = Get-NetFirewallProfile -Name $name
        if ([string]$now.Enabled -ne [string]$entry.enabled) {
            Set-NetFirewallProfile -Name $name -Enabled ([string]$entry.enabled)
            $restored += $name
        }
    }
    Remove-Item -LiteralPath $record
} catch {
    Out-Result 'error' ([ordered]@{ restored_profiles = $restored }) 'rollback of the firewall profiles failed' 'ROLLBACK_FAILED'
    exit 1
}
Out-Result 'pass' ([ordered]@{ restored_profiles = $restored }) 'recorded firewall profile states restored'
