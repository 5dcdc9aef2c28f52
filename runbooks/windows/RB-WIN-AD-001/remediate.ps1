# RB-WIN-AD-001 remediate: force replication when links fail. Never unlocks accounts; lockouts and
# DNS failures are handed to a person (error with a reason code).
param(
    [int]$max_locked_accounts = 5,
    [bool]$require_dns_resolution = $true
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, $Observed, $Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

# Replication links of this DC from `repadmin /showrepl /csv`: total and failing (failures > 0 or an
# error row). Returns $null when repadmin fails.
function Measure-Replication {
    $lines = @(repadmin.exe /showrepl /csv)
    if ($LASTEXITCODE -ne 0) { return $null }
    $start = 0
    while ($start -lt $lines.Count -and -not ([string]$lines[$start]).StartsWith('showrepl_COLUMNS')) { $start++ }
    if ($start -ge $lines.Count) { return @{ Links = 0; Failing = 0 } }
    $rows = @($lines[$start..($lines.Count - 1)] | Where-Object { $_ -ne '' } | ConvertFrom-Csv)
    $links = 0
    $failing = 0
    foreach ($row in $rows) {
        $kind = [string]$row.showrepl_COLUMNS
        if ($kind -eq 'showrepl_INFO') {
            $links++
            $n = 0
            if (-not [int]::TryParse([string]$row.'Number of Failures', [ref]$n) -or $n -gt 0) { $failing++ }
        } elseif ($kind -like 'showrepl_*') {
            $links++
            $failing++
        }
    }
    return @{ Links = $links; Failing = $failing }
}

try {
    $cs = Get-CimInstance -ClassName Win32_ComputerSystem
} catch {
    Out-Result 'error' @{ replication_forced = $false } $null 'the computer role could not be read' 'CIM_UNREADABLE'
    exit 1
}
if ([int]$cs.DomainRole -lt 4) {
    Out-Result 'not_applicable' @{ replication_forced = $false } $null 'this host is not a domain controller' 'NOT_DOMAIN_CONTROLLER'
    exit 0
}
foreach ($tool in @('repadmin.exe', 'Search-ADAccount')) {
    if (-not (Get-Command -Name $tool -ErrorAction SilentlyContinue)) {
        Out-Result 'error' @{ replication_forced = $false } $null "$tool is not available on this domain controller" $(if ($tool -eq 'repadmin.exe') { 'REPADMIN_UNAVAILABLE' } else { 'AD_MODULE_UNAVAILABLE' })
        exit 1
    }
}
$repl = Measure-Replication
if ($null -eq $repl) {
    Out-Result 'error' @{ replication_forced = $false } $null "repadmin /showrepl failed with exit code $LASTEXITCODE" 'REPADMIN_FAILED'
    exit 1
}
$forced = $false
$syncCode = 0
if ($repl.Failing -gt 0) {
    $argv = @('/syncall', '/A', '/e', '/d')
    $null = repadmin.exe @argv
    $syncCode = $LASTEXITCODE
    $forced = $true
    $repl = Measure-Replication
}
try {
    $locked = @(Search-ADAccount -LockedOut -UsersOnly).Count
} catch {
    Out-Result 'error' ([ordered]@{ replication_forced = $forced }) $null 'locked-out accounts could not be queried' 'AD_UNREADABLE'
    exit 1
}
$dnsOk = $true
if ($require_dns_resolution) {
    $dnsOk = $null -ne (Resolve-DnsName -Name ([string]$cs.Domain) -Type A -DnsOnly -ErrorAction SilentlyContinue)
}
$observed = [ordered]@{
    replication_forced        = $forced
    replication_failure_count = $(if ($null -eq $repl) { $null } else { $repl.Failing })
    locked_account_count      = $locked
    dns_resolves              = $dnsOk
}
if ($null -eq $repl -or $repl.Failing -gt 0) {
    Out-Result 'error' $observed $null "replication still fails after repadmin /syncall (exit code $syncCode); a person must investigate" 'REPLICATION_STILL_FAILING'
    exit 1
}
if ($locked -gt $max_locked_accounts) {
    Out-Result 'error' $observed $null "$locked accounts are locked out; accounts are never unlocked automatically — review for password guessing" 'LOCKOUTS_NEED_REVIEW'
    exit 1
}
if (-not $dnsOk) {
    Out-Result 'error' $observed $null 'the domain name does not resolve on this DC; DNS needs a person' 'DNS_NEEDS_REVIEW'
    exit 1
}
Out-Result 'pass' $observed $null $(if ($forced) { 'replication forced and healthy again' } else { 'nothing to change' })
