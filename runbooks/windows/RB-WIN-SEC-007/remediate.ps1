# RB-WIN-SEC-007 remediate: require and enable SMB signing on the server and the client, writing only
# settings that differ. Records the prior server settings and client values once for rollback.
param(
    [bool]$require_server_signing = $true,
    [bool]$require_client_signing = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$clientKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\LanmanWorkstation\Parameters'
$clientNames = @('RequireSecuritySignature', 'EnableSecuritySignature')

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
function Test-DwordOne($Item, [string]$Name) {
    if ($null -eq $Item -or $null -eq $Item.PSObject.Properties[$Name]) { return $false }
    $v = $Item.PSObject.Properties[$Name].Value
    return ($v -is [int] -or $v -is [long] -or $v -is [uint32]) -and [long]$v -eq 1
}

$changed = @()
try {
    $serverChanges = [ordered]@{}
    $server = $null
    if ($require_server_signing) {
        if (-not (Get-Command -Name Get-SmbServerConfiguration -ErrorAction SilentlyContinue)) {
            Out-Result 'error' @{ changed = @() } 'Get-SmbServerConfiguration is not available on this host' 'SMB_UNAVAILABLE'
            exit 1
        }
        $server = Get-SmbServerConfiguration
        if (-not $server.RequireSecuritySignature) { $serverChanges['RequireSecuritySignature'] = $true }
        if (-not $server.EnableSecuritySignature) { $serverChanges['EnableSecuritySignature'] = $true }
    }
    $keyExists = Test-Path -LiteralPath $clientKey
    $item = if ($keyExists) { Get-ItemProperty -Path $clientKey } else { $null }
    $clientChanges = @()
    if ($require_client_signing) {
        $clientChanges = @($clientNames | Where-Object { -not (Test-DwordOne $item $_) })
    }

    if ($serverChanges.Count -gt 0 -or $clientChanges.Count -gt 0) {
        $record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-007.json'
        if (-not (Test-Path -LiteralPath $record)) {
            $null = New-Item -ItemType Directory -Path $state_dir -Force
            $priorServer = if ($null -ne $server) {
                [ordered]@{ RequireSecuritySignature = [bool]$server.RequireSecuritySignature; EnableSecuritySignature = [bool]$server.EnableSecuritySignature }
            } else { $null }
            $priorClient = [ordered]@{}
            foreach ($n in $clientNames) {
                if ($null -ne $item -and $null -ne $item.PSObject.Properties[$n]) {
                    $v = $item.PSObject.Properties[$n].Value
                    $kind = if ($v -is [int] -or $v -is [long] -or $v -is [uint32]) { 'DWord' } else { 'String' }
                    $priorClient[$n] = [ordered]@{ present = $true; kind = $kind; value = if ($kind -eq 'DWord') { [long]$v } else { [string]$v } }
                } else {
                    $priorClient[$n] = [ordered]@{ present = $false }
                }
            }
            [ordered]@{ runbook = 'RB-WIN-SEC-007'; recorded_utc = [datetime]::UtcNow.ToString('o'); server = $priorServer; client_key_existed = $keyExists; client = $priorClient } |
                ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $record -Encoding utf8
        }
    }
    if ($serverChanges.Count -gt 0) {
        Set-SmbServerConfiguration @serverChanges -Force
        $changed += @($serverChanges.Keys | ForEach-Object { "server:$_" })
    }
    if ($clientChanges.Count -gt 0) {
        if (-not $keyExists) { $null = New-Item -Path $clientKey -Force }
        foreach ($n in $clientChanges) {
            Set-ItemProperty -Path $clientKey -Name $n -Value 1 -Type DWord
            $changed += "client:$n"
        }
    }
} catch {
    Out-Result 'error' ([ordered]@{ changed = $changed }) ('SMB signing change failed (HRESULT 0x{0:X8})' -f $_.Exception.HResult) 'REMEDIATION_FAILED'
    exit 1
}
Out-Result 'pass' ([ordered]@{ changed = $changed }) $(if ($changed.Count) { 'SMB signing required: ' + ($changed -join ', ') } else { 'nothing to change' })
