# Parses each given .ps1 file with the real PowerShell parser; prints one JSON object of file -> errors.
param([Parameter(Mandatory)] [string]$ListFile)
$ErrorActionPreference = 'Stop'
$out = [ordered]@{}
foreach ($path in Get-Content -LiteralPath $ListFile) {
    $tokens = $null
    $errors = $null
    $null = [System.Management.Automation.Language.Parser]::ParseFile($path, [ref]$tokens, [ref]$errors)
    $out[$path] = @($errors | ForEach-Object { '{0}:{1} {2}' -f $_.Extent.StartLineNumber, $_.Extent.StartColumnNumber, $_.Message })
}
$out | ConvertTo-Json -Depth 4 -Compress
