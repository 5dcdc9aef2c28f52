# RB-WIN-SEC-012 remediate: start the EventLog service, enable the listed logs, raise the Security log
# size and audit "Audit Policy Change" (success and failure). Records the prior log and audit settings
# first. A log clear cannot be undone; it is reported by the check and ages out after since_hours.
param(
    [string[]]$logs = @('Security', 'System', 'Application'),
    [int]$security_log_min_mb = 1024,
    [int]$since_hours = 24,
    [bool]$audit_policy_change = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $since_hours
$AuditPolicyChange = '{0CCE922F-69AE-11D9-BED3-505054503030}'
$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-012.json'

# Keeps the first recorded prior value of each setting (one record per incident).
function Save-Prior([object[]]$Entries) {
    $saved = @()
    if (Test-Path -LiteralPath $record) { $saved = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).values) }
    $keys = @($saved | ForEach-Object { ([string]$_.kind + '|' + [string]$_.name).ToLowerInvariant() })
    $new = @($Entries | Where-Object { $keys -notcontains ([string]$_.kind + '|' + [string]$_.name).ToLowerInvariant() })
    if ($new.Count -eq 0) { return }
    $null = New-Item -ItemType Directory -Path $state_dir -Force
    ConvertTo-Json -InputObject ([ordered]@{ runbook = 'RB-WIN-SEC-012'; values = @($saved) + $new }) -Depth 5 | Set-Content -LiteralPath $record -Encoding utf8
}
function Invoke-Wevtutil([string]$Log, [string]$Option) {
    $null = wevtutil.exe sl $Log $Option
    if ($LASTEXITCODE -ne 0) { throw "wevtutil could not change log ${Log} (exit $LASTEXITCODE)" }
}

$changed = @()
$svc = Get-Service -Name EventLog
if ([string]$svc.StartType -eq 'Disabled') { Set-Service -Name EventLog -StartupType Automatic; $changed += 'EventLog:StartType' }
if ([string]$svc.Status -ne 'Running') { Start-Service -Name EventLog; $changed += 'EventLog:Start' }

$prior = @()
$actions = @()
$minBytes = [long]$security_log_min_mb * 1MB
foreach ($name in @(@($logs) + 'Security' | Sort-Object -Unique)) {
    $cfg = @(Get-WinEvent -ListLog $name | Where-Object { $_.LogName -ieq $name })[0]
    if ($null -eq $cfg) { throw "event log $name not found" }
    if (-not $cfg.IsEnabled) {
        $prior += [ordered]@{ kind = 'log_enabled'; name = [string]$cfg.LogName; value = $false }
        $actions += , @([string]$cfg.LogName, '/e:true')
    }
    if ($name -ieq 'Security' -and [long]$cfg.MaximumSizeInBytes -lt $minBytes) {
        $prior += [ordered]@{ kind = 'log_size'; name = [string]$cfg.LogName; value = [long]$cfg.MaximumSizeInBytes }
        $actions += , @([string]$cfg.LogName, "/ms:$minBytes")
    }
}
$audit = $null
if ($audit_policy_change) {
    $lines = @(auditpol.exe /get ('/subcategory:' + $AuditPolicyChange) /r | Where-Object { "$_".Trim() -ne '' })
    if ($LASTEXITCODE -ne 0) { throw "auditpol could not read the audit policy (exit $LASTEXITCODE)" }
    $setting = [string](@($lines | ConvertFrom-Csv)[0].'Inclusion Setting')
    if ($setting -ne 'Success and Failure') {
        $prior += [ordered]@{ kind = 'audit'; name = $AuditPolicyChange; value = $setting }
        $audit = $setting
    }
}

if ($prior.Count) { Save-Prior $prior }
foreach ($a in $actions) { Invoke-Wevtutil $a[0] $a[1]; $changed += ($a[0] + ':' + $a[1]) }
if ($null -ne $audit) {
    $null = auditpol.exe /set ('/subcategory:' + $AuditPolicyChange) /success:enable /failure:enable
    if ($LASTEXITCODE -ne 0) { throw "auditpol could not set Audit Policy Change (exit $LASTEXITCODE)" }
    $changed += 'AuditPolicyChange'
}
[ordered]@{
    status   = 'pass'
    observed = [ordered]@{ changed = $changed }
    message  = if ($changed.Count) { 'changed ' + ($changed -join ', ') } else { 'nothing to change' }
} | ConvertTo-Json -Compress -Depth 4
