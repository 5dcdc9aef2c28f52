# RB-WIN-SVC-004 remediate: record the service state and peer configuration once, set W32Time to
# Automatic and start it, point non-domain hosts at the approved peers, and resync when needed.
# Idempotent: a running, synchronised, correctly configured host is left alone.
param(
    [string]$service_name = 'W32Time',
    [int]$max_stratum = 10,
    [string[]]$ntp_peers = @('time.nist.gov', 'time.windows.com'),
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
function Invoke-W32tm([string[]]$ArgumentList) {
    $prev = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try {
        $out = @(w32tm.exe @ArgumentList 2>&1 | ForEach-Object { [string]$_ })
        return [pscustomobject]@{ Lines = $out; ExitCode = [int]$LASTEXITCODE }
    } finally {
        $ErrorActionPreference = $prev
    }
}
function Test-Synced([string]$Service) {
    if ([string](Get-Service -Name $Service).Status -ne 'Running') { return $false }
    $q = Invoke-W32tm @('/query', '/status')
    $stratum = $null; $source = $null; $leap = $null
    foreach ($line in $q.Lines) {
        if ($line -match '^\s*Stratum:\s*(\d+)') { $stratum = [int]$Matches[1] }
        elseif ($line -match '^\s*Source:\s*(.*\S)\s*$') { $source = $Matches[1] }
        elseif ($line -match '^\s*Leap Indicator:\s*(\d+)') { $leap = [int]$Matches[1] }
    }
    return $null -ne $stratum -and $stratum -ge 1 -and $stratum -le $max_stratum -and $leap -ne 3 -and
        $null -ne $source -and @('Local CMOS Clock', 'Free-running System Clock') -notcontains $source
}

$observed = [ordered]@{ domain_joined = $null; changes = @(); resynced = $false }
if ([WildcardPattern]::ContainsWildcardCharacters($service_name)) {
    Out-Result 'error' $observed 'service_name must be an exact name' 'INVALID_PARAMETER'
    exit 1
}
$peerPattern = '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$'
$badPeers = @($ntp_peers | Where-Object { $_ -notmatch $peerPattern })
if ($ntp_peers.Count -eq 0 -or $badPeers.Count -gt 0) {
    Out-Result 'error' $observed 'ntp_peers must be host names or IP addresses' 'INVALID_PEER'
    exit 1
}
if (-not (Get-Command -Name w32tm.exe -ErrorAction SilentlyContinue)) {
    Out-Result 'error' $observed 'w32tm.exe is not available' 'W32TM_UNAVAILABLE'
    exit 1
}
try {
    $domainJoined = [bool](@(Get-CimInstance -ClassName Win32_ComputerSystem)[0].PartOfDomain)
} catch {
    Out-Result 'error' $observed 'domain membership could not be read, so the peer configuration is left alone' 'CIM_UNAVAILABLE'
    exit 1
}
$observed['domain_joined'] = $domainJoined
$svc = Get-Service -Name $service_name
$status = [string]$svc.Status
$startType = [string]$svc.StartType

$paramsKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\W32Time\Parameters'
$current = Get-ItemProperty -Path $paramsKey -ErrorAction SilentlyContinue
$curNtp = $null; $curType = $null
if ($null -ne $current) {
    if ($current.PSObject.Properties['NtpServer']) { $curNtp = [string]$current.NtpServer }
    if ($current.PSObject.Properties['Type']) { $curType = [string]$current.Type }
}

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SVC-004.json'
if (-not (Test-Path -LiteralPath $record)) {
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    ConvertTo-Json -InputObject ([ordered]@{
            service_name = $service_name; status = $status; start_type = $startType
            domain_joined = $domainJoined; ntp_server = $curNtp; type = $curType
        }) | Set-Content -LiteralPath $record -Encoding utf8
}

$changes = @()
if ($startType -ne 'Automatic') {
    Set-Service -Name $service_name -StartupType Automatic
    $changes += 'start_type=Automatic'
}
if ($status -ne 'Running') {
    Start-Service -Name $service_name
    $changes += 'started'
}
if (-not $domainJoined) {
    $curHosts = @()
    if ($curNtp) { $curHosts = @(($curNtp.Trim() -split '\s+') | ForEach-Object { ($_ -split ',')[0].ToLowerInvariant() }) }
    $wantHosts = @($ntp_peers | ForEach-Object { $_.ToLowerInvariant() })
    if ($curType -ne 'NTP' -or (($curHosts -join ' ') -ne ($wantHosts -join ' '))) {
        $peerList = (@($ntp_peers | ForEach-Object { $_ + ',0x8' }) -join ' ')
        $cfg = Invoke-W32tm @('/config', ('/manualpeerlist:' + $peerList), '/syncfromflags:manual', '/update')
        if ($cfg.ExitCode -ne 0) {
            $observed['changes'] = $changes
            Out-Result 'error' $observed ('w32tm /config failed: ' + (($cfg.Lines | Where-Object { $_ }) -join ' ')) 'W32TM_CONFIG_FAILED'
            exit 1
        }
        $changes += 'peers=' + ($ntp_peers -join ',')
    }
}
$observed['changes'] = $changes
if ($changes.Count -gt 0 -or -not (Test-Synced $service_name)) {
    $sync = Invoke-W32tm @('/resync', '/rediscover')
    if ($sync.ExitCode -ne 0) {
        Out-Result 'error' $observed ('w32tm /resync failed: ' + (($sync.Lines | Where-Object { $_ }) -join ' ')) 'RESYNC_FAILED'
        exit 1
    }
    $observed['resynced'] = $true
}
$msg = if ($changes.Count) { 'Windows Time: ' + ($changes -join ', ') } elseif ($observed['resynced']) { 'resynchronised the clock' } else { 'nothing to change' }
Out-Result 'pass' $observed $msg
