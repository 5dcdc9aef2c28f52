# RB-WIN-UPD-001 rollback: put SoftwareDistribution and catroot2 back, restore the WinHTTP proxy and the
# service start types and states recorded before the reset. A Winsock reset and DLL registrations are
# not undone (reported in not_undone).
param(
    [string]$wu_service_name = 'wuauserv',
    [string[]]$helper_services = @('BITS', 'CryptSvc', 'msiserver'),
    [int]$max_recent_errors = 5,
    [int]$error_window_days = 7,
    [double]$max_software_distribution_gb = 5,
    [string]$software_distribution_path = 'C:\Windows\SoftwareDistribution',
    [string]$catroot2_path = 'C:\Windows\System32\catroot2',
    [string]$system32_path = 'C:\Windows\System32',
    [string[]]$reregister_dlls = @('atl.dll', 'urlmon.dll', 'mshtml.dll', 'jscript.dll', 'vbscript.dll', 'scrrun.dll', 'msxml3.dll', 'msxml6.dll', 'actxprxy.dll', 'softpub.dll', 'wintrust.dll', 'dssenh.dll', 'rsaenh.dll', 'gpkcsp.dll', 'sccbase.dll', 'slbcsp.dll', 'cryptdlg.dll', 'oleaut32.dll', 'ole32.dll', 'shell32.dll', 'initpki.dll', 'wuapi.dll', 'wuaueng.dll', 'wups.dll', 'wups2.dll', 'wuwebv.dll', 'wucltux.dll', 'qmgr.dll', 'qmgrprxy.dll'),
    [bool]$reset_winsock = $false,
    [bool]$reset_winhttp_proxy = $false,
    [bool]$trigger_scan = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $wu_service_name, $helper_services, $max_recent_errors, $error_window_days, $max_software_distribution_gb, $software_distribution_path,
$catroot2_path, $system32_path, $reregister_dlls, $reset_winsock, $reset_winhttp_proxy, $trigger_scan

function Invoke-Netsh([string[]]$ArgumentList) {
    $prev = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try {
        $out = @(netsh.exe @ArgumentList 2>&1 | ForEach-Object { [string]$_ })
        return [pscustomobject]@{ Lines = $out; ExitCode = [int]$LASTEXITCODE }
    } finally { $ErrorActionPreference = $prev }
}

$recordPath = Join-Path -Path $state_dir -ChildPath 'RB-WIN-UPD-001.json'
if (-not (Test-Path -LiteralPath $recordPath)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved Windows Update state to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$prior = Get-Content -LiteralPath $recordPath -Raw | ConvertFrom-Json
$services = @($prior.services)
$changes = @()

foreach ($s in $services) {
    $now = @(Get-Service -Name ([string]$s.name) -ErrorAction SilentlyContinue)
    if ($now.Count -and [string]$now[0].Status -eq 'Running') { Stop-Service -Name ([string]$s.name) -Force }
}
$renamed = @($prior.renamed)
[array]::Reverse($renamed)
foreach ($r in $renamed) {
    $original = [string]$r.original
    $backup = [string]$r.backup
    if (-not (Test-Path -LiteralPath $backup -PathType Container)) { continue }
    if (Test-Path -LiteralPath $original) { Remove-Item -LiteralPath $original -Recurse -Force }
    Rename-Item -LiteralPath $backup -NewName (Split-Path -Path $original -Leaf)
    $changes += 'restored ' + (Split-Path -Path $original -Leaf)
}

if ($null -ne $prior.proxy) {
    if ([bool]$prior.proxy.direct) {
        $res = Invoke-Netsh @('winhttp', 'reset', 'proxy')
    } else {
        $argv = @('winhttp', 'set', 'proxy', ('proxy-server=' + [string]$prior.proxy.server))
        if ($prior.proxy.bypass) { $argv += 'bypass-list=' + [string]$prior.proxy.bypass }
        $res = Invoke-Netsh $argv
    }
    if ($res.ExitCode -eq 0) { $changes += 'restored winhttp proxy' }
}

foreach ($s in $services) {
    $name = [string]$s.name
    $now = @(Get-Service -Name $name -ErrorAction SilentlyContinue)
    if (-not $now.Count) { continue }
    if ([string]$s.start_type -ne [string]$now[0].StartType) {
        Set-Service -Name $name -StartupType ([string]$s.start_type)
        $changes += $name + ' start_type=' + [string]$s.start_type
    }
    if ([string]$s.status -eq 'Running') { Start-Service -Name $name }
}
$notUndone = @()
if ([bool]$prior.winsock_reset) { $notUndone += 'winsock_reset' }
Remove-Item -LiteralPath $recordPath
[ordered]@{
    status = 'pass'; observed = [ordered]@{ changes = $changes; not_undone = $notUndone }
    message = 'Windows Update components restored from the saved record' + $(if ($notUndone.Count) { '; not undone: ' + ($notUndone -join ', ') } else { '' })
} | ConvertTo-Json -Compress -Depth 4
