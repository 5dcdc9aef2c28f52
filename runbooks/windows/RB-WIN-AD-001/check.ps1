# RB-WIN-AD-001 check: (domain controllers only) replication succeeds, the domain resolves, few
# accounts are locked out. Reports counts only, never account names.
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
    Out-Result 'error' @{} $null 'the computer role could not be read' 'CIM_UNREADABLE'
    exit 0
}
if ([int]$cs.DomainRole -lt 4) {
    Out-Result 'not_applicable' @{} $null 'this host is not a domain controller' 'NOT_DOMAIN_CONTROLLER'
    exit 0
}
if (-not (Get-Command -Name repadmin.exe -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{} $null 'repadmin.exe (AD DS tools) is not available on this domain controller' 'REPADMIN_UNAVAILABLE'
    exit 0
}
if (-not (Get-Command -Name Search-ADAccount -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{} $null 'the ActiveDirectory PowerShell module is not available' 'AD_MODULE_UNAVAILABLE'
    exit 0
}
$repl = Measure-Replication
if ($null -eq $repl) {
    Out-Result 'error' @{} $null "repadmin /showrepl failed with exit code $LASTEXITCODE" 'REPADMIN_FAILED'
    exit 0
}
try {
    $locked = @(Search-ADAccount -LockedOut -UsersOnly).Count
} catch {
    Out-Result 'error' @{} $null 'locked-out accounts could not be queried (AD Web Services unreachable?)' 'AD_UNREADABLE'
    exit 0
}
$dns = $null
if ($require_dns_resolution) {
    if (-not (Get-Command -Name Resolve-DnsName -ErrorAction SilentlyContinue)) {
        Out-Result 'error' @{} $null 'Resolve-DnsName is not available' 'DNS_CLIENT_UNAVAILABLE'
        exit 0
    }
    $dns = $null -ne (Resolve-DnsName -Name ([string]$cs.Domain) -Type A -DnsOnly -ErrorAction SilentlyContinue)
}
$issues = @()
if ($repl.Failing -gt 0) { $issues += 'replication_failures' }
if ($locked -gt $max_locked_accounts) { $issues += 'many_locked_accounts' }
if ($require_dns_resolution -and -not $dns) { $issues += 'domain_not_resolving' }
$observed = [ordered]@{
    replication_link_count    = $repl.Links
    replication_failure_count = $repl.Failing
    locked_account_count      = $locked
    dns_resolves              = $dns
    issues                    = $issues
}
$expected = [ordered]@{ replication_failure_count = 0; locked_account_count = "<= $max_locked_accounts"; issues = @() }
if ($require_dns_resolution) { $expected['dns_resolves'] = $true }
if ($issues.Count -eq 0) {
    Out-Result 'pass' $observed $expected 'domain controller replication, DNS and lockouts are healthy'
} else {
    Out-Result 'fail' $observed $expected ('AD health drift: ' + ($issues -join ', '))
}
