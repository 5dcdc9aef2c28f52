# RB-WIN-BACKUP-001 verify: wait (up to verify_wait_minutes) for running backups to finish, then
# decide exactly like the check.
param(
    [int]$max_backup_age_hours = 24,
    [string]$backup_source = 'auto',
    [string[]]$veeam_job_names = @(),
    [bool]$accept_warning_result = $true,
    [int]$verify_wait_minutes = 50
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

# Whether Windows Server Backup is running a job now (Get-WBJob returns nothing when idle on some builds).
function Test-WsbRunning {
    $job = Get-WBJob
    return $null -ne $job -and $null -ne $job.PSObject.Properties['JobState'] -and [string]$job.JobState -eq 'Running'
}

# Which product to read: wsb, veeam, or $null when none is installed.
function Select-BackupSource {
    $hasWsb = $null -ne (Get-Command -Name Get-WBSummary -ErrorAction SilentlyContinue)
    $hasVeeam = $null -ne (Get-Command -Name Get-VBRJob -ErrorAction SilentlyContinue)
    if (-not $hasVeeam -and $backup_source -ne 'wsb') {
        Import-Module -Name Veeam.Backup.PowerShell -ErrorAction SilentlyContinue
        $hasVeeam = $null -ne (Get-Command -Name Get-VBRJob -ErrorAction SilentlyContinue)
    }
    switch ($backup_source) {
        'wsb' { if ($hasWsb) { return 'wsb' } else { return $null } }
        'veeam' { if ($hasVeeam) { return 'veeam' } else { return $null } }
    }
    if ($hasWsb -and ($null -ne (Get-WBPolicy) -or -not $hasVeeam)) { return 'wsb' }
    if ($hasVeeam) { return 'veeam' }
    return $null
}

# Veeam jobs this runbook watches: the named ones, or every job with an enabled schedule.
function Get-WatchedJobs {
    $all = @(Get-VBRJob)
    if (@($veeam_job_names).Count -gt 0) { return , @($all | Where-Object { $veeam_job_names -contains [string]$_.Name }) }
    return , @($all | Where-Object { $_.IsScheduleEnabled })
}

# Evaluates the backup state as a check result (ordered hashtable with status, observed, message …).
function Measure-Backup([string]$Source) {
    $now = Get-Date
    $issues = @()
    $observed = [ordered]@{ backup_source = $Source }
    if ($Source -eq 'wsb') {
        $policy = Get-WBPolicy
        $summary = Get-WBSummary
        $running = (Test-WsbRunning)
        $last = $summary.LastSuccessfulBackupTime
        $age = if ($null -ne $last -and $last.Year -ge 2000) { [math]::Max(0.0, [math]::Round(($now - $last).TotalHours, 1)) } else { $null }
        $hr = [int]$summary.LastBackupResultHR
        $observed['last_success_age_hours'] = $age
        $observed['last_result'] = if ($hr -eq 0) { 'Success' } else { 'Failed 0x{0:X8}' -f $hr }
        $observed['job_count'] = if ($null -ne $policy) { 1 } else { 0 }
        $observed['stale_job_count'] = 0
        $observed['backup_running'] = $running
        if ($null -eq $policy) { $issues += 'no_backup_policy' }
        if ($null -eq $age) { $issues += 'never_succeeded' }
        elseif ($age -gt $max_backup_age_hours) { $issues += 'backup_too_old' }
        if ($null -ne $policy -and $issues.Count) { $observed['stale_job_count'] = 1 }
    } else {
        $jobs = Get-WatchedJobs
        $missingNames = @($veeam_job_names | Where-Object { @($jobs | ForEach-Object { [string]$_.Name }) -notcontains $_ })
        $ok = @('Success')
        if ($accept_warning_result) { $ok += 'Warning' }
        $stale = 0
        $running = $false
        $worst = $null
        $results = @()
        foreach ($job in $jobs) {
            $session = $job.FindLastSession()
            if ([string]$job.GetLastState() -eq 'Working') { $running = $true }
            $good = $null -ne $session -and $ok -contains [string]$session.Result -and ([datetime]$session.EndTime).Year -ge 2000
            $age = if ($good) { [math]::Max(0.0, [math]::Round(($now - [datetime]$session.EndTime).TotalHours, 1)) } else { $null }
            $results += $(if ($null -ne $session) { [string]$session.Result } else { 'None' })
            if (-not $good -or $age -gt $max_backup_age_hours) { $stale++ }
            if (-not $good) { $worst = -1 } elseif ($worst -ne -1 -and ($null -eq $worst -or $age -gt $worst)) { $worst = $age }
        }
        $observed['last_success_age_hours'] = if ($worst -eq -1) { $null } else { $worst }
        $observed['last_result'] = if ($results -contains 'Failed') { 'Failed' } elseif ($results -contains 'None') { 'None' } elseif ($results -contains 'Warning') { 'Warning' } elseif ($results.Count) { 'Success' } else { 'None' }
        $observed['job_count'] = @($jobs).Count
        $observed['stale_job_count'] = $stale
        $observed['backup_running'] = $running
        if (@($jobs).Count -eq 0) { $issues += 'no_scheduled_jobs' }
        if ($missingNames.Count -gt 0) { $issues += 'named_job_missing' }
        if ($stale -gt 0) { $issues += 'backup_too_old' }
        $observed['missing_job_count'] = $missingNames.Count
    }
    $observed['issues'] = $issues
    $expected = [ordered]@{ last_success_age_hours = "<= $max_backup_age_hours"; stale_job_count = 0; issues = @() }
    $message = if ($issues.Count -eq 0) { "last successful backup is within $max_backup_age_hours h" } else { 'backup drift: ' + ($issues -join ', ') }
    return [ordered]@{ status = $(if ($issues.Count -eq 0) { 'pass' } else { 'fail' }); observed = $observed; expected = $expected; message = $message }
}

try {
    $source = Select-BackupSource
    if ($null -eq $source) {
        Out-Result 'error' @{} $null "no supported backup product ($backup_source) is installed on this host" 'NO_BACKUP_PRODUCT'
        exit 0
    }
    $deadline = (Get-Date).AddMinutes($verify_wait_minutes)
    $r = Measure-Backup $source
    while ($r.observed.backup_running -and (Get-Date) -lt $deadline) {
        Start-Sleep -Seconds 30
        $r = Measure-Backup $source
    }
} catch {
    Out-Result 'error' @{} $null ('the backup status could not be read (HRESULT 0x{0:X8})' -f $_.Exception.HResult) 'BACKUP_STATUS_UNREADABLE'
    exit 0
}
if ($r.status -eq 'fail' -and $r.observed.backup_running) {
    $r.message = "a backup is still running after $verify_wait_minutes min; " + $r.message
}
Out-Result $r.status $r.observed $r.expected $r.message
