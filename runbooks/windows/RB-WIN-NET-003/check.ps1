# RB-WIN-NET-003 check: no connected network uses the Public profile on a domain-joined machine or a
# server (ProductType 2/3), where Public usually means network detection went wrong and the firewall
# rules for the clinic network (file shares, management) are not in force.
param(
    [bool]$skip_mobile = $true,
    [bool]$include_standalone_workstations = $false,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $state_dir

function Write-Result([string]$Status, [string]$Message, [string]$Reason, $Observed) {
    [ordered]@{ status = $Status; observed = $Observed; message = $Message; reason_code = $Reason } | ConvertTo-Json -Compress -Depth 4
}
if (-not (Get-Command -Name Get-NetConnectionProfile -ErrorAction SilentlyContinue)) {
    Write-Result 'error' 'Get-NetConnectionProfile is not available on this host' 'NETWORK_CMDLETS_UNAVAILABLE' @{}
    exit 0
}
try {
    $cs = @(Get-CimInstance -ClassName Win32_ComputerSystem)[0]
    $os = @(Get-CimInstance -ClassName Win32_OperatingSystem)[0]
    $domain = [bool]$cs.PartOfDomain
    $productType = [int]$os.ProductType
    $mobile = [int]$cs.PCSystemType -eq 2
} catch {
    Write-Result 'error' 'the computer role could not be read' 'HOST_INFO_UNREADABLE' @{}
    exit 0
}
$scope = [ordered]@{ is_domain_joined = $domain; product_type = $productType; is_mobile = $mobile }
$inScope = ($domain -or $productType -ne 1 -or $include_standalone_workstations) -and -not ($mobile -and $skip_mobile)
if (-not $inScope) {
    Write-Result 'not_applicable' 'a standalone workstation or a laptop may use the Public profile' 'NOT_IN_SCOPE' $scope
    exit 0
}
try {
    $profiles = @(Get-NetConnectionProfile)
} catch {
    if ($_.FullyQualifiedErrorId -like 'CmdletizationQuery_NotFound*') { $profiles = @() }
    else { Write-Result 'error' 'the network profiles could not be read' 'PROFILES_UNREADABLE' $scope; exit 0 }
}
$public = @($profiles | Where-Object { [string]$_.NetworkCategory -eq 'Public' } | ForEach-Object { [string]$_.InterfaceAlias })
$status = if ($public.Count) { 'fail' } else { 'pass' }
$observed = $scope
$observed.profile_count = $profiles.Count
$observed.public_profiles = $public
[ordered]@{
    status   = $status
    observed = $observed
    expected = [ordered]@{ public_profiles = @() }
    message  = if ($status -eq 'pass') { 'no connected network uses the Public profile' } else { "$($public.Count) connected network(s) use the Public profile" }
} | ConvertTo-Json -Compress -Depth 4
