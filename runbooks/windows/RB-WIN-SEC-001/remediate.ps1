# RB-WIN-SEC-001 remediate: enable only the listed profiles that are off. Records their prior state
# once for rollback. Idempotent.
param(
    [string[]]$profiles = @('Domain', 'Private', 'Public'),
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

if (-not (Get-Command -Name Get-NetFirewallProfile -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{ enabled_profiles = @() } 'the NetSecurity module is not available' 'FIREWALL_UNAVAILABLE'
    exit 1
}
$enabled = @()
try {
    $disabled = @(Get-NetFirewallProfile -Name $profiles | Where-Object { [string]$_.Enabled -ne 'True' })
    if ($disabled.Count -gt 0) {
        $record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-001.json'
        if (-not (Test-Path -LiteralPath $record)) {
            $null = New-Item -ItemType Directory -Path $state_dir -Force
            $prior = @($disabled | ForEach-Object { [ordered]@{ name = [string]$_.Name; enabled = [string]$_.Enabled } })
            [ordered]@{ runbook = 'RB-WIN-SEC-001'; recorded_utc = [datetime]::UtcNow.ToString('o'); profiles = $prior } |
                ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $record -Encoding utf8
        }
        foreach ($p in $disabled) {
            Set-NetFirewallProfile -Name ([string]$p.Name) -Enabled 'True'
            $enabled += [string]$p.Name
        }
    }
} catch {
    Out-Result 'error' ([ordered]@{ enabled_profiles = $enabled }) 'the firewall profiles could not be changed' 'REMEDIATION_FAILED'
    exit 1
}
Out-Result 'pass' ([ordered]@{ enabled_profiles = $enabled }) $(if ($enabled.Count) { 'enabled: ' + ($enabled -join ', ') } else { 'nothing to change' })
