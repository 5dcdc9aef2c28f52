# RB-NET-SECURITY-001 rollback: restore the firewall profile settings, SCHANNEL values and SMB
# encryption setting recorded before remediation, then remove the record. Registry keys the remediation
# created stay, empty (an empty key means the OS default, as before).
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
$null = $firewall_profiles, $weak_protocols, $strong_protocols, $require_smb_encryption, $suspicious_ports, $allowed_listening_ports

function ConvertTo-Int32($v) { $n = [long]$v; if ($n -gt [int]::MaxValue) { $n -= 4294967296L }; return [int]$n }
function Restore-RegEntry($e) {
    $path = [string]$e.path
    $name = [string]$e.name
    if ($e.present) {
        if (-not (Test-Path -LiteralPath $path)) { $null = New-Item -Path $path -Force }
        $kind = [string]$e.kind
        if ($kind -eq 'DWord') { $value = ConvertTo-Int32 $e.value }
        elseif ($kind -eq 'QWord') { $value = [long]$e.value }
        elseif ($kind -eq 'MultiString') { $value = [string[]]@($e.value) }
        elseif ($kind -eq 'Binary') { $value = [byte[]]@($e.value) }
        else { $value = [string]$e.value }
        $null = New-ItemProperty -LiteralPath $path -Name $name -Value $value -PropertyType $kind -Force
    } elseif (Test-Path -LiteralPath $path) {
        $item = Get-ItemProperty -LiteralPath $path
        if ($null -ne $item -and $null -ne $item.PSObject.Properties[$name]) { Remove-ItemProperty -LiteralPath $path -Name $name }
    }
}

$record = Join-Path -Path $state_dir -ChildPath 'RB-NET-SECURITY-001.json'
if (-not (Test-Path -LiteralPath $record)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved settings to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$values = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).values)
foreach ($e in $values) {
    if ($e.store -eq 'firewall') { Set-NetFirewallProfile -Name ([string]$e.name) -Enabled ([string]$e.enabled) -DefaultInboundAction ([string]$e.inbound) }
    elseif ($e.store -eq 'registry') { Restore-RegEntry $e }
    elseif ($e.store -eq 'smb') { Set-SmbServerConfiguration -EncryptData ([bool]$e.value) -Force -Confirm:$false }
}
Remove-Item -LiteralPath $record
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ restored_count = $values.Count }
    message  = 'firewall, SCHANNEL and SMB settings restored from the saved values; reboot to apply the SCHANNEL values'
} | ConvertTo-Json -Compress -Depth 4
