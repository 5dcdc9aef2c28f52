# RB-WIN-SEC-009 remediate: for every Administrators member outside the allow-list, disable it when it
# is an enabled local user and remove it from Administrators. Never deletes an account. Refuses when
# no enabled administrator would remain, and never touches the account this script runs as.
param(
    [string[]]$allowed_admins = @('Administrator', 'Domain Admins', 'Enterprise Admins', 'svc.monitoring', 'svc.backup'),
    [bool]$include_domain_members = $true,
    [int]$recent_password_hours = 24,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $recent_password_hours
$AdminsSid = 'S-1-5-32-544'

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

# The SID of the account running this script (Windows only); it is never disabled or removed.
$selfSid = $null
try { $selfSid = [System.Security.Principal.WindowsIdentity]::GetCurrent().User.Value } catch { $selfSid = $null }

$members = @(Get-LocalGroupMember -SID $AdminsSid)
$rows = foreach ($m in $members) {
    $sid = [string]$m.SID
    $isLocal = @('Local', 'MicrosoftAccount') -contains [string]$m.PrincipalSource
    $isLocalUser = $isLocal -and [string]$m.ObjectClass -eq 'User'
    $enabled = $null
    if ($isLocalUser) { $enabled = [bool](Get-LocalUser -SID $sid).Enabled }
    $inScope = $isLocal -or $include_domain_members
    [pscustomobject]@{
        Name      = [string]$m.Name
        Sid       = $sid
        LocalUser = $isLocalUser
        Enabled   = $enabled
        Flagged   = $inScope -and -not (Test-AllowedPrincipal -FullName ([string]$m.Name) -Sid $sid -Allowed $allowed_admins)
    }
}
$rows = @($rows)
$skipped = @($rows | Where-Object { $_.Flagged -and $selfSid -and $_.Sid -eq $selfSid })
$act = @($rows | Where-Object { $_.Flagged -and -not ($selfSid -and $_.Sid -eq $selfSid) } | Sort-Object -Property Name)

if ($act.Count -gt 0) {
    # Someone must still be able to administer the host: a domain principal, a group or an enabled local user.
    $actSids = @($act | ForEach-Object { $_.Sid })
    $usable = @($rows | Where-Object { $actSids -notcontains $_.Sid -and (-not $_.LocalUser -or $_.Enabled) })
    if ($usable.Count -eq 0) {
        [ordered]@{
            status = 'error'; observed = [ordered]@{ flagged_count = $act.Count; flagged_accounts = @($act | ForEach-Object { $_.Name }) }
            message = 'refused: removing the flagged members would leave no enabled administrator'; reason_code = 'LAST_ADMIN_PROTECTED'
        } | ConvertTo-Json -Compress -Depth 4
        exit 1
    }

    # Record the prior state of every account before the first change to it (kept across retries).
    $record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-009.json'
    $saved = @()
    if (Test-Path -LiteralPath $record) { $saved = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).accounts) }
    $known = @($saved | ForEach-Object { [string]$_.sid })
    $new = @($act | Where-Object { $known -notcontains $_.Sid } | ForEach-Object {
            [ordered]@{ sid = $_.Sid; name = $_.Name; local_user = $_.LocalUser; was_enabled = $_.Enabled }
        })
    if ($new.Count -gt 0) {
        $null = New-Item -ItemType Directory -Path $state_dir -Force
        $all = @($saved) + $new
        ConvertTo-Json -InputObject ([ordered]@{ runbook = 'RB-WIN-SEC-009'; accounts = $all }) -Depth 4 | Set-Content -LiteralPath $record -Encoding utf8
    }
}

$disabled = 0
$removed = 0
foreach ($a in $act) {
    if ($a.LocalUser -and $a.Enabled) {
        Disable-LocalUser -SID $a.Sid
        $disabled++
    }
    Remove-LocalGroupMember -SID $AdminsSid -Member $a.Sid
    $removed++
}
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{
        disabled_count   = $disabled
        removed_count    = $removed
        flagged_accounts = @($act | Select-Object -First 100 | ForEach-Object { $_.Name })
        skipped_self     = $skipped.Count
    }
    message  = if ($act.Count) { "disabled $disabled and removed $removed member(s) from Administrators; no account was deleted" } else { 'nothing to change' }
} | ConvertTo-Json -Compress -Depth 4
