# RB-WIN-SEC-010 rollback: restore the listener values recorded before remediation, then remove the record.
param(
    [int]$security_layer = 2,
    [int]$min_encryption_level = 3,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $security_layer, $min_encryption_level

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

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-010.json'
if (-not (Test-Path -LiteralPath $record)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved settings to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$values = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).values)
foreach ($e in $values) { Restore-RegEntry $e }
Remove-Item -LiteralPath $record
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ restored_values = @($values | ForEach-Object { [string]$_.name }) }
    message  = 'Remote Desktop listener settings restored from the saved values'
} | ConvertTo-Json -Compress -Depth 4
