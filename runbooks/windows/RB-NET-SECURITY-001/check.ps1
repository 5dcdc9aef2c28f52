# RB-NET-SECURITY-001 check: network posture for ePHI in transit. Fails when a firewall profile is off
# or allows inbound by default, a weak SSL/TLS version is not explicitly disabled (server and client
# side), a strong TLS version is disabled, or SMB encryption is off. Listeners on suspicious ports are
# reported as warnings (they are services to review, not settings to flip).
param(
    [string[]]$firewall_profiles = @('Domain', 'Private', 'Public'),
    [string[]]$weak_protocols = @('SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1'),
    [string[]]$strong_protocols = @('TLS 1.2'),
    [bool]$require_smb_encryption = $true,
    [int[]]$suspicious_ports = @(21, 23, 69, 137, 138, 139, 445, 3389),
    [int[]]$allowed_listening_ports = @(),
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $state_dir
$Schannel = 'HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols'

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

$issues = @()
$unknown = @()

$offProfiles = $null
$allowProfiles = $null
try {
    $fw = @(Get-NetFirewallProfile -Name $firewall_profiles)
    $offProfiles = @($fw | Where-Object { [string]$_.Enabled -ne 'True' } | ForEach-Object { [string]$_.Name })
    $allowProfiles = @($fw | Where-Object { [string]$_.DefaultInboundAction -eq 'Allow' } | ForEach-Object { [string]$_.Name })
    if ($offProfiles.Count) { $issues += 'FIREWALL_PROFILE_OFF' }
    if ($allowProfiles.Count) { $issues += 'FIREWALL_INBOUND_ALLOWED' }
} catch { $unknown += 'FIREWALL_UNREADABLE' }

$weakOn = $null
$strongOff = $null
try {
    if (-not (Test-Path -LiteralPath $Schannel)) { throw 'no SCHANNEL protocols key' }
    $weakOn = @()
    $strongOff = @()
    foreach ($p in $weak_protocols) {
        foreach ($side in 'Server', 'Client') {
            $v = Read-RegValue "$Schannel\$p\$side" 'Enabled'
            # Only an explicit Enabled = 0 disables a protocol; without it the OS default applies.
            if (-not ((Test-Integer $v) -and [long]$v -eq 0)) { $weakOn += "$p $side" }
        }
    }
    foreach ($p in $strong_protocols) {
        foreach ($side in 'Server', 'Client') {
            $en = Read-RegValue "$Schannel\$p\$side" 'Enabled'
            $dbd = Read-RegValue "$Schannel\$p\$side" 'DisabledByDefault'
            if (((Test-Integer $en) -and [long]$en -eq 0) -or ($null -ne $en -and -not (Test-Integer $en)) -or ((Test-Integer $dbd) -and [long]$dbd -ne 0)) { $strongOff += "$p $side" }
        }
    }
    if ($weakOn.Count) { $issues += 'WEAK_PROTOCOL_ENABLED' }
    if ($strongOff.Count) { $issues += 'STRONG_PROTOCOL_DISABLED' }
} catch { $unknown += 'SCHANNEL_UNREADABLE' }

$smb = $null
if ($require_smb_encryption) {
    if (Get-Command -Name Get-SmbServerConfiguration -ErrorAction SilentlyContinue) {
        try {
            $smb = [bool](Get-SmbServerConfiguration).EncryptData
            if (-not $smb) { $issues += 'SMB_ENCRYPTION_OFF' }
        } catch { $unknown += 'SMB_UNREADABLE' }
    } else { $unknown += 'SMB_CMDLETS_UNAVAILABLE' }
}

# Warnings only: suspicious listeners the site has not accepted.
$flagged = $null
if ((Get-Command -Name Get-NetTCPConnection -ErrorAction SilentlyContinue) -and (Get-Command -Name Get-NetUDPEndpoint -ErrorAction SilentlyContinue)) {
    $ports = @(Get-NetTCPConnection -State Listen -ErrorAction SilentlyContinue | ForEach-Object { [int]$_.LocalPort })
    $ports += @(Get-NetUDPEndpoint -ErrorAction SilentlyContinue | ForEach-Object { [int]$_.LocalPort })
    $flagged = @($ports | Where-Object { $suspicious_ports -contains $_ -and $allowed_listening_ports -notcontains $_ } | Sort-Object -Unique)
}

$status = if ($issues.Count) { 'fail' } elseif ($unknown.Count) { 'error' } else { 'pass' }
$message = 'firewall, TLS versions and SMB encryption comply'
if ($status -eq 'fail') { $message = 'network security drift: ' + ($issues -join ', ') }
if ($status -eq 'error') { $message = 'network security could not be fully checked: ' + ($unknown -join ', ') }
if ($null -ne $flagged -and $flagged.Count) { $message += '; review listeners on ports ' + ($flagged -join ', ') }
$result = [ordered]@{
    status   = $status
    observed = [ordered]@{
        disabled_firewall_profiles = $offProfiles
        allow_inbound_profiles     = $allowProfiles
        weak_protocols_enabled     = $weakOn
        strong_protocols_disabled  = $strongOff
        smb_encryption             = $smb
        flagged_listening_ports    = $flagged
        issues                     = $issues
        undecided                  = $unknown
    }
    expected = [ordered]@{ disabled_firewall_profiles = @(); allow_inbound_profiles = @(); weak_protocols_enabled = @(); strong_protocols_disabled = @(); smb_encryption = $require_smb_encryption }
    message  = $message
}
if ($status -eq 'error') { $result.reason_code = 'PARTIAL_READ' }
$result | ConvertTo-Json -Compress -Depth 4
