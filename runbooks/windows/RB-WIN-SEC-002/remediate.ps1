# RB-WIN-SEC-002 remediate: turn on the missing Success/Failure flags of the listed subcategories
# (never turns any off). Records the prior flags of the changed subcategories once for rollback.
param(
    [string[]]$audit_success_subcategories = @(
        '{0CCE9215-69AE-11D9-BED3-505054503030}',
        '{0CCE9216-69AE-11D9-BED3-505054503030}',
        '{0CCE9217-69AE-11D9-BED3-505054503030}',
        '{0CCE9235-69AE-11D9-BED3-505054503030}',
        '{0CCE9237-69AE-11D9-BED3-505054503030}',
        '{0CCE922F-69AE-11D9-BED3-505054503030}',
        '{0CCE9230-69AE-11D9-BED3-505054503030}',
        '{0CCE9228-69AE-11D9-BED3-505054503030}'
    ),
    [string[]]$audit_failure_subcategories = @(
        '{0CCE9215-69AE-11D9-BED3-505054503030}',
        '{0CCE9217-69AE-11D9-BED3-505054503030}',
        '{0CCE9235-69AE-11D9-BED3-505054503030}',
        '{0CCE9237-69AE-11D9-BED3-505054503030}',
        '{0CCE922F-69AE-11D9-BED3-505054503030}',
        '{0CCE9228-69AE-11D9-BED3-505054503030}'
    ),
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}
# Current flags per subcategory GUID (0 none, 1 success, 2 failure, 3 both), or $null with $script:readError set.
function Read-AuditPolicy {
    $lines = @(auditpol.exe /get '/category:*' /r)
    if ($LASTEXITCODE -ne 0) { $script:readError = 'AUDITPOL_FAILED'; return $null }
    $flags = @{ 'No Auditing' = 0; 'Success' = 1; 'Failure' = 2; 'Success and Failure' = 3 }
    $map = @{}
    foreach ($row in @($lines | Where-Object { $_ -ne '' } | ConvertFrom-Csv)) {
        $setting = [string]$row.'Inclusion Setting'
        if (-not $flags.ContainsKey($setting)) { $script:readError = 'UNRECOGNISED_AUDIT_SETTING'; return $null }
        $map[([string]$row.'Subcategory GUID').ToUpperInvariant()] = @{ Name = [string]$row.Subcategory; Value = $flags[$setting] }
    }
    return $map
}
function Resolve-Guid($Map, [string]$Item) {
    $key = $Item.Trim().ToUpperInvariant()
    if ($Map.ContainsKey($key)) { return $key }
    foreach ($g in $Map.Keys) { if ($Map[$g].Name -ieq $Item.Trim()) { return $g } }
    return $null
}

if (-not (Get-Command -Name auditpol.exe -ErrorAction SilentlyContinue)) {
    Out-Result 'error' @{ changed = @() } 'auditpol.exe is not available on this host' 'AUDITPOL_UNAVAILABLE'
    exit 1
}
$script:readError = $null
$policy = Read-AuditPolicy
if ($null -eq $policy) {
    Out-Result 'error' @{ changed = @() } 'the audit policy could not be read' $script:readError
    exit 1
}
# Required bits per GUID, from the same lists the check uses.
$wanted = [ordered]@{}
$unknown = @()
foreach ($req in @(@{ Items = $audit_success_subcategories; Bit = 1 }, @{ Items = $audit_failure_subcategories; Bit = 2 })) {
    foreach ($item in @($req.Items)) {
        $g = Resolve-Guid $policy $item
        if ($null -eq $g) { $unknown += $item; continue }
        $wanted[$g] = [int]$(if ($wanted.Contains($g)) { $wanted[$g] } else { 0 }) -bor $req.Bit
    }
}
if ($unknown.Count -gt 0) {
    Out-Result 'error' @{ changed = @() } 'some listed audit subcategories do not exist on this host; nothing changed' 'SUBCATEGORY_NOT_FOUND'
    exit 1
}
$todo = @($wanted.Keys | Where-Object { ($policy[$_].Value -band $wanted[$_]) -ne $wanted[$_] })
$changed = @()
if ($todo.Count -gt 0) {
    $record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-002.json'
    if (-not (Test-Path -LiteralPath $record)) {
        $null = New-Item -ItemType Directory -Path $state_dir -Force
        $prior = @($todo | ForEach-Object { [ordered]@{ guid = $_; name = $policy[$_].Name; value = $policy[$_].Value } })
        [ordered]@{ runbook = 'RB-WIN-SEC-002'; recorded_utc = [datetime]::UtcNow.ToString('o'); subcategories = $prior } |
            ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $record -Encoding utf8
    }
    foreach ($g in $todo) {
        $missingBits = $wanted[$g] -band (-bnot $policy[$g].Value)
        $argv = @('/set', "/subcategory:$g")
        if ($missingBits -band 1) { $argv += '/success:enable' }
        if ($missingBits -band 2) { $argv += '/failure:enable' }
        $null = auditpol.exe @argv
        if ($LASTEXITCODE -ne 0) {
            Out-Result 'error' ([ordered]@{ changed = $changed }) "auditpol /set failed with exit code $LASTEXITCODE for $($policy[$g].Name)" 'AUDITPOL_FAILED'
            exit 1
        }
        $changed += $policy[$g].Name
    }
    $after = Read-AuditPolicy
    if ($null -eq $after) {
        Out-Result 'error' ([ordered]@{ changed = $changed }) 'the audit policy could not be read back' $script:readError
        exit 1
    }
    $still = @($wanted.Keys | Where-Object { ($after[$_].Value -band $wanted[$_]) -ne $wanted[$_] } | ForEach-Object { $after[$_].Name })
    if ($still.Count -gt 0) {
        Out-Result 'error' ([ordered]@{ changed = $changed; still_missing = $still }) 'auditpol accepted the change but the policy did not change' 'SETTING_NOT_APPLIED'
        exit 1
    }
}
Out-Result 'pass' ([ordered]@{ changed = $changed }) $(if ($changed.Count) { 'auditing turned on for ' + ($changed -join ', ') } else { 'nothing to change' })
