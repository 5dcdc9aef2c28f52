# RB-WIN-SEC-002 rollback: set each changed subcategory back to its recorded Success/Failure flags,
# then remove the record.
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
$null = $audit_success_subcategories, $audit_failure_subcategories

function Out-Result([string]$Status, $Observed, [string]$Message, [string]$ReasonCode) {
    $r = [ordered]@{ status = $Status; observed = $Observed; message = $Message }
    if ($ReasonCode) { $r['reason_code'] = $ReasonCode }
    $r | ConvertTo-Json -Compress -Depth 4
}

$record = Join-Path -Path $state_dir -ChildPath 'RB-WIN-SEC-002.json'
if (-not (Test-Path -LiteralPath $record)) {
    Out-Result 'error' @{} 'no recorded audit settings to roll back to' 'NO_ROLLBACK_STATE'
    exit 1
}
$restored = @()
try {
    $saved = @((Get-Content -LiteralPath $record -Raw | ConvertFrom-Json).subcategories)
    foreach ($entry in $saved) {
        $guid = [string]$entry.guid
        if ($guid -notmatch '^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$') { continue }
        $value = [int]$entry.value
        $argv = @('/set', "/subcategory:$guid",
            $(if ($value -band 1) { '/success:enable' } else { '/success:disable' }),
            $(if ($value -band 2) { '/failure:enable' } else { '/failure:disable' }))
        $null = auditpol.exe @argv
        if ($LASTEXITCODE -ne 0) { throw [System.InvalidOperationException]::new("auditpol exit code $LASTEXITCODE") }
        $restored += [string]$entry.name
    }
    Remove-Item -LiteralPath $record
} catch {
    Out-Result 'error' ([ordered]@{ restored = $restored }) 'rollback of the audit policy failed' 'ROLLBACK_FAILED'
    exit 1
}
Out-Result 'pass' ([ordered]@{ restored = $restored }) 'recorded audit settings restored'
