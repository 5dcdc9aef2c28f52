# RB-WIN-UPD-002 remediate: when WSUS is configured and reachable but the client has no id or has not
# detected recently, record the client-id values and service state once, stop the update service,
# delete the client-id values, start it again and trigger authorization and detection. Idempotent.
param(
    [int]$max_days_since_detect = 7,
    [int]$connect_timeout_seconds = 5,
    [string]$wu_service_name = 'wuauserv',
    [bool]$trigger_detection = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
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


$observed = [ordered]@{ changes = @() }
if ([WildcardPattern]::ContainsWildcardCharacters($wu_service_name)) {
    Out-Result 'error' $observed 'wu_service_name must be an exact name' 'INVALID_PARAMETER'
    exit 1
}
$policy = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate'
$wuServer = [string](Get-RegValue $policy 'WUServer')
$useWu = Get-RegValue ($policy + '\AU') 'UseWUServer'
if (-not $wuServer -or $null -eq $useWu -or [int]$useWu -ne 1) {
    Out-Result 'not_applicable' $observed 'no WSUS server is configured; nothing to reset' 'WSUS_NOT_CONFIGURED'
    exit 0
}
$uri = $null
if (-not [uri]::TryCreate($wuServer.Trim(), [UriKind]::Absolute, [ref]$uri) -or @('http', 'https') -notcontains $uri.Scheme -or -not $uri.Host) {
    Out-Result 'error' $observed 'the configured WUServer is not an http(s) URL' 'WSUS_URL_INVALID'
    exit 1
}
if (-not (Test-TcpPort $uri.Host $uri.Port $connect_timeout_seconds)) {
    Out-Result 'error' $observed ('WSUS server ' + $uri.Scheme + '://' + $uri.Host + ':' + $uri.Port + ' does not answer; resetting the client would not help') 'WSUS_UNREACHABLE'
    exit 1
}

$clientKey = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate'
$id = Get-RegValue $clientKey 'SusClientId'
$days = $null
if (Get-Command -Name Get-WinEvent -ErrorAction SilentlyContinue) {
    try {
        $last = @(Get-WinEvent -FilterHashtable @{ LogName = 'Microsoft-Windows-WindowsUpdateClient/Operational'; Id = 26 } -MaxEvents 1 -ErrorAction Stop)[0]
        $days = ((Get-Date) - $last.TimeCreated).TotalDays
    } catch {
        $days = $null
    }
}
if (-not [string]::IsNullOrWhiteSpace([string]$id) -and $null -ne $days -and $days -le $max_days_since_detect) {
    Out-Result 'pass' $observed 'the WSUS client is registered and detecting; nothing to reset'
    exit 0
}

# Value kinds as Windows Update writes them.
$kinds = [ordered]@{ AccountDomainSid = 'String'; PingID = 'String'; SusClientId = 'String'; SusClientIdValidation = 'Binary' }
$svc = Get-Service -Name $wu_service_name
$recordPath = Join-Path -Path $state_dir -ChildPath 'RB-WIN-UPD-002.json'
if (-not (Test-Path -LiteralPath $recordPath)) {
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    $values = [ordered]@{}
    foreach ($name in $kinds.Keys) {
        $v = Get-RegValue $clientKey $name
        $values[$name] = [ordered]@{
            present = $null -ne $v
            kind    = $kinds[$name]
            value   = $(if ($null -eq $v) { $null } elseif ($kinds[$name] -eq 'Binary') { @($v | ForEach-Object { [int]$_ }) } else { [string]$v })
        }
    }
    ConvertTo-Json -InputObject ([ordered]@{ service_name = $wu_service_name; status = [string]$svc.Status; start_type = [string]$svc.StartType; values = $values }) -Depth 5 |
        Set-Content -LiteralPath $recordPath -Encoding utf8
}

$changes = @()
if ([string]$svc.Status -eq 'Running') {
    Stop-Service -Name $wu_service_name -Force
    $changes += 'stopped ' + $wu_service_name
}
try {
    $present = @($kinds.Keys | Where-Object { $null -ne (Get-RegValue $clientKey $_) })
    if ($present.Count) {
        Remove-ItemProperty -Path $clientKey -Name $present
        $changes += 'removed ' + ($present -join ',')
    }
} finally {
    if ([string]$svc.StartType -ne 'Disabled') {
        Start-Service -Name $wu_service_name
        $changes += 'started ' + $wu_service_name
    }
}
if ($trigger_detection) {
    if (Get-Command -Name wuauclt.exe -ErrorAction SilentlyContinue) {
        $argv = @('/resetauthorization', '/detectnow')
        wuauclt.exe @argv | Out-Null
        $changes += 'wuauclt detectnow'
    }
    if (Get-Command -Name usoclient.exe -ErrorAction SilentlyContinue) {
        $argv = @('StartScan')
        usoclient.exe @argv | Out-Null
        $changes += 'usoclient StartScan'
    }
}
$observed['changes'] = $changes
Out-Result 'pass' $observed ('WSUS client registration reset: ' + ($changes -join ', '))
