# RB-WIN-NET-004 rollback: set each recorded adapter's NetBIOS option back, then remove the record.
param(
    [int]$domain_netbios_option = 0,
    [int]$standalone_netbios_option = 2,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $domain_netbios_option, $standalone_netbios_option

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-NET-004.json'
if (-not (Test-Path -LiteralPath $record)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved settings to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$adapters = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).adapters)
$rows = @(Get-CimInstance -ClassName Win32_NetworkAdapterConfiguration)
$restored = 0
foreach ($a in $adapters) {
    if ($null -eq $a.option) { continue }
    $row = @($rows | Where-Object { [int]$_.Index -eq [int]$a.index })[0]
    if ($null -eq $row) { continue }
    $code = [int](Invoke-CimMethod -InputObject $row -MethodName SetTcpipNetbios -Arguments @{ TcpipNetbiosOptions = [uint32]$a.option }).ReturnValue
    if ($code -notin 0, 1) { throw "SetTcpipNetbios failed on adapter index $([int]$a.index) with code $code" }
    $restored++
}
Remove-Item -LiteralPath $record
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ restored_count = $restored }
    message  = "restored the NetBIOS option of $restored adapter(s)"
} | ConvertTo-Json -Compress -Depth 4
