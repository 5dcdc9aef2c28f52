# RB-WIN-SVC-003 check: the Print Spooler is disabled on domain controllers, running on print servers,
# and in the site's intended state elsewhere (not applicable when the site has no intention for the host).
param(
    [string]$service_name = 'Spooler',
    [string]$intended_state = 'auto',
    [bool]$allow_on_domain_controller = $false,
    [string]$print_role_feature = 'Print-Services',
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $state_dir

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [System.Collections.IDictionary]$Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

$observed = [ordered]@{
    is_domain_controller = $null; print_server_role = $null; intended_state = $null
    service_status = $null; start_type = $null; security_warning = $null
}
if ([WildcardPattern]::ContainsWildcardCharacters($service_name) -or [WildcardPattern]::ContainsWildcardCharacters($print_role_feature) -or
    @('auto', 'running', 'disabled') -notcontains $intended_state) {
    Out-Result 'error' $observed $null 'service_name and print_role_feature must be exact names and intended_state one of auto, running, disabled' 'INVALID_PARAMETER'
    exit 0
}
try {
    $cs = @(Get-CimInstance -ClassName Win32_ComputerSystem)[0]
    $isDc = [int]$cs.DomainRole -ge 4
} catch {
    Out-Result 'error' $observed $null 'the domain role of this host could not be read' 'CIM_UNAVAILABLE'
    exit 0
}
$observed['is_domain_controller'] = $isDc
$printRole = $false
if (Get-Command -Name Get-WindowsFeature -ErrorAction SilentlyContinue) {
    try {
        $printRole = @(Get-WindowsFeature -Name $print_role_feature | Where-Object { [string]$_.Name -eq $print_role_feature -and [bool]$_.Installed }).Count -gt 0
        $observed['print_server_role'] = $printRole
    } catch {
        Out-Result 'error' $observed $null 'the installed server roles could not be read' 'ROLE_QUERY_FAILED'
        exit 0
    }
}

$target = $null
if ($isDc -and -not $allow_on_domain_controller) { $target = 'disabled' }
elseif ($intended_state -ne 'auto') { $target = $intended_state }
elseif ($printRole) { $target = 'running' }
$observed['intended_state'] = $target

$svc = @(Get-Service -Name $service_name -ErrorAction SilentlyContinue | Where-Object { [string]$_.Name -eq $service_name })
if ($svc.Count -eq 0) {
    Out-Result 'error' $observed $null 'the Print Spooler service does not exist' 'SERVICE_MISSING'
    exit 0
}
$status = [string]$svc[0].Status
$startType = [string]$svc[0].StartType
$observed['service_status'] = $status
$observed['start_type'] = $startType
if ($isDc -and $status -eq 'Running') { $observed['security_warning'] = 'print spooler running on a domain controller' }

if ($null -eq $target) {
    Out-Result 'not_applicable' $observed $null 'this host is neither a domain controller nor a print server and intended_state is auto, so the spooler is left as it is' 'NO_INTENDED_STATE'
    exit 0
}
if ($target -eq 'disabled') {
    $expected = [ordered]@{ intended_state = 'disabled'; service_status = 'Stopped'; start_type = 'Disabled' }
    $ok = $status -eq 'Stopped' -and $startType -eq 'Disabled'
} else {
    $expected = [ordered]@{ intended_state = 'running'; service_status = 'Running'; start_type = 'Automatic or Manual' }
    $ok = $status -eq 'Running' -and $startType -ne 'Disabled'
}
if ($ok) {
    Out-Result 'pass' $observed $expected ('the Print Spooler is ' + $target + ' as intended')
} else {
    Out-Result 'fail' $observed $expected ('the Print Spooler should be ' + $target + ' but is ' + $status + ' with start type ' + $startType)
}
