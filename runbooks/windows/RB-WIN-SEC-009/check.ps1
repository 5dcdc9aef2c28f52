# RB-WIN-SEC-009 check: every member of the local Administrators group (SID S-1-5-32-544, whatever its
# localised name) matches the allow-list. Reports counts and the names of flagged members only.
param(
    [string[]]$allowed_admins = @('Administrator', 'Domain Admins', 'Enterprise Admins', 'svc.monitoring', 'svc.backup'),
    [bool]$include_domain_members = $true,
    [int]$recent_password_hours = 24,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $state_dir
$AdminsSid = 'S-1-5-32-544'

function Write-Result([string]$Status, [string]$Message, [string]$Reason, $Observed) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($Reason) { $r.reason_code = $Reason }
    $r | ConvertTo-Json -Compress -Depth 4
}

# An entry with a backslash matches the qualified name (CONTOSO\Domain Admins); without one it matches
# the account name or the SID. Only * and ? are wildcards; every other character is literal.
function Test-AllowedPrincipal([string]$FullName, [string]$Sid, [string[]]$Allowed) {
    $short = $FullName.Substring($FullName.LastIndexOf('\') + 1)
    foreach ($entry in $Allowed) {
        if ([string]::IsNullOrWhiteSpace($entry)) { continue }
        $subjects = if ($entry.Contains('\')) { @($FullName) } else { @($short, $Sid) }
        if ($entry.IndexOfAny([char[]]@('*', '?')) -ge 0) {
            $pattern = [System.Management.Automation.WildcardPattern]::new(($entry -replace '([\[\]`])', '`$1'), [System.Management.Automation.WildcardOptions]::IgnoreCase)
            foreach ($s in $subjects) { if ($pattern.IsMatch($s)) { return $true } }
        } else {
            foreach ($s in $subjects) { if ([string]::Equals($s, $entry, [System.StringComparison]::OrdinalIgnoreCase)) { return $true } }
        }
    }
    return $false
}

if (-not (Get-Command -Name Get-LocalGroupMember -ErrorAction SilentlyContinue)) {
    Write-Result 'error' 'the LocalAccounts cmdlets are not available on this host' 'LOCAL_ACCOUNTS_UNAVAILABLE' @{}
    exit 0
}
try {
    $members = @(Get-LocalGroupMember -SID $AdminsSid)
} catch {
    Write-Result 'error' 'the members of the local Administrators group could not be read' 'ADMIN_GROUP_UNREADABLE' @{}
    exit 0
}

$flagged = @()
$enabledFlagged = 0
$recent = 0
$since = (Get-Date).AddHours(-$recent_password_hours)
foreach ($m in $members) {
    $name = [string]$m.Name
    $sid = [string]$m.SID
    $isLocal = @('Local', 'MicrosoftAccount') -contains [string]$m.PrincipalSource
    if (-not $isLocal -and -not $include_domain_members) { continue }
    if (Test-AllowedPrincipal -FullName $name -Sid $sid -Allowed $allowed_admins) { continue }
    $flagged += $name
    if ($isLocal -and [string]$m.ObjectClass -eq 'User') {
        $u = Get-LocalUser -SID $sid
        if ($u.Enabled) { $enabledFlagged++ }
        if ($null -ne $u.PasswordLastSet -and [datetime]$u.PasswordLastSet -gt $since) { $recent++ }
    }
}
$flaggedCount = $flagged.Count
$flagged = @($flagged | Sort-Object | Select-Object -First 100 | ForEach-Object { if ($_.Length -gt 256) { $_.Substring(0, 256) } else { $_ } })

$status = if ($flaggedCount -eq 0) { 'pass' } else { 'fail' }
[ordered]@{
    status   = $status
    observed = [ordered]@{
        admin_count                = $members.Count
        flagged_count              = $flaggedCount
        flagged_accounts           = $flagged
        flagged_enabled_local_count = $enabledFlagged
        recent_password_count      = $recent
        domain_members_checked     = $include_domain_members
    }
    expected = [ordered]@{ flagged_count = 0 }
    message  = if ($status -eq 'pass') { "all $($members.Count) members of Administrators are on the allow-list" } else { "$flaggedCount of $($members.Count) members of Administrators are not on the allow-list" }
} | ConvertTo-Json -Compress -Depth 4
