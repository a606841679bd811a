#Requires -Version 7.4
<#
.SYNOPSIS
    Build tasks for the DeepSeekV4 module: Build, Test, Docs, Package, Demo, Bench.
.DESCRIPTION
    Build    dotnet build (the cmdlet assembly lands in module/bin, where DeepSeekV4.psd1 loads it).
    Test     dotnet test, then the Pester suite in tests/Pester in a fresh pwsh when Pester 5 is installed.
    Docs     MAML help from docs/*.md with PlatyPS (Microsoft.PowerShell.PlatyPS 1.x or platyPS 0.14) into module/en-US.
    Package  a clean module folder out/DeepSeekV4/<version> (manifest, formats, types, bin, help).
    Demo     builds, makes the demo model (random weights), imports the module, pipes two documents through
             Invoke-DSCompletion and shows Get-DSKvCacheStats.
    Bench    dsv4 bench with the remaining arguments.
.EXAMPLE
    ./build.ps1 -Task Build, Test
.EXAMPLE
    ./build.ps1 -Task Demo
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Package', 'Demo', 'Bench')]
    [string[]] $Task = 'Build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [Parameter(ValueFromRemainingArguments)]
    [string[]] $BenchArguments = @()
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Native([scriptblock] $Command, [string] $What) {
    & $Command
    if ($LASTEXITCODE) { throw "$What failed (exit code $LASTEXITCODE)" }
}

$dsv4 = { dotnet (Join-Path $PSScriptRoot "src/DeepSeekV4.Cli/bin/$Configuration/net10.0/dsv4.dll") @args }

foreach ($t in $Task) {
    switch ($t) {
        'Build' {
            Invoke-Native { dotnet build Module.sln -c $Configuration } 'build'
        }
        'Test' {
            Invoke-Native { dotnet test Module.sln -c $Configuration } 'dotnet test'
            if (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0') {
                # a fresh process: a loaded module assembly stays locked, and the suite imports the module itself
                Invoke-Native { pwsh -NoProfile -Command "Invoke-Pester -Path '$PSScriptRoot/tests/Pester' -Output Detailed -CI" } 'Pester'
            }
            else {
                Write-Warning 'Pester 5 is not installed: tests/Pester skipped (Install-Module Pester -MinimumVersion 5.0)'
            }
        }
        'Docs' {
            $out = Join-Path $PSScriptRoot 'module/en-US'
            New-Item -ItemType Directory -Force $out | Out-Null
            $pages = Get-ChildItem docs -Filter *.md | Where-Object Name -NotLike 'about_*'
            if (Get-Module -ListAvailable Microsoft.PowerShell.PlatyPS) {
                Import-Module Microsoft.PowerShell.PlatyPS
                $help = $pages | ForEach-Object { Import-MarkdownCommandHelp -Path $_.FullName }
                $staging = Join-Path ([IO.Path]::GetTempPath()) "dsv4-help-$PID"
                $help | Export-MamlCommandHelp -OutputFolder $staging -Force | Out-Null
                # Export-MamlCommandHelp writes into <folder>/<module>/; help belongs in en-US
                Get-ChildItem $staging -Recurse -Filter *.xml | Copy-Item -Destination $out -Force
                Remove-Item $staging -Recurse -Force
            }
            elseif (Get-Module -ListAvailable platyPS) {
                Import-Module platyPS
                New-ExternalHelp -Path $pages.FullName -OutputPath $out -Force | Out-Null
            }
            else {
                throw 'PlatyPS is not installed (Install-PSResource Microsoft.PowerShell.PlatyPS)'
            }
            Copy-Item docs/about_DeepSeekV4.md (Join-Path $out 'about_DeepSeekV4.help.txt') -Force
            Get-ChildItem $out | ForEach-Object { Write-Host "help: $($_.FullName)" }
        }
        'Package' {
            Invoke-Native { dotnet build src/DeepSeekV4.PowerShell -c Release } 'build'
            $version = (Import-PowerShellDataFile DeepSeekV4.psd1).ModuleVersion
            $target = Join-Path $PSScriptRoot "out/DeepSeekV4/$version"
            if (Test-Path $target) { Remove-Item $target -Recurse -Force }
            New-Item -ItemType Directory -Force (Join-Path $target 'module/bin') | Out-Null
            Copy-Item DeepSeekV4.psd1 $target
            Copy-Item module/*.ps1xml (Join-Path $target 'module')
            Get-ChildItem module/bin -File | Where-Object Extension -In '.dll', '.json' | Copy-Item -Destination (Join-Path $target 'module/bin')
            if (Test-Path module/en-US) { Copy-Item module/en-US (Join-Path $target 'module') -Recurse }
            Test-ModuleManifest (Join-Path $target 'DeepSeekV4.psd1') | Format-List Name, Version, ExportedCmdlets
            Write-Host "package: $target"
        }
        'Demo' {
            Invoke-Native { dotnet build Module.sln -c $Configuration } 'build'
            $model = Join-Path $PSScriptRoot 'out/demo/tiny.gguf'
            New-Item -ItemType Directory -Force (Split-Path $model) | Out-Null
            Write-Host 'Making the demo model: a synthetic DeepSeek V4 with RANDOM weights, so its text is noise.'
            Invoke-Native { & $dsv4 make-model --preset tiny --out $model } 'make-model'
            # a fresh process, so the module assembly is not locked in this one
            $demo = @"
Import-Module '$PSScriptRoot/DeepSeekV4.psd1'
Get-DSMemoryEstimate -LiteralPath '$model' -ContextLength 4096
Import-DSModel -LiteralPath '$model' -Name demo -ContextLength 4096 -PassThru | Format-Table
Get-ChildItem '$PSScriptRoot/docs/examples' -Filter *.txt |
    Invoke-DSCompletion -Instruction 'Summarize this document in one sentence:' -MaxTokens 32 -Seed 42 |
    Format-List Source, FinishReason, PromptTokens, ReusedTokens, CompletionTokens, PrefillTokensPerSecond, DecodeTokensPerSecond, Text
Get-DSKvCacheStats
"@
            Invoke-Native { pwsh -NoProfile -Command $demo } 'demo'
        }
        'Bench' {
            Invoke-Native { dotnet run --project src/DeepSeekV4.Cli -c Release -- bench @BenchArguments } 'bench'
        }
    }
}
