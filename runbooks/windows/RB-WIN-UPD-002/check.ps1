# RB-WIN-UPD-002 check: where WSUS is configured, the server answers on its port, the client has a
# SusClientId and a detection succeeded within max_days_since_detect.
param(
    [int]$max_days_since_detect = 7,
    [int]$connect_timeout_seconds = 5,
    [string]$wu_service_name = 'wuauserv',
    [bool]$trigger_detection = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $wu_service_name, $trigger_detection, $state_dir

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [System.Collections.IDictionary]$Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
function Get-RegValue([string]$Key, [string]$Name) {
    $item = Get-ItemProperty -Path $Key -ErrorAction SilentlyContinue
    if ($null -eq $item -or -not $item.PSObject.Properties[$Name]) { return $null }
    return $item.$Name
}
function Test-TcpPort([string]$HostName, [int]$Port, [int]$TimeoutSeconds) {
    $client = [System.Net.Sockets.TcpClient]::new()
    try {
        $task = $client.ConnectAsync($HostName, $Port)
        return ($task.Wait([TimeSpan]::FromSeconds($TimeoutSeconds)) -and $client.Connected)
    } catch {
        return $false
    } finally {
        $client.Dispose()
    }
}

$observed = [ordered]@{ wsus_configured = $false; wsus_server = $null; wsus_reachable = $null; sus_client_id_present = $null; days_since_last_detect = $null }
$policy = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate'
$wuServer = [string](Get-RegValue $policy 'WUServer')
$useWu = Get-RegValue ($policy + '\AU') 'UseWUServer'
if (-not $wuServer -or $null -eq $useWu -or [int]$useWu -ne 1) {
    Out-Result 'not_applicable' $observed $null 'no WSUS server is configured by policy (WUServer with UseWUServer = 1)' 'WSUS_NOT_CONFIGURED'
    exit 0
}
$observed['wsus_configured'] = $true
$uri = $null
if (-not [uri]::TryCreate($wuServer.Trim(), [UriKind]::Absolute, [ref]$uri) -or @('http', 'https') -notcontains $uri.Scheme -or -not $uri.Host) {
    Out-Result 'error' $observed $null 'the configured WUServer is not an http(s) URL' 'WSUS_URL_INVALID'
    exit 0
}
$observed['wsus_server'] = $uri.Scheme + '://' + $uri.Host + ':' + $uri.Port
$observed['wsus_reachable'] = Test-TcpPort $uri.Host $uri.Port $connect_timeout_seconds

$id = Get-RegValue 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate' 'SusClientId'
$observed['sus_client_id_present'] = -not [string]::IsNullOrWhiteSpace([string]$id)

$detectKnown = $true
if (-not (Get-Command -Name Get-WinEvent -ErrorAction SilentlyContinue)) {
    $detectKnown = $false
} else {
    try {
        $last = @(Get-WinEvent -FilterHashtable @{ LogName = 'Microsoft-Windows-WindowsUpdateClient/Operational'; Id = 26 } -MaxEvents 1 -ErrorAction Stop)[0]
        $observed['days_since_last_detect'] = [math]::Round(((Get-Date) - $last.TimeCreated).TotalDays, 1)
    } catch {
        if ($_.FullyQualifiedErrorId -notlike 'NoMatchingEventsFound*') { $detectKnown = $false }
    }
}

$expected = [ordered]@{ wsus_reachable = $true; sus_client_id_present = $true; days_since_last_detect = "<= $max_days_since_detect" }
$problems = @()
if (-not $observed['wsus_reachable']) { $problems += "WSUS server $($observed['wsus_server']) does not answer" }
if (-not $observed['sus_client_id_present']) { $problems += 'the client has no SusClientId' }
if ($detectKnown -and ($null -eq $observed['days_since_last_detect'] -or $observed['days_since_last_detect'] -gt $max_days_since_detect)) {
    $problems += $(if ($null -eq $observed['days_since_last_detect']) { 'no successful detection in the update log' } else { "last successful detection $($observed['days_since_last_detect']) days ago" })
}
if ($problems.Count) {
    Out-Result 'fail' $observed $expected ($problems -join '; ')
} elseif (-not $detectKnown) {
    Out-Result 'error' $observed $expected 'the Windows Update client event log could not be read' 'EVENT_LOG_UNAVAILABLE'
} else {
    Out-Result 'pass' $observed $expected ('registered with ' + $observed['wsus_server'] + ', last detection ' + $observed['days_since_last_detect'] + ' days ago')
}
