# RB-WIN-SEC-011 check: User Account Control is on (EnableLUA), administrators are prompted before
# elevation (ConsentPromptBehaviorAdmin is not 0), the prompt uses the secure desktop, and legacy-app
# virtualization is on.
param(
    [int]$consent_prompt_behavior_admin = 2,
    [bool]$prompt_on_secure_desktop = $true,
    [bool]$enable_virtualization = $true,
    [string]$state_dir = 'C:\ProgramData\writ\rollback'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$null = $consent_prompt_behavior_admin, $state_dir
$Key = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System'

function Read-RegValue([string]$Path, [string]$Name) {
    if (-not (Test-Path -LiteralPath $Path)) { return $null }
    $item = Get-ItemProperty -LiteralPath $Path
    if ($null -eq $item) { return $null }
    $p = $item.PSObject.Properties[$Name]
    if ($null -eq $p) { return $null }
    return , $p.Value
}
function Test-Integer($v) { return ($v -is [int] -or $v -is [long] -or $v -is [uint32]) }
function Format-Observed($v) {
    if ($null -eq $v) { return $null }
    if (Test-Integer $v) { return [long]$v }
    $s = [string]$v
    if ($s.Length -gt 200) { $s = $s.Substring(0, 200) }
    return $s
}

try {
    if (-not (Test-Path -LiteralPath $Key)) {
        [ordered]@{ status = 'error'; observed = @{}; message = 'the UAC policy registry key is missing or unreadable'; reason_code = 'REGISTRY_UNREADABLE' } | ConvertTo-Json -Compress
        exit 0
    }
    $lua = Read-RegValue $Key 'EnableLUA'
    $consent = Read-RegValue $Key 'ConsentPromptBehaviorAdmin'
    $secure = Read-RegValue $Key 'PromptOnSecureDesktop'
    $virt = Read-RegValue $Key 'EnableVirtualization'
} catch {
    [ordered]@{ status = 'error'; observed = @{}; message = 'the UAC settings could not be read'; reason_code = 'REGISTRY_UNREADABLE' } | ConvertTo-Json -Compress
    exit 0
}

$issues = @()
if (-not ((Test-Integer $lua) -and [long]$lua -eq 1)) { $issues += 'UAC_DISABLED' }
# Without a value Windows uses 5 (prompt for consent for non-Windows binaries); 0 elevates silently.
if ($null -ne $consent -and -not ((Test-Integer $consent) -and [long]$consent -ge 1 -and [long]$consent -le 5)) { $issues += 'ADMIN_PROMPT_DISABLED' }
if ($prompt_on_secure_desktop -and -not ((Test-Integer $secure) -and [long]$secure -eq 1)) { $issues += 'SECURE_DESKTOP_OFF' }
if ($enable_virtualization -and -not ((Test-Integer $virt) -and [long]$virt -eq 1)) { $issues += 'VIRTUALIZATION_OFF' }

$status = if ($issues.Count -eq 0) { 'pass' } else { 'fail' }
[ordered]@{
    status   = $status
    observed = [ordered]@{
        uac_enabled           = Format-Observed $lua
        admin_prompt_behavior = Format-Observed $consent
        secure_desktop        = Format-Observed $secure
        virtualization        = Format-Observed $virt
        issues                = $issues
    }
    expected = [ordered]@{ uac_enabled = 1; admin_prompt_behavior = '1-5'; secure_desktop = 1; virtualization = 1; issues = @() }
    message  = if ($status -eq 'pass') { 'User Account Control is enabled and prompts administrators' } else { 'UAC drift: ' + ($issues -join ', ') }
} | ConvertTo-Json -Compress -Depth 4
