# RB-WIN-SVC-004 check: W32Time runs and w32tm reports a real source at a stratum no worse than max_stratum.
param(
    [string]$service_name = 'W32Time',
    [int]$max_stratum = 10,
    [string[]]$ntp_peers = @('time.nist.gov', 'time.windows.com'),
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $ntp_peers, $state_dir

function Out-Result([string]$Status, [System.Collections.IDictionary]$Observed, [System.Collections.IDictionary]$Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

$observed = [ordered]@{ service_status = $null; start_type = $null; domain_joined = $null; stratum = $null; time_source = $null; last_sync = $null }
$expected = [ordered]@{ service_status = 'Running'; stratum = "1..$max_stratum"; time_source = 'an NTP or domain time source, not the local clock' }
if ([WildcardPattern]::ContainsWildcardCharacters($service_name)) {
    Out-Result 'error' $observed $null 'service_name must be an exact name' 'INVALID_PARAMETER'
    exit 0
}
$svc = @(Get-Service -Name $service_name -ErrorAction SilentlyContinue | Where-Object { [string]$_.Name -eq $service_name })
if ($svc.Count -eq 0) {
    Out-Result 'error' $observed $null 'the Windows Time service does not exist' 'SERVICE_MISSING'
    exit 0
}
$observed['service_status'] = [string]$svc[0].Status
$observed['start_type'] = [string]$svc[0].StartType
try {
    $observed['domain_joined'] = [bool](@(Get-CimInstance -ClassName Win32_ComputerSystem)[0].PartOfDomain)
} catch {
    $observed['domain_joined'] = $null
}
if ($observed['service_status'] -ne 'Running') {
    Out-Result 'fail' $observed $expected ('the Windows Time service is ' + $observed['service_status'])
    exit 0
}
if (-not (Get-Command -Name w32tm.exe -ErrorAction SilentlyContinue)) {
    Out-Result 'error' $observed $null 'w32tm.exe is not available' 'W32TM_UNAVAILABLE'
    exit 0
}
$prev = $ErrorActionPreference
$ErrorActionPreference = 'Continue'
try {
    $argv = @('/query', '/status')
    $lines = @(w32tm.exe @argv 2>&1 | ForEach-Object { [string]$_ })
} finally {
    $ErrorActionPreference = $prev
}
$leap = $null
foreach ($line in $lines) {
    if ($line -match '^\s*Stratum:\s*(\d+)') { $observed['stratum'] = [int]$Matches[1] }
    elseif ($line -match '^\s*Source:\s*(.*\S)\s*$') { $observed['time_source'] = $Matches[1] }
    elseif ($line -match '^\s*Last Successful Sync Time:\s*(.*\S)\s*$') { $observed['last_sync'] = $Matches[1] }
    elseif ($line -match '^\s*Leap Indicator:\s*(\d+)') { $leap = [int]$Matches[1] }
}
if ($null -eq $observed['stratum'] -or $null -eq $observed['time_source']) {
    Out-Result 'error' $observed $null 'w32tm /query /status gave no stratum and source this check can read' 'TIME_STATUS_UNREADABLE'
    exit 0
}
$localClock = @('Local CMOS Clock', 'Free-running System Clock') -contains $observed['time_source']
$synced = $observed['stratum'] -ge 1 -and $observed['stratum'] -le $max_stratum -and $leap -ne 3 -and -not $localClock
if ($synced) {
    Out-Result 'pass' $observed $expected ('time is synchronised from ' + $observed['time_source'] + ' at stratum ' + $observed['stratum'])
} else {
    Out-Result 'fail' $observed $expected ('time is not synchronised: source ' + $observed['time_source'] + ', stratum ' + $observed['stratum'])
}
