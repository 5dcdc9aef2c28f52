# RB-WIN-NET-003 remediate: record the prior categories, then switch Public connection profiles to
# Private on an in-scope host. Domain-authenticated profiles are left alone (Windows sets them itself).
param(
    [bool]$skip_mobile = $true,
    [bool]$include_standalone_workstations = $false,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-NET-003.json'

$cs = @(Get-CimInstance -ClassName Win32_ComputerSystem)[0]
$os = @(Get-CimInstance -ClassName Win32_OperatingSystem)[0]
$inScope = ([bool]$cs.PartOfDomain -or [int]$os.ProductType -ne 1 -or $include_standalone_workstations) -and -not ([int]$cs.PCSystemType -eq 2 -and $skip_mobile)
$public = @()
if ($inScope) {
    try {
        $public = @(Get-NetConnectionProfile | Where-Object { [string]$_.NetworkCategory -eq 'Public' })
    } catch {
        if ($_.FullyQualifiedErrorId -notlike 'CmdletizationQuery_NotFound*') { throw }
    }
}
if ($public.Count) {
    $saved = @()
    if (Test-Path -LiteralPath $record) { $saved = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).profiles) }
    $known = @($saved | ForEach-Object { [int]$_.interface_index })
    $new = @($public | Where-Object { $known -notcontains [int]$_.InterfaceIndex } | ForEach-Object {
            [ordered]@{ interface_index = [int]$_.InterfaceIndex; alias = [string]$_.InterfaceAlias; category = [string]$_.NetworkCategory }
        })
    if ($new.Count) {
        $null = New-Item -ItemType Directory -Path $state_dir -Force
        ConvertTo-Json -InputObject ([ordered]@{ runbook = 'RB-WIN-NET-003'; profiles = @($saved) + $new }) -Depth 4 | Set-Content -LiteralPath $record -Encoding utf8
    }
    foreach ($p in $public) { Set-NetConnectionProfile -InterfaceIndex ([int]$p.InterfaceIndex) -NetworkCategory Private }
}
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ changed_profiles = @($public | ForEach-Object { [string]$_.InterfaceAlias }) }
    message  = if ($public.Count) { "switched $($public.Count) profile(s) from Public to Private" } elseif ($inScope) { 'nothing to change' } else { 'nothing to change: host not in scope' }
} | ConvertTo-Json -Compress -Depth 4
