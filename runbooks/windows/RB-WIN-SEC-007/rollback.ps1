# RB-WIN-SEC-007 rollback: restore the recorded SMB server settings and client registry values (with
# their recorded type; values that did not exist are removed), then remove the record.
param(
    [bool]$require_server_signing = $true,
    [bool]$require_client_signing = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $require_server_signing, $require_client_signing
$clientKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\LanmanWorkstation\Parameters'

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-007.json'
if (-not (Test-Path -LiteralPath $record)) {
    Out-Result 'error' @{} 'no recorded SMB settings to roll back to' 'NO_ROLLBACK_STATE'
    exit 1
}
$restored = @()
try {
    $saved = Get-Content -LiteralPath $record -Raw | ConvertFrom-Json
    if ($null -ne $saved.server) {
        $current = Get-SmbServerConfiguration
        $settings = [ordered]@{}
        foreach ($n in @('RequireSecuritySignature', 'EnableSecuritySignature')) {
            $want = [bool]$saved.server.$n
            if ([bool]$current.$n -ne $want) { $settings[$n] = $want }
        }
        if ($settings.Count -gt 0) {
            Set-SmbServerConfiguration @settings -Force
            $restored += @($settings.Keys | ForEach-Object { "server:$_" })
        }
    }
    if (Test-Path -LiteralPath $clientKey) {
        $item = Get-ItemProperty -Path $clientKey
        foreach ($n in @('RequireSecuritySignature', 'EnableSecuritySignature')) {
            $prior = $saved.client.$n
            $has = $null -ne $item.PSObject.Properties[$n]
            if ($prior.present) {
                $want = if ([string]$prior.kind -eq 'DWord') { [int]$prior.value } else { [string]$prior.value }
                $now = if ($has) { $item.PSObject.Properties[$n].Value } else { $null }
                $same = $has -and ($now -is [string]) -eq ($want -is [string]) -and [string]$now -ceq [string]$want
                if (-not $same) {
                    Set-ItemProperty -Path $clientKey -Name $n -Value $want -Type ([string]$prior.kind)
                    $restored += "client:$n"
                }
            } elseif ($has) {
                Remove-ItemProperty -Path $clientKey -Name $n
                $restored += "client:$n"
            }
        }
    }
    Remove-Item -LiteralPath $record
} catch {
    Out-Result 'error' ([ordered]@{ restored = $restored }) ('rollback failed (HRESULT 0x{0:X8})' -f $_.Exception.HResult) 'ROLLBACK_FAILED'
    exit 1
}
Out-Result 'pass' ([ordered]@{ restored = $restored }) 'recorded SMB signing settings restored'
