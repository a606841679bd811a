#Requires -Version 7.4
<#
.SYNOPSIS
    Build tasks for the DeepSeekV4 module: Build, Test, Docs, Package, Demo, Bench.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Package', 'Demo', 'Bench')]
    [string[]] $Task = 'Build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

foreach ($t in $Task) {
    switch ($t) {
        'Build' { dotnet build Module.sln -c $Configuration; if ($LASTEXITCODE) { throw "build failed" } }
        'Test' {
            dotnet test Module.sln -c $Configuration; if ($LASTEXITCODE) { throw "tests failed" }
            if (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0') {
                if (Test-Path tests/Pester) { Invoke-Pester -Path tests/Pester -Output Detailed -CI }
            }
        }
        'Bench' { dotnet run --project src/DeepSeekV4.Cli -c Release -- bench @args }
        default { Write-Warning "task $t arrives with a later change" }
    }
}
