# RB-WIN-SEC-008 check: LM/NTLMv1 are refused (LmCompatibilityLevel), no LM hashes are stored (NoLMHash),
# and NTLM sessions require NTLMv2 session security and 128-bit encryption (NtlmMinClientSec and
# NtlmMinServerSec under Lsa\MSV1_0, where Windows reads them).
param(
    [int]$min_lm_compatibility_level = 3,
    [int]$lm_compatibility_level = 5,
    [bool]$no_lm_hash = $true,
    [int]$ntlm_min_client_sec = 537395200,
    [int]$ntlm_min_server_sec = 537395200,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $lm_compatibility_level, $state_dir
$Lsa = 'HKLM:\SYSTEM\CurrentControlSet\Control\Lsa'
$Msv = 'HKLM:\SYSTEM\CurrentControlSet\Control\Lsa\MSV1_0'

function Read-RegValue([string]$Path, [string]$Name) {
    if (-not (Test-Path -LiteralPath $Path)) { return $null }
    $item = Get-ItemProperty -LiteralPath $Path
    if ($null -eq $item) { return $null }
    $p = $item.PSObject.Properties[$Name]
    if ($null -eq $p) { return $null }
    return , $p.Value
}
function Test-Integer($v) { return ($v -is [int] -or $v -is [long] -or $v -is [uint32]) }
# Registry data as a flat observed value: numbers stay numbers, anything else becomes short text.
function Format-Observed($v) {
    if ($null -eq $v) { return $null }
    if (Test-Integer $v) { return [long]$v }
    $s = [string]$v
    if ($s.Length -gt 200) { $s = $s.Substring(0, 200) }
    return $s
}
function Test-Bits($v, [long]$Required) { return (Test-Integer $v) -and (([long]$v -band $Required) -eq $Required) }

try {
    if (-not (Test-Path -LiteralPath $Lsa)) {
        [ordered]@{ status = 'error'; observed = @{}; message = 'the Lsa registry key is missing or unreadable'; reason_code = 'LSA_KEY_MISSING' } | ConvertTo-Json -Compress
        exit 0
    }
    $level = Read-RegValue $Lsa 'LmCompatibilityLevel'
    $noLm = Read-RegValue $Lsa 'NoLMHash'
    $client = Read-RegValue $Msv 'NtlmMinClientSec'
    $server = Read-RegValue $Msv 'NtlmMinServerSec'
    $legacy = @('NtlmMinClientSec', 'NtlmMinServerSec' | Where-Object { $null -ne (Read-RegValue $Lsa $_) })
} catch {
    [ordered]@{ status = 'error'; observed = @{}; message = 'the NTLM settings could not be read'; reason_code = 'REGISTRY_UNREADABLE' } | ConvertTo-Json -Compress
    exit 0
}

$issues = @()
if (-not (Test-Integer $level) -or [long]$level -lt $min_lm_compatibility_level) { $issues += 'LM_COMPATIBILITY_LEVEL' }
if ($no_lm_hash -and -not ((Test-Integer $noLm) -and [long]$noLm -eq 1)) { $issues += 'NO_LM_HASH' }
if (-not (Test-Bits $client $ntlm_min_client_sec)) { $issues += 'NTLM_MIN_CLIENT_SEC' }
if (-not (Test-Bits $server $ntlm_min_server_sec)) { $issues += 'NTLM_MIN_SERVER_SEC' }

$status = if ($issues.Count -eq 0) { 'pass' } else { 'fail' }
[ordered]@{
    status   = $status
    observed = [ordered]@{
        lm_compatibility_level = Format-Observed $level
        no_lm_hash             = Format-Observed $noLm
        ntlm_min_client_sec    = Format-Observed $client
        ntlm_min_server_sec    = Format-Observed $server
        legacy_lsa_values      = $legacy
        issues                 = $issues
    }
    expected = [ordered]@{
        lm_compatibility_level = ">= $min_lm_compatibility_level"
        no_lm_hash             = if ($no_lm_hash) { 1 } else { 'any' }
        ntlm_min_client_sec    = "all bits of $ntlm_min_client_sec"
        ntlm_min_server_sec    = "all bits of $ntlm_min_server_sec"
        issues                 = @()
    }
    message  = if ($status -eq 'pass') { 'NTLM settings refuse LM/NTLMv1 and require NTLMv2 session security' } else { 'NTLM settings drift: ' + ($issues -join ', ') }
} | ConvertTo-Json -Compress -Depth 4
