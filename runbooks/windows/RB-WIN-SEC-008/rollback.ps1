# RB-WIN-SEC-008 rollback: restore the registry values recorded before remediation (values that did not
# exist are removed again), then remove the record.
param(
    [int]$min_lm_compatibility_level = 3,
    [int]$lm_compatibility_level = 5,
    [bool]$no_lm_hash = $true,
    [int]$ntlm_min_client_sec = 537395200,
    [int]$ntlm_min_server_sec = 537395200,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $min_lm_compatibility_level, $lm_compatibility_level, $no_lm_hash, $ntlm_min_client_sec, $ntlm_min_server_sec

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

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-008.json'
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
    message  = 'NTLM settings restored from the saved values; reboot to apply them everywhere'
} | ConvertTo-Json -Compress -Depth 4
