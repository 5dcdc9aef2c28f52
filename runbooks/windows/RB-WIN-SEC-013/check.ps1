# RB-WIN-SEC-013 check: LSA protection is configured (Lsa RunAsPPL = 1 or 2), so LSASS runs as a
# protected process and its credentials cannot be read by ordinary admin-level malware. Credential
# Guard (virtualisation-based) state is reported for information; it needs hardware and firmware setup.
param(
    [int]$run_as_ppl = 1,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $run_as_ppl, $state_dir
$Lsa = 'HKLM:\SYSTEM\CurrentControlSet\Control\Lsa'

function Read-RegValue([string]$Path, [string]$Name) {
    if (-not (Test-Path -LiteralPath $Path)) { return $null }
    $item = Get-ItemProperty -LiteralPath $Path
    if ($null -eq $item) { return $null }
    $p = $item.PSObject.Properties[$Name]
    if ($null -eq $p) { return $null }
    return , $p.Value
}
function Test-Integer($v) { return ($v -is [int] -or $v -is [long] -or $v -is [uint32]) }
function Format-Observed($v) {
    if ($null -eq $v) { return $null }
    if (Test-Integer $v) { return [long]$v }
    $s = [string]$v
    if ($s.Length -gt 200) { $s = $s.Substring(0, 200) }
    return $s
}

try {
    if (-not (Test-Path -LiteralPath $Lsa)) {
        [ordered]@{ status = 'error'; observed = @{}; message = 'the Lsa registry key is missing or unreadable'; reason_code = 'LSA_KEY_MISSING' } | ConvertTo-Json -Compress
        exit 0
    }
    $ppl = Read-RegValue $Lsa 'RunAsPPL'
} catch {
    [ordered]@{ status = 'error'; observed = @{}; message = 'the LSA protection setting could not be read'; reason_code = 'REGISTRY_UNREADABLE' } | ConvertTo-Json -Compress
    exit 0
}

# Credential Guard / VBS, for information only (null when this Windows has no Device Guard provider).
$cgConfigured = $null
$cgRunning = $null
$vbs = $null
try {
    $dg = @(Get-CimInstance -Namespace 'root\Microsoft\Windows\DeviceGuard' -ClassName Win32_DeviceGuard -ErrorAction Stop)[0]
    if ($null -ne $dg) {
        $cgConfigured = @($dg.SecurityServicesConfigured) -contains 1
        $cgRunning = @($dg.SecurityServicesRunning) -contains 1
        $vbs = [long]$dg.VirtualizationBasedSecurityStatus
    }
} catch {
    $cgConfigured = $null
}

$protected = (Test-Integer $ppl) -and (@(1, 2) -contains [int]$ppl)
$status = if ($protected) { 'pass' } else { 'fail' }
[ordered]@{
    status   = $status
    observed = [ordered]@{
        lsa_protection              = Format-Observed $ppl
        lsa_protection_enabled      = $protected
        credential_guard_configured = $cgConfigured
        credential_guard_running    = $cgRunning
        vbs_status                  = $vbs
    }
    expected = [ordered]@{ lsa_protection = '1 or 2'; lsa_protection_enabled = $true }
    message  = if ($protected) { 'LSA protection (RunAsPPL) is configured' } else { 'LSA protection (RunAsPPL) is not configured' }
} | ConvertTo-Json -Compress -Depth 4
