# Test harness (never shipped): runs runbook steps one after another in this pwsh process, with the
# Windows-only cmdlets replaced by stand-ins (test/fixtures/pwsh-standins/*.ps1) that hold state in
# $global:WritState and record every call in $global:WritCalls.
param(
    [Parameter(Mandatory)] [string]$ScenarioFile
)
$ErrorActionPreference = 'Stop'
$scenario = Get-Content -LiteralPath $ScenarioFile -Raw | ConvertFrom-Json -AsHashtable
$global:WritState = $scenario.state
$global:WritCalls = [System.Collections.Generic.List[object]]::new()

foreach ($standin in $scenario.standins) { . $standin }

$results = foreach ($step in $scenario.steps) {
    $global:LASTEXITCODE = 0
    $params = $step.params
    $lines = @()
    $errorText = $null
    try {
        $lines = @(& $step.script @params | ForEach-Object { [string]$_ })
    } catch {
        $errorText = $_.Exception.Message
    }
    [ordered]@{
        step   = $step.name
        code   = if ($errorText) { 1 } else { [int]$global:LASTEXITCODE }
        stdout = $lines
        error  = $errorText
    }
}
$report = [ordered]@{ results = @($results); state = $global:WritState; calls = $global:WritCalls }
'---writ-scenario-report---'
$report | ConvertTo-Json -Depth 12 -Compress
