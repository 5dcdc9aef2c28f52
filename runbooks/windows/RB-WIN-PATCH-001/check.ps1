# RB-WIN-PATCH-001 check: no pending software update of the fail severities (Windows Update search).
param(
    [string[]]$fail_severities = @('Critical'),
    [string[]]$install_severities = @('Critical', 'Important'),
    [bool]$accept_eulas = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $install_severities, $accept_eulas, $state_dir

function Out-Result([string]$Status, $Observed, $Expected, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed }
    if ($null -ne $Expected) { $r['expected'] = $Expected }
    $r['message'] = $Message
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
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
    Out-Result 'error' @{} $null 'the Windows Update Agent is not available on this host' 'WU_UNAVAILABLE'
    exit 0
}
try {
    $result = $session.CreateUpdateSearcher().Search("IsInstalled=0 and IsHidden=0 and Type='Software'")
} catch {
    Out-Result 'error' @{} $null ('the Windows Update search failed (HRESULT 0x{0:X8})' -f (Get-HResult $_)) 'WU_SEARCH_FAILED'
    exit 0
}
$total = 0
$bySeverity = @{ Critical = 0; Important = 0 }
$failingKbs = @()
foreach ($u in $result.Updates) {
    $total++
    $sev = [string]$u.MsrcSeverity
    if ($bySeverity.ContainsKey($sev)) { $bySeverity[$sev]++ }
    if ($fail_severities -contains $sev) {
        $kb = @($u.KBArticleIDs | ForEach-Object { [string]$_ }) -join ','
        $failingKbs += $(if ($kb.Length -gt 100) { $kb.Substring(0, 100) } elseif ($kb) { $kb } else { 'no-kb' })
    }
}
$rebootPending = $null
try { $rebootPending = [bool](New-Object -ComObject Microsoft.Update.SystemInfo).RebootRequired } catch { $rebootPending = $null }
$observed = [ordered]@{
    pending_total     = $total
    pending_critical  = $bySeverity.Critical
    pending_important = $bySeverity.Important
    failing_count     = $failingKbs.Count
    failing_kbs       = @($failingKbs | Select-Object -First 50)
    reboot_pending    = $rebootPending
}
$expected = [ordered]@{ failing_count = 0; failing_kbs = @() }
if ($failingKbs.Count -eq 0) {
    Out-Result 'pass' $observed $expected ("no pending {0} updates ({1} other updates pending)" -f ($fail_severities -join '/'), $total)
} else {
    Out-Result 'fail' $observed $expected ("{0} pending {1} update(s)" -f $failingKbs.Count, ($fail_severities -join '/'))
}
