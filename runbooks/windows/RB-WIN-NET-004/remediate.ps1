# RB-WIN-NET-004 remediate: record each adapter's NetBIOS option, then set the wanted option with
# Win32_NetworkAdapterConfiguration.SetTcpipNetbios on the adapters that differ. Idempotent.
param(
    [int]$domain_netbios_option = 0,
    [int]$standalone_netbios_option = 2,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-NET-004.json'

$domain = [bool](@(Get-CimInstance -ClassName Win32_ComputerSystem)[0].PartOfDomain)
$wanted = if ($domain) { $domain_netbios_option } else { $standalone_netbios_option }
$rows = @(Get-CimInstance -ClassName Win32_NetworkAdapterConfiguration | Where-Object { $_.IPEnabled -and ($null -eq $_.TcpipNetbiosOptions -or [int]$_.TcpipNetbiosOptions -ne $wanted) } | Sort-Object -Property Index)
$reboot = $false
if ($rows.Count) {
    $saved = @()
    if (Test-Path -LiteralPath $record) { $saved = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).adapters) }
    $known = @($saved | ForEach-Object { [int]$_.index })
    $new = @($rows | Where-Object { $known -notcontains [int]$_.Index } | ForEach-Object { [ordered]@{ index = [int]$_.Index; description = [string]$_.Description; option = $_.TcpipNetbiosOptions } })
    if ($new.Count) {
        $null = New-Item -ItemType Directory -Path $state_dir -Force
        ConvertTo-Json -InputObject ([ordered]@{ runbook = 'RB-WIN-NET-004'; adapters = @($saved) + $new }) -Depth 4 | Set-Content -LiteralPath $record -Encoding utf8
    }
    foreach ($r in $rows) {
        $code = [int](Invoke-CimMethod -InputObject $r -MethodName SetTcpipNetbios -Arguments @{ TcpipNetbiosOptions = [uint32]$wanted }).ReturnValue
        if ($code -eq 1) { $reboot = $true } elseif ($code -ne 0) { throw "SetTcpipNetbios failed on adapter index $([int]$r.Index) with code $code" }
    }
}
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ changed_adapters = @($rows | ForEach-Object { [string]$_.Description }); reboot_required = $reboot }
    message  = if ($rows.Count) { "set NetBIOS over TCP/IP option $wanted on $($rows.Count) adapter(s)" } else { 'nothing to change' }
} | ConvertTo-Json -Compress -Depth 4
