#Requires -Version 7.6
<#
.SYNOPSIS
    Build tasks for the DeepSeekV4 module: Build, Test, Docs, Package, Demo, Bench, KvTable.
.DESCRIPTION
    Build    dotnet build (the cmdlet assembly lands in module/bin, where DeepSeekV4.psd1 loads it).
    Test     dotnet test (xunit, trx files in TestResults/), then the Pester suite in tests/Pester in a fresh pwsh
             with Pester 5.7.1 (fetched from NuGet into .tools/ by tools/Install-Pester.ps1 when absent; JUnit
             result in TestResults/Pester.junit.xml); prints "N passed, N failed, N skipped" over both; fails when either fails.
    Docs     help from docs/*.md (PlatyPS schema) by src/DeepSeekV4.HelpBuilder: MAML and about_DeepSeekV4.help.txt
             in en-US/ beside the manifest, where Get-Help looks.
    Package  a clean module folder out/DeepSeekV4/<version> (manifest, en-US help, formats, types, bin) built with
             -Configuration, checked with Test-ModuleManifest and by importing it in a fresh pwsh.
    Demo     builds, imports the module and the trained model (models/dsv4-sysadmin.gguf), pipes the example documents through
             Invoke-DSCompletion (the second reuses the cached instruction) and shows Get-DSKvCacheStats.
    Bench    dsv4 bench with the remaining arguments, or with -BenchArguments '--model m.gguf -p 512 -n 128' as one
             string (needed from bash: pwsh reads a bare -p as an abbreviation of its own parameters).
    KvTable  builds, then regenerates the KV-cache format table of the trained model (tools/Update-KvTable.ps1):
             docs/measurements/kv-format-quality.md and the tables in README.md and docs/about_DeepSeekV4.md.
    From bash, give several tasks as one word: -Task Build,Test (PowerShell also takes -Task Build, Test).
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Build,Test,Docs,Package
.EXAMPLE
    ./build.ps1 -Task Demo
#>
[CmdletBinding(PositionalBinding = $false)]
param(
    [string[]] $Task = 'Build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [Parameter(ValueFromRemainingArguments)]
    [string[]] $BenchArguments = @()
)
$ErrorActionPreference = 'Stop'
$tasks = 'Build', 'Test', 'Docs', 'Package', 'Demo', 'Bench', 'KvTable'
# from bash, -Task Build,Test arrives as the one word 'Build,Test', and -Task Build, Test as 'Build,' then 'Test'
while ($Task[-1].EndsWith(',') -and $BenchArguments) {
    $Task += $BenchArguments[0]
    $BenchArguments = @($BenchArguments | Select-Object -Skip 1)
}
$Task = @($Task -split ',' | ForEach-Object Trim | Where-Object { $_ })
$unknown = $Task | Where-Object { $_ -notin $tasks }
if ($unknown) { throw "Unknown task '$($unknown -join "', '")': the tasks are $($tasks -join ', ')" }

function Invoke-Native([scriptblock] $Command, [string] $What) {
    & $Command
    if ($LASTEXITCODE) { throw "$What failed (exit code $LASTEXITCODE)" }
}

# a fresh pwsh, the same one that runs this script (an installed pwsh, or 'dotnet pwsh' from the tool manifest)
function Invoke-Pwsh {
    $exe = [Environment]::ProcessPath
    $dll = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' }
    & $exe @($dll | Where-Object { $_ }) -NoProfile @args
}

# passed, failed, skipped over the xunit trx files and the Pester JUnit file in $Folder
function Get-TestCount([string] $Folder) {
    $count = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($trx in Get-ChildItem $Folder -Filter *.trx -ErrorAction Ignore) {
        $c = ([xml](Get-Content -Raw $trx)).TestRun.ResultSummary.Counters
        $count.Passed += [int]$c.passed
        $count.Failed += [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
        $count.Skipped += [int]$c.total - [int]$c.executed
    }
    foreach ($junit in Get-ChildItem $Folder -Filter Pester*.xml -ErrorAction Ignore) {
        $suites = ([xml](Get-Content -Raw $junit)).testsuites
        $status = @($suites.SelectNodes('//testcase').status)
        $count.Passed += @($status -eq 'Passed').Count
        $count.Failed += @($status -eq 'Failed').Count + [int]$suites.errors   # errors: test files that failed to run
        $count.Skipped += @($status | Where-Object { $_ -notin 'Passed', 'Failed' }).Count
    }
    $count
}

$dsv4 = { dotnet (Join-Path $PSScriptRoot "src/DeepSeekV4.Cli/bin/$Configuration/net10.0/dsv4.dll") @args }

function Invoke-Docs {
    $project = Join-Path $PSScriptRoot 'src/DeepSeekV4.HelpBuilder'
    if (-not (Test-Path $project)) { throw "The help builder is missing ($project): the Docs task needs it" }
    $out = Join-Path $PSScriptRoot 'en-US'
    Invoke-Native { dotnet run --project $project -c $Configuration -- (Join-Path $PSScriptRoot 'docs') $out } 'help builder'
    Get-ChildItem $out | ForEach-Object { Write-Host "help: $($_.FullName)" }
}

Push-Location $PSScriptRoot
try {
    foreach ($t in $Task) {
        switch ($t) {
            'Build' {
                Invoke-Native { dotnet build Module.sln -c $Configuration } 'build'
            }
            'Test' {
                $results = Join-Path $PSScriptRoot 'TestResults'
                Remove-Item $results -Recurse -Force -ErrorAction Ignore
                dotnet test Module.sln -c $Configuration --logger trx --results-directory $results
                $xunitExit = $LASTEXITCODE
                $pester = & (Join-Path $PSScriptRoot 'tools/Install-Pester.ps1')
                # a fresh process: a loaded module assembly stays locked, and the suite imports the module itself
                Invoke-Pwsh -File (Join-Path $PSScriptRoot 'tools/Invoke-PesterSuite.ps1') -PesterManifest $pester -ResultPath (Join-Path $results 'Pester.junit.xml')
                $pesterExit = $LASTEXITCODE
                $count = Get-TestCount $results
                if ($xunitExit) { Write-Host "dotnet test failed (exit code $xunitExit)" }
                if ($pesterExit) { Write-Host "Pester failed (exit code $pesterExit)" }
                Write-Host "$($count.Passed) passed, $($count.Failed) failed, $($count.Skipped) skipped"
                if ($xunitExit -or $pesterExit) { exit 1 }
            }
            'Docs' {
                Invoke-Docs
            }
            'Package' {
                Invoke-Native { dotnet build src/DeepSeekV4.PowerShell -c $Configuration } 'build'
                if (-not (Test-Path en-US/*.xml)) { Invoke-Docs }
                $version = (Import-PowerShellDataFile DeepSeekV4.psd1).ModuleVersion
                $target = Join-Path $PSScriptRoot "out/DeepSeekV4/$version"
                Remove-Item $target -Recurse -Force -ErrorAction Ignore
                New-Item -ItemType Directory -Force (Join-Path $target 'module') | Out-Null
                Copy-Item DeepSeekV4.psd1 $target
                Copy-Item en-US $target -Recurse
                Copy-Item module/*.ps1xml (Join-Path $target 'module')
                Copy-Item module/bin (Join-Path $target 'module') -Recurse
                if ($Configuration -eq 'Release') { Get-ChildItem (Join-Path $target 'module/bin') -Recurse -Filter *.pdb | Remove-Item }
                $manifest = Join-Path $target 'DeepSeekV4.psd1'
                Test-ModuleManifest $manifest | Format-List Name, Version, @{ n = 'ExportedCmdlets'; e = { $_.ExportedCmdlets.Keys -join ', ' } }
                $check = "Import-Module '$manifest' -ErrorAction Stop; " +
                    "if (-not (Get-Help Import-DSModel).Description) { throw 'the packaged module has no help for Import-DSModel' }; " +
                    "if (-not (Get-Help about_DeepSeekV4)) { throw 'the packaged module has no about_DeepSeekV4' }; " +
                    "'imported from the package: ' + (Get-Command -Module DeepSeekV4).Count + ' cmdlets, with help'"
                Invoke-Native { Invoke-Pwsh -Command $check } 'importing the packaged module'
                Write-Host "package: $target ($Configuration)"
            }
            'Demo' {
                Invoke-Native { dotnet build Module.sln -c $Configuration } 'build'
                # the model trained in this repository (tools/DeepSeekV4.Training), on system-administration text
                $model = Join-Path $PSScriptRoot 'models/dsv4-sysadmin.gguf'
                # a fresh process, so the module assembly is not locked in this one; the model was trained on 1,024 tokens
                $demo = @"
Import-Module '$PSScriptRoot/DeepSeekV4.psd1'
Get-DSMemoryEstimate -LiteralPath '$model' -ContextLength 1024
Import-DSModel -LiteralPath '$model' -Name demo -ContextLength 1024 -PassThru | Format-Table
`$results = Get-ChildItem '$PSScriptRoot/docs/examples' -Filter *.txt |
    Invoke-DSCompletion -Instruction 'Summarize this document in one sentence:' -MaxTokens 48 -Temperature 0.6 -TopP 0.9 -RepeatPenalty 1.15 -Seed 42
`$results | Format-List Source, FinishReason, PromptTokens, ReusedTokens, CompletionTokens, PrefillTokensPerSecond, DecodeTokensPerSecond, Text
if (`$results[1].ReusedTokens -le 0) { throw 'the second document did not reuse the cached instruction' }
"The second document reused `$(`$results[1].ReusedTokens) cached tokens of the instruction."
Get-DSKvCacheStats
"@
                Invoke-Native { Invoke-Pwsh -Command $demo } 'demo'
            }
            'KvTable' {
                Invoke-Native { dotnet build src/DeepSeekV4.Cli -c $Configuration } 'build'
                & (Join-Path $PSScriptRoot 'tools/Update-KvTable.ps1') -Configuration $Configuration
            }
            'Bench' {
                if ($BenchArguments.Count -eq 1) { $BenchArguments = -split $BenchArguments[0] }
                Invoke-Native { dotnet run --project src/DeepSeekV4.Cli -c $Configuration -- bench @BenchArguments } 'bench'
            }
        }
    }
}
finally {
    Pop-Location
}
