# RB-WIN-PATCH-001 remediate: download and install pending updates of install_severities through the
# Windows Update Agent. Records the KBs about to be installed once (for a manual uninstall). A second
# run finds nothing to install.
param(
    [string[]]$fail_severities = @('Critical'),
    [string[]]$install_severities = @('Critical', 'Important'),
    [bool]$accept_eulas = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
function Get-Kb($Update) {
    $kb = @($Update.KBArticleIDs | ForEach-Object { [string]$_ }) -join ','
    if ($kb.Length -gt 100) { return $kb.Substring(0, 100) }
    if ($kb) { return $kb }
    return 'no-kb'
}

$uncovered = @($fail_severities | Where-Object { $install_severities -notcontains $_ })
if ($uncovered.Count -gt 0) {
    Out-Result 'error' @{ installed_kbs = @() } ('install_severities must include ' + ($uncovered -join ', ') + ' or the check can never pass') 'INVALID_PARAMETERS'
    exit 1
}
# COM failures reach PowerShell wrapped (MethodInvocationException); the HRESULT is on the innermost exception.
function Get-HResult($ErrorRecord) {
    $e = $ErrorRecord.Exception
    while ($null -ne $e.InnerException) { $e = $e.InnerException }
    return $e.HResult
}

try {
    $session = New-Object -ComObject Microsoft.Update.Session
} catch {
    Out-Result 'error' @{ installed_kbs = @() } 'the Windows Update Agent is not available on this host' 'WU_UNAVAILABLE'
    exit 1
}
try {
    $result = $session.CreateUpdateSearcher().Search("IsInstalled=0 and IsHidden=0 and Type='Software'")
} catch {
    Out-Result 'error' @{ installed_kbs = @() } ('the Windows Update search failed (HRESULT 0x{0:X8})' -f (Get-HResult $_)) 'WU_SEARCH_FAILED'
    exit 1
}
$coll = New-Object -ComObject Microsoft.Update.UpdateColl
$kbs = @()
$skippedEula = @()
foreach ($u in $result.Updates) {
    if ($install_severities -notcontains [string]$u.MsrcSeverity) { continue }
    if (-not $u.EulaAccepted) {
        if (-not $accept_eulas) { $skippedEula += Get-Kb $u; continue }
        $u.AcceptEula()
    }
    $null = $coll.Add($u)
    $kbs += Get-Kb $u
}
if ($coll.Count -eq 0) {
    $status = if ($skippedEula.Count) { 'error' } else { 'pass' }
    Out-Result $status ([ordered]@{ installed_kbs = @(); skipped_eula_kbs = $skippedEula }) $(if ($skippedEula.Count) { 'only updates that need licence acceptance are pending (accept_eulas is false)' } else { 'nothing to install' }) $(if ($skippedEula.Count) { 'EULA_NOT_ACCEPTED' } else { '' })
    exit $(if ($skippedEula.Count) { 1 } else { 0 })
}

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-PATCH-001.json'
if (-not (Test-Path -LiteralPath $record)) {
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    [ordered]@{ runbook = 'RB-WIN-PATCH-001'; recorded_utc = [datetime]::UtcNow.ToString('o'); kbs_to_install = $kbs } |
        ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $record -Encoding utf8
}
try {
    $downloader = $session.CreateUpdateDownloader()
    $downloader.Updates = $coll
    $download = $downloader.Download()
    if ([int]$download.ResultCode -notin @(2, 3)) {
        Out-Result 'error' ([ordered]@{ installed_kbs = @(); download_result_code = [int]$download.ResultCode }) 'the updates could not be downloaded' 'DOWNLOAD_FAILED'
        exit 1
    }
    $installer = $session.CreateUpdateInstaller()
    $installer.Updates = $coll
    $install = $installer.Install()
} catch {
    $hr = Get-HResult $_
    $reason = if ($hr -eq -2147024891) { 'WU_INSTALL_DENIED' } else { 'INSTALL_FAILED' }
    Out-Result 'error' ([ordered]@{ installed_kbs = @() }) ('installing updates failed (HRESULT 0x{0:X8})' -f $hr) $reason
    exit 1
}
$code = [int]$install.ResultCode
$observed = [ordered]@{
    installed_kbs    = $kbs
    skipped_eula_kbs = $skippedEula
    result_code      = $code
    reboot_required  = [bool]$install.RebootRequired
}
if ($code -eq 2) {
    Out-Result 'pass' $observed ("installed {0} update(s){1}" -f $kbs.Count, $(if ($install.RebootRequired) { '; a reboot is required' } else { '' }))
    exit 0
}
Out-Result 'error' $observed ("Windows Update finished with result code {0} (3 = some failed, 4 = failed, 5 = aborted)" -f $code) $(if ($code -eq 3) { 'PARTIALLY_INSTALLED' } else { 'INSTALL_FAILED' })
exit 1
