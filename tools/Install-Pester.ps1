#Requires -Version 7.6
<#
.SYNOPSIS
    Puts Pester into .tools/Modules/Pester/<version> (git-ignored) from NuGet when it is not there yet, and returns
    the path of its manifest. Nothing is installed for the user: the test run imports Pester from that path.
.EXAMPLE
    Import-Module (./tools/Install-Pester.ps1)
#>
[CmdletBinding()]
param(
    [string] $Version = '5.7.1',
    [string] $Destination = (Join-Path $PSScriptRoot '../.tools/Modules')
)
$ErrorActionPreference = 'Stop'
$Destination = [IO.Path]::GetFullPath($Destination)
$target = Join-Path $Destination "Pester/$Version"
$manifest = Join-Path $target 'Pester.psd1'
if (Test-Path $manifest) { return (Resolve-Path $manifest).Path }

$download = Join-Path $Destination "download-$PID"
try {
    Write-Host "Fetching Pester $Version from NuGet into $target"
    $log = dotnet package download "Pester@$Version" -o $download 2>&1
    $tools = Join-Path $download "pester/$Version/tools"
    if ($LASTEXITCODE -or -not (Test-Path (Join-Path $tools 'Pester.psd1'))) {
        throw "Could not fetch Pester $Version from NuGet (dotnet package download Pester@$Version, exit code $LASTEXITCODE). " +
            "Check that NuGet (https://api.nuget.org) is reachable and 'dotnet nuget list source' names it, then run the test command again.`n" +
            ($log -join "`n")
    }
    New-Item -ItemType Directory -Force (Split-Path $target) | Out-Null
    # the package's tools/ folder is the module; moved as a whole so a half-copied module is never left behind
    Move-Item $tools $target
}
finally {
    Remove-Item $download -Recurse -Force -ErrorAction SilentlyContinue
}
(Resolve-Path $manifest).Path
