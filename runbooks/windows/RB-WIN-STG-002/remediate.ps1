# RB-WIN-STG-002 remediate: record the VSS start type once, set a Disabled VSS back to Manual, create a
# shadow storage area when the volume has none, and create shadow copies up to min_shadow_copies.
# Everything created is added to the record so rollback can delete exactly that. Idempotent.
param(
    [string]$service_name = 'VSS',
    [string]$system_drive_letter = 'C',
    [int]$shadow_storage_percent = 10,
    [int]$min_shadow_copies = 1,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
function Invoke-Vssadmin([string[]]$ArgumentList) {
    $prev = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try { return @(vssadmin.exe @ArgumentList 2>&1 | ForEach-Object { [string]$_ }) } finally { $ErrorActionPreference = $prev }
}
function Get-ShadowCount([string]$Drive) {
    return @(Invoke-Vssadmin @('list', 'shadows', ('/for=' + $Drive)) | Where-Object { $_ -match '^\s*Shadow Copy ID:\s*\{' }).Count
}
function Save-Record($Record, [string]$Path) {
    ConvertTo-Json -InputObject $Record -Depth 4 | Set-Content -LiteralPath $Path -Encoding utf8
}

$observed = [ordered]@{ changes = @(); shadow_copy_count = $null; failed_writer_count = $null }
if ([WildcardPattern]::ContainsWildcardCharacters($service_name) -or $system_drive_letter -notmatch '^[A-Za-z]$') {
    Out-Result 'error' $observed 'service_name must be an exact name and system_drive_letter one letter' 'INVALID_PARAMETER'
    exit 1
}
if (-not (Get-Command -Name vssadmin.exe -ErrorAction SilentlyContinue)) {
    Out-Result 'error' $observed 'vssadmin.exe is not available' 'VSSADMIN_UNAVAILABLE'
    exit 1
}
$drive = $system_drive_letter.ToUpperInvariant() + ':'
$svc = Get-Service -Name $service_name

$recordPath = Join-Path -Path $state_dir -ChildPath 'RB-WIN-STG-002.json'
if (Test-Path -LiteralPath $recordPath) {
    $prior = Get-Content -LiteralPath $recordPath -Raw | ConvertFrom-Json
    $record = [ordered]@{
        service_name = [string]$prior.service_name; status = [string]$prior.status; start_type = [string]$prior.start_type
        drive = [string]$prior.drive; created_storage = [bool]$prior.created_storage; created_shadows = @($prior.created_shadows | ForEach-Object { [string]$_ })
    }
} else {
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    $record = [ordered]@{
        service_name = $service_name; status = [string]$svc.Status; start_type = [string]$svc.StartType
        drive = $drive; created_storage = $false; created_shadows = @()
    }
    Save-Record $record $recordPath
}

$changes = @()
if ([string]$svc.StartType -eq 'Disabled') {
    Set-Service -Name $service_name -StartupType Manual
    $changes += 'start_type=Manual'
}

if ($min_shadow_copies -gt 0) {
    $storage = Invoke-Vssadmin @('list', 'shadowstorage')
    if (-not ($storage | Where-Object { $_ -match ('^\s*For volume:\s*\(' + [regex]::Escape($drive) + '\)') })) {
        $disk = @(Get-CimInstance -ClassName Win32_LogicalDisk | Where-Object { [string]$_.DeviceID -ieq $drive })
        if ($disk.Count -eq 0 -or [double]$disk[0].Size -le 0) {
            $observed['changes'] = $changes
            Out-Result 'error' $observed "the size of $drive could not be read" 'VOLUME_NOT_FOUND'
            exit 1
        }
        $maxSpace = [uint64]([double]$disk[0].Size * $shadow_storage_percent / 100)
        $res = Invoke-CimMethod -ClassName Win32_ShadowStorage -MethodName Create -Arguments @{ Volume = $drive + '\'; DiffVolume = $drive + '\'; MaxSpace = $maxSpace }
        if ([int]$res.ReturnValue -ne 0) {
            $observed['changes'] = $changes
            Out-Result 'error' $observed ('creating the shadow storage area failed with code ' + [int]$res.ReturnValue) 'STORAGE_CREATE_FAILED'
            exit 1
        }
        $record['created_storage'] = $true
        Save-Record $record $recordPath
        $changes += "shadow_storage=$shadow_storage_percent%"
    }
    $have = Get-ShadowCount $drive
    while ($have -lt $min_shadow_copies) {
        $res = Invoke-CimMethod -ClassName Win32_ShadowCopy -MethodName Create -Arguments @{ Volume = $drive + '\'; Context = 'ClientAccessible' }
        if ([int]$res.ReturnValue -ne 0) {
            $observed['changes'] = $changes
            Out-Result 'error' $observed ('creating a shadow copy failed with code ' + [int]$res.ReturnValue) 'SHADOW_CREATE_FAILED'
            exit 1
        }
        $record['created_shadows'] = @($record['created_shadows']) + [string]$res.ShadowID
        Save-Record $record $recordPath
        $changes += 'shadow_copy_created'
        $have = Get-ShadowCount $drive
    }
    $observed['shadow_copy_count'] = $have
}

$writers = Invoke-Vssadmin @('list', 'writers')
$failed = @($writers | Where-Object { $_ -match '^\s*Last error:\s*(.*\S)\s*$' -and $Matches[1] -ne 'No error' }).Count
$observed['failed_writer_count'] = $failed
$observed['changes'] = $changes
if ($failed -gt 0) {
    Out-Result 'error' $observed "$failed VSS writers are in error; restart the services that own them (not done automatically)" 'WRITERS_FAILED'
    exit 1
}
Out-Result 'pass' $observed $(if ($changes.Count) { 'VSS: ' + ($changes -join ', ') } else { 'nothing to change' })
