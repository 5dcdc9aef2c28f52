# RB-WIN-SEC-007 check: the SMB server requires and enables signing, the SMB client requires it.
param(
    [bool]$require_server_signing = $true,
    [bool]$require_client_signing = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $state_dir
$clientKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\LanmanWorkstation\Parameters'

function Out-Result([string]$Status, $Observed, $Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
# A registry value as evidence: integers as numbers, anything else as (shortened) text, absent as null.
function Read-Dword($Item, [string]$Name) {
    if ($null -eq $Item -or $null -eq $Item.PSObject.Properties[$Name]) { return $null }
    $v = $Item.PSObject.Properties[$Name].Value
    if ($v -is [int] -or $v -is [long] -or $v -is [uint32]) { return [long]$v }
    $text = [string]$v
    if ($text.Length -gt 200) { $text = $text.Substring(0, 200) }
    return $text
}

$observed = [ordered]@{}
$issues = @()
if ($require_server_signing) {
    if (-not (Get-Command -Name Get-SmbServerConfiguration -ErrorAction SilentlyContinue)) {
        Out-Result 'error' @{} $null 'Get-SmbServerConfiguration is not available on this host' 'SMB_UNAVAILABLE'
        exit 0
    }
    try {
        $server = Get-SmbServerConfiguration
    } catch {
        Out-Result 'error' @{} $null ('the SMB server configuration could not be read (HRESULT 0x{0:X8}); is the Server service running?' -f $_.Exception.HResult) 'SMB_SERVER_UNREADABLE'
        exit 0
    }
    $observed['server_require_signing'] = [bool]$server.RequireSecuritySignature
    $observed['server_enable_signing'] = [bool]$server.EnableSecuritySignature
    if (-not $observed.server_require_signing) { $issues += 'server_signing_not_required' }
    if (-not $observed.server_enable_signing) { $issues += 'server_signing_not_enabled' }
}
if ($require_client_signing) {
    $item = Get-ItemProperty -Path $clientKey -ErrorAction SilentlyContinue
    $observed['client_require_signing'] = Read-Dword $item 'RequireSecuritySignature'
    $observed['client_enable_signing'] = Read-Dword $item 'EnableSecuritySignature'
    if ($observed.client_require_signing -isnot [long] -or $observed.client_require_signing -ne 1) { $issues += 'client_signing_not_required' }
    if ($observed.client_enable_signing -isnot [long] -or $observed.client_enable_signing -ne 1) { $issues += 'client_signing_not_enabled' }
}
$observed['issues'] = $issues
$expected = [ordered]@{}
if ($require_server_signing) { $expected['server_require_signing'] = $true; $expected['server_enable_signing'] = $true }
if ($require_client_signing) { $expected['client_require_signing'] = 1; $expected['client_enable_signing'] = 1 }
$expected['issues'] = @()
if ($issues.Count -eq 0) {
    Out-Result 'pass' $observed $expected 'SMB signing is required'
} else {
    Out-Result 'fail' $observed $expected ('SMB signing drift: ' + ($issues -join ', '))
}
