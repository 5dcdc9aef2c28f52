# RB-WIN-SVC-003 remediate: bring the Print Spooler to its intended state (stop + disable, or enable +
# start). Records the prior state once; does nothing where no state is intended; idempotent.
param(
    [string]$service_name = 'Spooler',
    [string]$intended_state = 'auto',
    [bool]$allow_on_domain_controller = $false,
    [string]$print_role_feature = 'Print-Services',
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

$observed = [ordered]@{ intended_state = $null; changes = @() }
if ([WildcardPattern]::ContainsWildcardCharacters($service_name) -or [WildcardPattern]::ContainsWildcardCharacters($print_role_feature) -or
    @('auto', 'running', 'disabled') -notcontains $intended_state) {
    Out-Result 'error' $observed 'service_name and print_role_feature must be exact names and intended_state one of auto, running, disabled' 'INVALID_PARAMETER'
    exit 1
}
try {
    $isDc = [int](@(Get-CimInstance -ClassName Win32_ComputerSystem)[0].DomainRole) -ge 4
} catch {
    Out-Result 'error' $observed 'the domain role of this host could not be read' 'CIM_UNAVAILABLE'
    exit 1
}
$printRole = $false
if (Get-Command -Name Get-WindowsFeature -ErrorAction SilentlyContinue) {
    $printRole = @(Get-WindowsFeature -Name $print_role_feature | Where-Object { [string]$_.Name -eq $print_role_feature -and [bool]$_.Installed }).Count -gt 0
}
$target = $null
if ($isDc -and -not $allow_on_domain_controller) { $target = 'disabled' }
elseif ($intended_state -ne 'auto') { $target = $intended_state }
elseif ($printRole) { $target = 'running' }
$observed['intended_state'] = $target
if ($null -eq $target) {
    Out-Result 'not_applicable' $observed 'no intended spooler state for this host; nothing changed' 'NO_INTENDED_STATE'
    exit 0
}

$svc = Get-Service -Name $service_name
$status = [string]$svc.Status
$startType = [string]$svc.StartType
$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SVC-003.json'
if (-not (Test-Path -LiteralPath $record)) {
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    ConvertTo-Json -InputObject ([ordered]@{ service_name = $service_name; status = $status; start_type = $startType }) |
        Set-Content -LiteralPath $record -Encoding utf8
}

$changes = @()
if ($target -eq 'disabled') {
    if ($status -ne 'Stopped') {
        Stop-Service -Name $service_name -Force
        $changes += 'stopped'
    }
    if ($startType -ne 'Disabled') {
        Set-Service -Name $service_name -StartupType Disabled
        $changes += 'start_type=Disabled'
    }
} else {
    if ($startType -eq 'Disabled') {
        Set-Service -Name $service_name -StartupType Automatic
        $changes += 'start_type=Automatic'
    }
    if ($status -ne 'Running') {
        Start-Service -Name $service_name
        $changes += 'started'
    }
}
$observed['changes'] = $changes
Out-Result 'pass' $observed $(if ($changes.Count) { 'Print Spooler ' + $target + ': ' + ($changes -join ', ') } else { 'nothing to change' })
