# RB-WIN-AD-002 check: on a domain member, the secure channel verifies and the machine password is younger
# than max_password_age_days. Never reads or prints any credential.
param(
    [int]$max_password_age_days = 45,
    [string]$domain_controller = ''
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [System.Collections.IDictionary]$Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
# Days since the machine password last changed, from the FILETIME in the LSA secret's CupdTime; $null if unreadable.
function Get-MachinePasswordAgeDays {
    $item = Get-ItemProperty -Path 'HKLM:\SECURITY\Policy\Secrets\$MACHINE.ACC\CupdTime' -ErrorAction SilentlyContinue
    if ($null -eq $item -or -not $item.PSObject.Properties['(default)']) { return $null }
    $bytes = [byte[]]@($item.'(default)' | ForEach-Object { [byte]$_ })
    if ($bytes.Count -lt 8) { return $null }
    $changed = [DateTime]::FromFileTimeUtc([BitConverter]::ToInt64($bytes, 0))
    return [math]::Round(([DateTime]::UtcNow - $changed).TotalDays, 1)
}

$observed = [ordered]@{ domain_joined = $null; dc_reachable = $null; secure_channel_valid = $null; password_age_days = $null; drift_reason = $null }
if ($domain_controller -and $domain_controller -notmatch '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$') {
    Out-Result 'error' $observed $null 'domain_controller must be a host name' 'INVALID_PARAMETER'
    exit 0
}
try {
    $cs = @(Get-CimInstance -ClassName Win32_ComputerSystem)[0]
} catch {
    Out-Result 'error' $observed $null 'domain membership could not be read' 'CIM_UNAVAILABLE'
    exit 0
}
$observed['domain_joined'] = [bool]$cs.PartOfDomain
if (-not $observed['domain_joined']) {
    Out-Result 'not_applicable' $observed $null 'this host is not a domain member' 'NOT_DOMAIN_JOINED'
    exit 0
}
if (-not (Get-Command -Name Test-ComputerSecureChannel -ErrorAction SilentlyContinue)) {
    Out-Result 'error' $observed $null 'Test-ComputerSecureChannel is not available (it needs Windows PowerShell 5.1)' 'SECURE_CHANNEL_CMDLET_UNAVAILABLE'
    exit 0
}
if (Get-Command -Name nltest.exe -ErrorAction SilentlyContinue) {
    $prev = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try {
        $argv = @('/dsgetdc:' + [string]$cs.Domain)
        $out = @(nltest.exe @argv 2>&1 | ForEach-Object { [string]$_ })
    } finally {
        $ErrorActionPreference = $prev
    }
    $observed['dc_reachable'] = @($out | Where-Object { $_ -match '^\s*DC:\s*\\\\\S' }).Count -gt 0
}
try {
    $tcsc = @{}
    if ($domain_controller) { $tcsc['Server'] = $domain_controller }
    $observed['secure_channel_valid'] = [bool](Test-ComputerSecureChannel @tcsc)
} catch {
    $observed['secure_channel_valid'] = $null
}
$observed['password_age_days'] = Get-MachinePasswordAgeDays

$reasons = @()
if ($observed['secure_channel_valid'] -eq $false) { $reasons += 'secure_channel_broken' }
if ($null -ne $observed['password_age_days'] -and $observed['password_age_days'] -gt $max_password_age_days) { $reasons += 'password_too_old' }
$expected = [ordered]@{ secure_channel_valid = $true; password_age_days = "<= $max_password_age_days" }
if ($reasons.Count) {
    $observed['drift_reason'] = $reasons -join ','
    Out-Result 'fail' $observed $expected ('computer account drift: ' + ($reasons -join ', '))
} elseif ($null -eq $observed['secure_channel_valid']) {
    if ($observed['dc_reachable'] -eq $false) {
        Out-Result 'error' $observed $expected 'no domain controller answers, so the secure channel cannot be verified' 'DC_UNREACHABLE'
    } else {
        Out-Result 'error' $observed $expected 'the secure channel could not be verified' 'SECURE_CHANNEL_UNKNOWN'
    }
} elseif ($null -eq $observed['password_age_days']) {
    Out-Result 'error' $observed $expected 'the machine password age could not be read (the agent must run as SYSTEM)' 'PASSWORD_AGE_UNREADABLE'
} else {
    Out-Result 'pass' $observed $expected ('secure channel valid; machine password ' + $observed['password_age_days'] + ' days old')
}
