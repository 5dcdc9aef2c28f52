# RB-WIN-SEC-013 remediate: record the prior RunAsPPL value, then set it. LSASS starts protected at the
# next boot. Credential Guard itself is not switched on (it needs UEFI, Secure Boot and VBS planning).
param(
    [int]$run_as_ppl = 1,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Lsa = 'HKLM:\SYSTEM\CurrentControlSet\Control\Lsa'

function Test-Integer($v) { return ($v -is [int] -or $v -is [long] -or $v -is [uint32]) }
function Get-RegKind($v) {
    if ($v -is [string[]] -or $v -is [object[]]) { return 'MultiString' }
    if ($v -is [byte[]]) { return 'Binary' }
    if ($v -is [long] -and ($v -lt [int]::MinValue -or $v -gt [uint32]::MaxValue)) { return 'QWord' }
    if (Test-Integer $v) { return 'DWord' }
    return 'String'
}
function Get-RegEntry([string]$Path, [string]$Name) {
    $value = $null
    $present = $false
    if (Test-Path -LiteralPath $Path) {
        $item = Get-ItemProperty -LiteralPath $Path
        if ($null -ne $item -and $null -ne $item.PSObject.Properties[$Name]) { $present = $true; $value = $item.PSObject.Properties[$Name].Value }
    }
    return [ordered]@{ path = $Path; name = $Name; present = $present; value = $value; kind = (Get-RegKind $value) }
}
function Save-Prior([string]$File, [object[]]$Entries) {
    $saved = @()
    if (Test-Path -LiteralPath $File) { $saved = @((Get-Content -LiteralPath $File -Raw | ConvertFrom-Json).values) }
    $keys = @($saved | ForEach-Object { ([string]$_.path + '|' + [string]$_.name).ToLowerInvariant() })
    $new = @($Entries | Where-Object { $keys -notcontains ([string]$_.path + '|' + [string]$_.name).ToLowerInvariant() })
    if ($new.Count -eq 0) { return }
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    ConvertTo-Json -InputObject ([ordered]@{ runbook = 'RB-WIN-SEC-013'; values = @($saved) + $new }) -Depth 5 | Set-Content -LiteralPath $File -Encoding utf8
}

$e = Get-RegEntry $Lsa 'RunAsPPL'
$changed = @()
if (-not ((Test-Integer $e.value) -and (@(1, 2) -contains [int]$e.value))) {
    Save-Prior (Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-013.json') @($e)
    $null = New-ItemProperty -LiteralPath $Lsa -Name 'RunAsPPL' -Value ([int]$run_as_ppl) -PropertyType DWord -Force
    $changed += 'RunAsPPL'
}
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ changed_values = $changed; reboot_required = ($changed.Count -gt 0) }
    message  = if ($changed.Count) { "set RunAsPPL = $run_as_ppl; LSASS runs protected after the next reboot" } else { 'nothing to change' }
} | ConvertTo-Json -Compress -Depth 4
