# RB-WIN-UPD-001 remediate: reset the Windows Update components when the check's drift holds: record
# service states (and the WinHTTP proxy, if it is to be reset) once, stop the services, set
# SoftwareDistribution and catroot2 aside under a dated name, re-register the DLLs, optionally reset
# Winsock / the WinHTTP proxy, restart what ran before and trigger a scan. A healthy client is left alone.
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

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
# Time of the newest "<folder>.writ-yyyyMMddHHmmss" copy this runbook set aside, or $null.
function Get-LastReset([string]$Path) {
    $parent = Split-Path -Path $Path -Parent
    $leaf = Split-Path -Path $Path -Leaf
    if (-not $parent -or -not (Test-Path -LiteralPath $parent -PathType Container)) { return $null }
    $last = $null
    foreach ($d in @(Get-ChildItem -LiteralPath $parent -Directory -Force -ErrorAction SilentlyContinue)) {
        if ($d.Name -match ('^' + [regex]::Escape($leaf) + '\.writ-(\d{14})$')) {
            $t = [datetime]::ParseExact($Matches[1], 'yyyyMMddHHmmss', [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]'AssumeUniversal,AdjustToUniversal')
            if ($null -eq $last -or $t -gt $last) { $last = $t }
        }
    }
    return $last
}
function Get-FolderBytes([string]$Root) {
    if (-not (Test-Path -LiteralPath $Root -PathType Container)) { return [long]0 }
    $sum = [long]0
    $stack = [System.Collections.Generic.Stack[string]]::new()
    $stack.Push($Root)
    while ($stack.Count -gt 0) {
        $dir = $stack.Pop()
        try { $items = @(Get-ChildItem -LiteralPath $dir -Force -ErrorAction Stop) } catch { continue }
        foreach ($i in $items) {
            if ($i.Attributes -band [System.IO.FileAttributes]::ReparsePoint) { continue }
            if ($i.PSIsContainer) { $stack.Push($i.FullName) } else { $sum += $i.Length }
        }
    }
    return $sum
}

function Invoke-Netsh([string[]]$ArgumentList) {
    $prev = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try {
        $out = @(netsh.exe @ArgumentList 2>&1 | ForEach-Object { [string]$_ })
        return [pscustomobject]@{ Lines = $out; ExitCode = [int]$LASTEXITCODE }
    } finally { $ErrorActionPreference = $prev }
}
function Save-Record($Record, [string]$Path) {
    ConvertTo-Json -InputObject $Record -Depth 5 | Set-Content -LiteralPath $Path -Encoding utf8
}

$observed = [ordered]@{ changes = @(); dlls_registered = 0; dlls_failed = 0; reboot_required = $false }
$names = @($wu_service_name) + @($helper_services)
if (@($names | Where-Object { [WildcardPattern]::ContainsWildcardCharacters($_) }).Count -gt 0 -or
    @($reregister_dlls | Where-Object { $_ -notmatch '^[A-Za-z0-9_-]{1,60}\.dll$' }).Count -gt 0) {
    Out-Result 'error' $observed 'service names must be exact names and reregister_dlls plain DLL file names' 'INVALID_PARAMETER'
    exit 1
}
$wu = Get-Service -Name $wu_service_name

# Same drift test as the check: act only when it would fail.
$lastReset = Get-LastReset $software_distribution_path
$since = (Get-Date).ToUniversalTime().AddDays(-$error_window_days)
if ($null -ne $lastReset -and $lastReset -gt $since) { $since = $lastReset }
$errors = 0
if (Get-Command -Name Get-WinEvent -ErrorAction SilentlyContinue) {
    try {
        $errors = @(Get-WinEvent -FilterHashtable @{ LogName = 'Microsoft-Windows-WindowsUpdateClient/Operational'; Level = 2; StartTime = $since.ToLocalTime() } -ErrorAction Stop).Count
    } catch {
        $errors = 0
    }
}
$sizeGb = (Get-FolderBytes $software_distribution_path) / 1GB
$disabled = [string]$wu.StartType -eq 'Disabled'
if (-not $disabled -and $errors -le $max_recent_errors -and $sizeGb -le $max_software_distribution_gb) {
    Out-Result 'pass' $observed 'the Windows Update client is healthy; nothing to reset'
    exit 0
}

$recordPath = Join-Path -Path $state_dir -ChildPath 'RB-WIN-UPD-001.json'
if (Test-Path -LiteralPath $recordPath) {
    $prior = Get-Content -LiteralPath $recordPath -Raw | ConvertFrom-Json
    $record = [ordered]@{
        services = @($prior.services | ForEach-Object { [ordered]@{ name = [string]$_.name; status = [string]$_.status; start_type = [string]$_.start_type } })
        renamed = @($prior.renamed | ForEach-Object { [ordered]@{ original = [string]$_.original; backup = [string]$_.backup } })
        proxy = $prior.proxy
        winsock_reset = [bool]$prior.winsock_reset
    }
} else {
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    $record = [ordered]@{
        services = @($names | ForEach-Object {
                $n = $_
                $s = @(Get-Service -Name $n -ErrorAction SilentlyContinue | Where-Object { [string]$_.Name -eq $n })
                if ($s.Count) { [ordered]@{ name = $n; status = [string]$s[0].Status; start_type = [string]$s[0].StartType } }
            })
        renamed = @()
        proxy = $null
        winsock_reset = $false
    }
    Save-Record $record $recordPath
}

$changes = @()
if ($reset_winhttp_proxy -and $null -eq $record['proxy']) {
    $shown = Invoke-Netsh @('winhttp', 'show', 'proxy')
    $server = $null; $bypass = $null; $direct = $false
    foreach ($line in $shown.Lines) {
        if ($line -match 'Direct access \(no proxy server\)') { $direct = $true }
        elseif ($line -match '^\s*Proxy Server\(s\)\s*:\s*(.*\S)\s*$') { $server = $Matches[1] }
        elseif ($line -match '^\s*Bypass List\s*:\s*(.*\S)\s*$') { $bypass = $Matches[1] }
    }
    if (-not $direct -and -not $server) {
        Out-Result 'error' $observed 'the WinHTTP proxy setting could not be read, so it is not reset' 'PROXY_UNREADABLE'
        exit 1
    }
    $record['proxy'] = [ordered]@{ direct = $direct; server = $server; bypass = $(if ($bypass -eq '(none)') { $null } else { $bypass }) }
    Save-Record $record $recordPath
}

if ($disabled) {
    Set-Service -Name $wu_service_name -StartupType Manual
    $changes += 'start_type=Manual'
}
$stopped = @()
foreach ($n in $names) {
    $s = @(Get-Service -Name $n -ErrorAction SilentlyContinue | Where-Object { [string]$_.Name -eq $n })
    if ($s.Count -and [string]$s[0].Status -eq 'Running') {
        Stop-Service -Name $n -Force
        $stopped += $n
    }
}
if ($stopped.Count) { $changes += 'stopped ' + ($stopped -join ',') }

try {
    $stamp = (Get-Date).ToUniversalTime().ToString('yyyyMMddHHmmss')
    foreach ($folder in @($software_distribution_path, $catroot2_path)) {
        if (-not (Test-Path -LiteralPath $folder -PathType Container)) { continue }
        $backupName = (Split-Path -Path $folder -Leaf) + '.writ-' + $stamp
        $backup = Join-Path -Path (Split-Path -Path $folder -Parent) -ChildPath $backupName
        Rename-Item -LiteralPath $folder -NewName $backupName
        $record['renamed'] = @($record['renamed']) + @([ordered]@{ original = $folder; backup = $backup })
        Save-Record $record $recordPath
        $changes += 'set aside ' + (Split-Path -Path $folder -Leaf)
    }

    if ($reregister_dlls.Count -and (Get-Command -Name regsvr32.exe -ErrorAction SilentlyContinue)) {
        foreach ($dll in $reregister_dlls) {
            $path = Join-Path -Path $system32_path -ChildPath $dll
            if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { continue }
            $argv = @('/s', $path)
            regsvr32.exe @argv | Out-Null
            if ($LASTEXITCODE -eq 0) { $observed['dlls_registered']++ } else { $observed['dlls_failed']++ }
        }
    }

    if ($reset_winsock) {
        $ws = Invoke-Netsh @('winsock', 'reset')
        if ($ws.ExitCode -eq 0) {
            $record['winsock_reset'] = $true
            Save-Record $record $recordPath
            $changes += 'winsock reset'
            $observed['reboot_required'] = $true
        }
    }
    if ($reset_winhttp_proxy -and -not [bool]$record['proxy'].direct) {
        $px = Invoke-Netsh @('winhttp', 'reset', 'proxy')
        if ($px.ExitCode -eq 0) { $changes += 'winhttp proxy reset' }
    }
} finally {
    foreach ($n in $stopped) { Start-Service -Name $n }
}
if ($stopped.Count) { $changes += 'restarted ' + ($stopped -join ',') }

if ($trigger_scan) {
    if (Get-Command -Name usoclient.exe -ErrorAction SilentlyContinue) {
        $argv = @('StartScan')
        usoclient.exe @argv | Out-Null
        $changes += 'scan started'
    } elseif (Get-Command -Name wuauclt.exe -ErrorAction SilentlyContinue) {
        $argv = @('/detectnow')
        wuauclt.exe @argv | Out-Null
        $changes += 'scan started'
    }
}
$observed['changes'] = $changes
$msg = 'Windows Update components reset: ' + ($changes -join ', ')
if ($observed['reboot_required']) { $msg += '; a reboot is needed for the Winsock reset' }
Out-Result 'pass' $observed $msg
