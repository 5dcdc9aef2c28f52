# RB-WIN-UPD-001 check: the Windows Update service is not disabled, the client logged at most
# max_recent_errors errors in the window (since the last writ reset), and SoftwareDistribution is small.
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
$null = $catroot2_path, $system32_path, $reregister_dlls, $reset_winsock, $reset_winhttp_proxy, $trigger_scan, $state_dir

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [System.Collections.IDictionary]$Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
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

$observed = [ordered]@{
    wu_service_status = $null; wu_start_type = $null; helper_services_state = @()
    recent_error_count = $null; software_distribution_gb = $null; last_reset_utc = $null
}
$expected = [ordered]@{ wu_start_type = 'not Disabled'; recent_error_count = "<= $max_recent_errors"; software_distribution_gb = "<= $max_software_distribution_gb" }
$names = @($wu_service_name) + @($helper_services)
if (@($names | Where-Object { [WildcardPattern]::ContainsWildcardCharacters($_) }).Count -gt 0) {
    Out-Result 'error' $observed $null 'service names must be exact names' 'INVALID_PARAMETER'
    exit 0
}
$wu = @(Get-Service -Name $wu_service_name -ErrorAction SilentlyContinue | Where-Object { [string]$_.Name -eq $wu_service_name })
if ($wu.Count -eq 0) {
    Out-Result 'error' $observed $null 'the Windows Update service does not exist' 'SERVICE_MISSING'
    exit 0
}
$observed['wu_service_status'] = [string]$wu[0].Status
$observed['wu_start_type'] = [string]$wu[0].StartType
$observed['helper_services_state'] = @($helper_services | ForEach-Object {
        $n = $_
        $s = @(Get-Service -Name $n -ErrorAction SilentlyContinue | Where-Object { [string]$_.Name -eq $n })
        if ($s.Count) { $n + ':' + [string]$s[0].Status } else { $n + ':Missing' }
    })

$lastReset = Get-LastReset $software_distribution_path
if ($null -ne $lastReset) { $observed['last_reset_utc'] = $lastReset.ToString('yyyy-MM-ddTHH:mm:ssZ') }
$since = (Get-Date).ToUniversalTime().AddDays(-$error_window_days)
if ($null -ne $lastReset -and $lastReset -gt $since) { $since = $lastReset }
$eventsKnown = $true
if (-not (Get-Command -Name Get-WinEvent -ErrorAction SilentlyContinue)) {
    $eventsKnown = $false
} else {
    try {
        $observed['recent_error_count'] = @(Get-WinEvent -FilterHashtable @{ LogName = 'Microsoft-Windows-WindowsUpdateClient/Operational'; Level = 2; StartTime = $since.ToLocalTime() } -ErrorAction Stop).Count
    } catch {
        if ($_.FullyQualifiedErrorId -like 'NoMatchingEventsFound*') { $observed['recent_error_count'] = 0 } else { $eventsKnown = $false }
    }
}
$observed['software_distribution_gb'] = [math]::Round((Get-FolderBytes $software_distribution_path) / 1GB, 2)

$problems = @()
if ($observed['wu_start_type'] -eq 'Disabled') { $problems += 'the Windows Update service is disabled' }
if ($eventsKnown -and $observed['recent_error_count'] -gt $max_recent_errors) { $problems += "$($observed['recent_error_count']) update client errors since $($since.ToString('yyyy-MM-dd'))" }
if ($observed['software_distribution_gb'] -gt $max_software_distribution_gb) { $problems += "SoftwareDistribution holds $($observed['software_distribution_gb']) GB" }
if ($problems.Count) {
    Out-Result 'fail' $observed $expected ($problems -join '; ')
} elseif (-not $eventsKnown) {
    Out-Result 'error' $observed $expected 'the Windows Update client event log could not be read' 'EVENT_LOG_UNAVAILABLE'
} else {
    Out-Result 'pass' $observed $expected 'the Windows Update client looks healthy'
}
