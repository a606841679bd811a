#Requires -Version 7.6
<#
.SYNOPSIS
    Runs the Pester suite with the Pester at -PesterManifest (imported by path, not from the module path) and writes
    a JUnit result file (JUnit rather than NUnit 2.5: it also counts the test files that failed to run).
    build.ps1 -Task Test runs this in a fresh pwsh, since a loaded module assembly stays locked.
    Exits with the number of failed tests, blocks and files (0 when all passed).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [string] $Path = (Join-Path $PSScriptRoot '../tests/Pester'),
    [string] $ResultPath = (Join-Path $PSScriptRoot '../TestResults/Pester.junit.xml')
)
$ErrorActionPreference = 'Stop'
$PesterManifest = (Resolve-Path $PesterManifest).Path
# the test files' '#Requires -Modules Pester' must find this Pester, not whichever the user has
$env:PSModulePath = (Split-Path (Split-Path (Split-Path $PesterManifest))) + [IO.Path]::PathSeparator + $env:PSModulePath
Import-Module $PesterManifest -Force

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'JUnitXml'
$config.TestResult.OutputPath = $ResultPath
$run = Invoke-Pester -Configuration $config

$failed = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
if ($run.FailedBlocksCount -or $run.FailedContainersCount) {
    Write-Host "Pester: $($run.FailedBlocksCount) block(s) and $($run.FailedContainersCount) file(s) failed outside a test"
}
exit [Math]::Min($failed, 255)
