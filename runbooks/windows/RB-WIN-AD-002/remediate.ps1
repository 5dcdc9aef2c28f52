# RB-WIN-AD-002 remediate: repair a broken secure channel with the computer's current credentials, then
# reset a machine password older than max_password_age_days. Uses no other credentials and prints none.
# Not reversible (no rollback). Idempotent: a valid channel with a young password is left alone.
param(
    [int]$max_password_age_days = 45,
    [string]$domain_controller = ''
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
function Get-MachinePasswordAgeDays {
    $item = Get-ItemProperty -Path 'HKLM:\SECURITY\Policy\Secrets\$MACHINE.ACC\CupdTime' -ErrorAction SilentlyContinue
    if ($null -eq $item -or -not $item.PSObject.Properties['(default)']) { return $null }
    $bytes = [byte[]]@($item.'(default)' | ForEach-Object { [byte]$_ })
    if ($bytes.Count -lt 8) { return $null }
    $changed = [DateTime]::FromFileTimeUtc([BitConverter]::ToInt64($bytes, 0))
    return [math]::Round(([DateTime]::UtcNow - $changed).TotalDays, 1)
}
$manual = 'an engineer must rejoin the domain or reset the computer account with domain-admin rights'

$observed = [ordered]@{ changes = @() }
if ($domain_controller -and $domain_controller -notmatch '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$') {
    Out-Result 'error' $observed 'domain_controller must be a host name' 'INVALID_PARAMETER'
    exit 1
}
try {
    $joined = [bool](@(Get-CimInstance -ClassName Win32_ComputerSystem)[0].PartOfDomain)
} catch {
    Out-Result 'error' $observed 'domain membership could not be read' 'CIM_UNAVAILABLE'
    exit 1
}
if (-not $joined) {
    Out-Result 'not_applicable' $observed 'this host is not a domain member; nothing to repair' 'NOT_DOMAIN_JOINED'
    exit 0
}
if (-not (Get-Command -Name Test-ComputerSecureChannel -ErrorAction SilentlyContinue) -or -not (Get-Command -Name Reset-ComputerMachinePassword -ErrorAction SilentlyContinue)) {
    Out-Result 'error' $observed 'the secure-channel cmdlets are not available (they need Windows PowerShell 5.1)' 'SECURE_CHANNEL_CMDLET_UNAVAILABLE'
    exit 1
}
$server = @{}
if ($domain_controller) { $server['Server'] = $domain_controller }

$changes = @()
try {
    $valid = [bool](Test-ComputerSecureChannel @server)
} catch {
    Out-Result 'error' $observed 'no domain controller could be reached to verify the secure channel; nothing changed' 'DC_UNREACHABLE'
    exit 1
}
if (-not $valid) {
    $repaired = $false
    try { $repaired = [bool](Test-ComputerSecureChannel -Repair @server) } catch { $repaired = $false }
    if (-not $repaired) {
        Out-Result 'error' $observed ('repairing the secure channel with the computer''s own credentials failed; ' + $manual) 'REPAIR_FAILED'
        exit 1
    }
    $changes += 'secure channel repaired'
}
$age = Get-MachinePasswordAgeDays
if ($null -ne $age -and $age -gt $max_password_age_days) {
    try {
        Reset-ComputerMachinePassword @server
    } catch {
        $observed['changes'] = $changes
        Out-Result 'error' $observed ('resetting the machine password failed; ' + $manual) 'PASSWORD_RESET_FAILED'
        exit 1
    }
    $changes += 'machine password reset'
}
$observed['changes'] = $changes
Out-Result 'pass' $observed $(if ($changes.Count) { 'computer account: ' + ($changes -join ', ') } else { 'nothing to change' })
