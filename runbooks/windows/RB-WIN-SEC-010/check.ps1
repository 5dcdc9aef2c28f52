# RB-WIN-SEC-010 check: when Remote Desktop is enabled, connections require Network Level
# Authentication, TLS (SecurityLayer) and a minimum encryption level. Group Policy values
# (SOFTWARE\Policies\...\Terminal Services) win over the listener's own values, as in Windows.
param(
    [int]$security_layer = 2,
    [int]$min_encryption_level = 3,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $state_dir
$Ts = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server'
$Rdp = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$Pol = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'

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
function Write-Result([string]$Status, [string]$Message, [string]$Reason, $Observed) {
    [ordered]@{ status = $Status; observed = $Observed; message = $Message; reason_code = $Reason } | ConvertTo-Json -Compress -Depth 4
}

try {
    if (-not (Test-Path -LiteralPath $Ts)) { Write-Result 'error' 'the Terminal Server registry key is missing or unreadable' 'REGISTRY_UNREADABLE' @{}; exit 0 }
    $deny = Read-RegValue $Pol 'fDenyTSConnections'
    if (-not (Test-Integer $deny)) { $deny = Read-RegValue $Ts 'fDenyTSConnections' }
    # Without a value Windows denies Remote Desktop connections.
    if (-not (Test-Integer $deny) -or [long]$deny -ne 0) {
        Write-Result 'not_applicable' 'Remote Desktop is disabled on this host' 'RDP_DISABLED' ([ordered]@{ rdp_enabled = $false })
        exit 0
    }
    if (-not (Test-Path -LiteralPath $Rdp)) { Write-Result 'error' 'Remote Desktop is enabled but the RDP-Tcp listener settings are missing' 'RDP_LISTENER_MISSING' ([ordered]@{ rdp_enabled = $true }); exit 0 }
    $effective = [ordered]@{}
    $fromPolicy = @()
    foreach ($name in 'UserAuthentication', 'SecurityLayer', 'MinEncryptionLevel') {
        $v = Read-RegValue $Pol $name
        if (Test-Integer $v) { $fromPolicy += $name } else { $v = Read-RegValue $Rdp $name }
        $effective[$name] = $v
    }
} catch {
    Write-Result 'error' 'the Remote Desktop settings could not be read' 'REGISTRY_UNREADABLE' @{}
    exit 0
}

$issues = @()
$ua = $effective['UserAuthentication']
$sl = $effective['SecurityLayer']
$mel = $effective['MinEncryptionLevel']
if (-not ((Test-Integer $ua) -and [long]$ua -eq 1)) { $issues += 'NLA_DISABLED' }
if (-not (Test-Integer $sl) -or [long]$sl -lt $security_layer) { $issues += 'SECURITY_LAYER' }
if (-not (Test-Integer $mel) -or [long]$mel -lt $min_encryption_level) { $issues += 'MIN_ENCRYPTION_LEVEL' }
$map = @{ NLA_DISABLED = 'UserAuthentication'; SECURITY_LAYER = 'SecurityLayer'; MIN_ENCRYPTION_LEVEL = 'MinEncryptionLevel' }
$policyBlocked = @($issues | Where-Object { $fromPolicy -contains $map[$_] } | ForEach-Object { $map[$_] })

$status = if ($issues.Count -eq 0) { 'pass' } else { 'fail' }
[ordered]@{
    status   = $status
    observed = [ordered]@{
        rdp_enabled          = $true
        nla_enabled          = Format-Observed $ua
        security_layer       = Format-Observed $sl
        min_encryption_level = Format-Observed $mel
        policy_managed       = $fromPolicy
        policy_blocked       = $policyBlocked
        issues               = $issues
    }
    expected = [ordered]@{ nla_enabled = 1; security_layer = ">= $security_layer"; min_encryption_level = ">= $min_encryption_level"; issues = @() }
    message  = if ($status -eq 'pass') { 'Remote Desktop requires NLA and TLS' } else { 'Remote Desktop security drift: ' + ($issues -join ', ') }
} | ConvertTo-Json -Compress -Depth 4
