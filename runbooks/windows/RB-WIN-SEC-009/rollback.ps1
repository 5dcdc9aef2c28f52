# RB-WIN-SEC-009 rollback: put the recorded accounts back into Administrators and re-enable those that
# were enabled before the remediation, then remove the record.
param(
    [string[]]$allowed_admins = @('Administrator', 'Domain Admins', 'Enterprise Admins', 'svc.monitoring', 'svc.backup'),
    [bool]$include_domain_members = $true,
    [int]$recent_password_hours = 24,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $allowed_admins, $include_domain_members, $recent_password_hours
$AdminsSid = 'S-1-5-32-544'

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-009.json'
if (-not (Test-Path -LiteralPath $record)) {
    [ordered]@{ status = 'error'; observed = @{}; message = 'no saved state to roll back to'; reason_code = 'NO_ROLLBACK_STATE' } | ConvertTo-Json -Compress
    exit 1
}
$accounts = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).accounts)
$current = @(Get-LocalGroupMember -SID $AdminsSid | ForEach-Object { [string]$_.SID })
$readded = 0
$enabled = 0
foreach ($a in $accounts) {
    $sid = [string]$a.sid
    if ($current -notcontains $sid) {
        Add-LocalGroupMember -SID $AdminsSid -Member $sid
        $readded++
    }
    if ($a.local_user -and $a.was_enabled -eq $true -and -not (Get-LocalUser -SID $sid).Enabled) {
        Enable-LocalUser -SID $sid
        $enabled++
    }
}
Remove-Item -LiteralPath $record
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ readded_count = $readded; enabled_count = $enabled }
    message  = "restored $readded membership(s) and re-enabled $enabled account(s) from the saved state"
} | ConvertTo-Json -Compress -Depth 4
