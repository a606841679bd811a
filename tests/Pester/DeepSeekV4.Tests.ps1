#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    The module in a real pwsh host: imports the built module (dotnet build Module.sln first; build.ps1 -Task Test
    runs this file in a fresh process) and exercises every cmdlet on a tiny synthetic model made by dsv4 make-model.
#>

BeforeAll {
    $root = Resolve-Path (Join-Path $PSScriptRoot '../..')
    $cli = Get-ChildItem (Join-Path $root 'src/DeepSeekV4.Cli/bin') -Recurse -Filter dsv4.dll | Sort-Object LastWriteTime -Descending | Select-Object -First 1
    if (-not $cli) { throw 'dsv4.dll not found: run dotnet build Module.sln first' }
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "dsv4-pester-$PID"
    New-Item -ItemType Directory -Force $work | Out-Null
    $script:modelPath = Join-Path $work 'tiny.gguf'
    & dotnet $cli.FullName make-model --preset tiny --out $modelPath 2>$null | Out-Null
    if ($LASTEXITCODE) { throw "dsv4 make-model failed ($LASTEXITCODE)" }
    Set-Content (Join-Path $work 'a.txt') 'The quarterly report shows revenue up twelve percent.'
    Set-Content (Join-Path $work 'b.txt') 'Memo: the office moves to the new building in March.'
    [IO.File]::WriteAllBytes((Join-Path $work 'binary.bin'), [byte[]](0x7F, 0x45, 0x4C, 0x46, 0, 0, 1, 2, 0, 0xFF))
    Set-Content (Join-Path $work 'broken.gguf') 'this is not a GGUF file'
    Import-Module (Join-Path $root 'DeepSeekV4.psd1') -Force
}

AfterAll {
    Get-DSModel | Remove-DSModel -Confirm:$false
    Remove-Module DeepSeekV4 -ErrorAction SilentlyContinue
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Module' {
    It 'exports exactly the eight cmdlets' {
        (Get-Command -Module DeepSeekV4).Name | Sort-Object | Should -Be @(
            'Clear-DSKvCache', 'Get-DSKvCacheStats', 'Get-DSMemoryEstimate', 'Get-DSModel', 'Import-DSModel', 'Invoke-DSCompletion',
            'Measure-DSPerplexity', 'Remove-DSModel')
    }

    It 'imports without unapproved-verb warnings' {
        $warnings = pwsh -NoProfile -Command "Import-Module '$(Join-Path $root 'DeepSeekV4.psd1')' -WarningVariable w 3>`$null; `$w.Count"
        $warnings | Should -Be 0
    }
}

Describe 'Get-DSMemoryEstimate' {
    It 'estimates a file without loading it' {
        $e = Get-DSMemoryEstimate -Path $modelPath -ContextLength 4096 -KvCacheType Q8_0
        $e | Should -BeOfType DeepSeekV4.Engine.Inference.MemoryEstimate
        $e.ContextLength | Should -Be 4096
        $e.KvCacheType | Should -Be 'Q8_0'
        $e.WeightBytes | Should -BeGreaterThan 0
        $e.TotalBytes | Should -Be ($e.WeightBytes + $e.KvCacheBytes + $e.ScratchBytes)
        Get-DSModel | Should -BeNullOrEmpty
    }

    It 'accepts 1M and the built-in configurations by name' {
        $e = Get-DSMemoryEstimate -Name V4-Flash -ContextLength 1M -AvailableMemory 48GB
        $e.ContextLength | Should -Be 1048576
        $e.AvailableBytes | Should -Be 48GB
        $e.Fits | Should -BeFalse
    }

    It 'takes files from the pipeline' {
        @(Get-ChildItem $work -Filter *.gguf | Where-Object Name -eq 'tiny.gguf' | Get-DSMemoryEstimate).Count | Should -Be 1
    }
}

Describe 'Import-DSModel' {
    It 'refuses a missing file with ObjectNotFound' {
        Import-DSModel -LiteralPath (Join-Path $work 'missing.gguf') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'refuses a malformed GGUF with InvalidData' {
        Import-DSModel -LiteralPath (Join-Path $work 'broken.gguf') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'loads the same file under another name and KV cache type, sharing the weights' {
        $m = Import-DSModel -LiteralPath $modelPath -Name other -ContextLength 1024 -KvCacheType F32 -PassThru
        $m.KvCacheType | Should -Be 'F32'
        $m.SharedBy | Should -BeGreaterOrEqual 1
        Remove-DSModel other -Confirm:$false
    }

    It 'loads a model and makes it current' {
        $m = Import-DSModel -Path $modelPath -Name tiny -ContextLength 2048 -PassThru
        $m | Should -BeOfType DeepSeekV4.Engine.Inference.ModelInfo
        $m.Name | Should -Be 'tiny'
        $m.Architecture | Should -Be 'deepseek4'
        $m.ContextLength | Should -Be 2048
        $m.KvCacheType | Should -Be 'Native'
        $m.IsCurrent | Should -BeTrue
        $m.TensorTypes.Type | Should -Contain 'F16'
    }

    It 'accepts FileInfo objects from the pipeline' {
        Get-Item $modelPath | Import-DSModel -Name piped -PassThru | Select-Object -ExpandProperty Name | Should -Be 'piped'
        Remove-DSModel piped -Confirm:$false
    }

    It 'reads a Q8_0 model into memory with -NoMmap and completes with it' {
        $q8Path = Join-Path $work 'tiny-q8_0.gguf'
        & dotnet $cli.FullName make-model --preset tiny --weights q8_0 --out $q8Path 2>$null | Out-Null
        $m = Import-DSModel -LiteralPath $q8Path -Name copied -NoMmap -PassThru
        $m.TensorTypes.Type | Should -Contain 'Q8_0'
        (Invoke-DSCompletion 'Hello' -Model copied -MaxTokens 3 -Seed 1).CompletionTokens | Should -BeLessOrEqual 3
        Remove-DSModel copied -Confirm:$false
    }
}

Describe 'Invoke-DSCompletion' {
    It 'completes a prompt with a typed result' {
        $r = Invoke-DSCompletion 'Hello' -MaxTokens 5 -Seed 1
        $r | Should -BeOfType DeepSeekV4.Engine.Inference.CompletionResult
        $r.CompletionTokens | Should -BeLessOrEqual 5
        $r.FinishReason | Should -BeIn 'MaxTokens', 'EndOfSequence'
        $r.Model | Should -Be 'tiny'
        $r.Source | Should -Be 'prompt'
    }

    It 'gives the same text for the same seed' {
        (Invoke-DSCompletion 'Once' -MaxTokens 12 -Seed 7).Text | Should -Be (Invoke-DSCompletion 'Once' -MaxTokens 12 -Seed 7).Text
    }

    It 'writes one result per piped file and reuses the shared instruction' {
        $results = Get-ChildItem $work -Filter *.txt | Sort-Object Name | Invoke-DSCompletion -Instruction 'Summarize:' -MaxTokens 4 -Seed 3
        $results.Count | Should -Be 2
        $results[0].Source | Should -Be (Join-Path $work 'a.txt')
        $results[1].ReusedTokens | Should -BeGreaterThan 0
    }

    It 'writes one result per piped string' {
        $results = 'first text', 'second text' | Invoke-DSCompletion -MaxTokens 2
        $results.Source | Should -Be @('pipeline:1', 'pipeline:2')
    }

    It 'reports a bad item as a non-terminating error and goes on' {
        $results = Get-ChildItem $work -File | Where-Object Extension -in '.txt', '.bin' | Sort-Object Name |
            Invoke-DSCompletion -MaxTokens 2 -ErrorVariable err -ErrorAction SilentlyContinue
        $results.Count | Should -Be 2
        $err.Count | Should -Be 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'streams text to the information stream and still returns the result' {
        $r = Invoke-DSCompletion 'Stream this' -MaxTokens 6 -Seed 2 -Stream -InformationVariable chunks 6>$null
        ($chunks | Where-Object Tags -contains 'DSCompletion.Chunk').MessageData.Message -join '' | Should -Be $r.Text
    }

    It 'stops at MaxTokens 0 after reading the prompt' {
        (Invoke-DSCompletion 'warm the cache' -MaxTokens 0).CompletionTokens | Should -Be 0
    }

    It 'fails with InvalidOperation when no model is loaded in a new runspace' {
        $ps = [PowerShell]::Create()
        $null = $ps.AddScript("Import-Module '$(Join-Path $root 'DeepSeekV4.psd1')'; Invoke-DSCompletion 'x'")
        { $ps.Invoke() } | Should -Throw
        $ps.Streams.Error.Count + ($ps.HadErrors ? 1 : 0) | Should -BeGreaterThan 0
        $ps.Dispose()
    }

    It 'stops cleanly with Ctrl+C (pipeline stop) and the model stays usable' {
        $ps = [PowerShell]::Create([System.Management.Automation.RunspaceMode]::NewRunspace)
        $null = $ps.AddScript("Import-Module '$(Join-Path $root 'DeepSeekV4.psd1')'; Import-DSModel -LiteralPath '$modelPath' -ContextLength 2048; Invoke-DSCompletion 'long' -MaxTokens 1500")
        $async = $ps.BeginInvoke()
        Start-Sleep -Milliseconds 1500
        $ps.Stop()
        $ps.Commands.Clear()
        $null = $ps.AddScript("(Invoke-DSCompletion 'after stop' -MaxTokens 3).CompletionTokens")
        $ps.Invoke() | Should -BeLessOrEqual 3
        $ps.Dispose()
    }
}

Describe 'Get-DSKvCacheStats' {
    It 'reports the cache with the MHA / GQA / MLA comparison' {
        $s = Get-DSKvCacheStats | Where-Object Sequence -eq 'Active'
        $s | Should -BeOfType DeepSeekV4.Engine.Inference.KvCacheReport
        $s.Tokens | Should -BeGreaterThan 0
        $s.Format | Should -Be 'Native'
        $s.UncompressedMhaBytes | Should -BeGreaterThan $s.TotalBytes
        ($s | Format-Table | Out-String) | Should -Match 'smaller'
    }

    It 'reports per layer' {
        $layers = Get-DSKvCacheStats -Model tiny -PerLayer | Where-Object Sequence -eq 'Active'
        $layers.Count | Should -Be 6
        $layers.Attention | Should -Be @('window', 'window', 'CSA', 'HCA', 'CSA', 'HCA')
    }

    It 'takes model objects from the pipeline' {
        (Get-DSModel tiny | Get-DSKvCacheStats).Model | Should -Contain 'tiny'
    }
}

Describe 'Measure-DSPerplexity' {
    BeforeAll {
        $script:report = (1..30 | ForEach-Object { "Line $_ of the quarterly report: revenue rose twelve percent in the north." }) -join "`n"
        $script:reportPath = Join-Path $work 'report.md'
        Set-Content $reportPath $report
    }

    It 'writes one typed result per format; the baseline format agrees with itself' {
        $r = $report | Measure-DSPerplexity -Model tiny -ContextLength 64 -KvCacheType Native, Q8_0, Q4_0
        $r.Count | Should -Be 3
        $r[0] | Should -BeOfType DeepSeekV4.Engine.Inference.Perplexity.PerplexityMeasurement
        @($r.KvCacheType | ForEach-Object { "$_" }) | Should -Be @('Native', 'Q8_0', 'Q4_0')
        $r.Source | Should -Be @('pipeline:1', 'pipeline:1', 'pipeline:1')
        $r[0].MeanKld | Should -Be 0
        $r[0].Top1AgreementPercent | Should -Be 100
        $r[0].PerplexityDelta | Should -Be 0
        $r[2].MeanKld | Should -BeGreaterThan 0
        $r[2].BytesPerToken | Should -BeLessThan $r[0].BytesPerToken
        $r | ForEach-Object { $_.Tokens | Should -Be $r[0].Tokens; $_.Perplexity | Should -BeGreaterThan 1 }
        ($r | Format-Table | Out-String) | Should -Match 'Q4_0'
    }

    It 'scores piped files and -Path wildcards, one result per file and format' {
        (Get-Item $reportPath | Measure-DSPerplexity -Model tiny -ContextLength 64).Source | Should -Be $reportPath
        $r = Measure-DSPerplexity -Path (Join-Path $work 'rep*.md') -Model tiny -ContextLength 64 -KvCacheType F16, Q4_0
        @($r.KvCacheType | ForEach-Object { "$_" }) | Should -Be @('F16', 'Q4_0')
    }

    It 'compares against another loaded model as the baseline' {
        Import-DSModel -LiteralPath $modelPath -Name base | Out-Null
        try {
            $r = Measure-DSPerplexity -Path $reportPath -Model tiny -BaselineModel base -ContextLength 64 -KvCacheType Native, Q4_0
            $r.BaselineModel | Should -Be @('base', 'base')
            $r[0].MeanKld | Should -Be 0
            $r[1].MeanKld | Should -BeGreaterThan 0
        }
        finally {
            Remove-DSModel base -Confirm:$false
        }
    }

    It 'reports text too short to score as a non-terminating error and goes on' {
        $r = 'a', $report | Measure-DSPerplexity -Model tiny -ContextLength 64 -ErrorVariable err -ErrorAction SilentlyContinue
        $r.Source | Should -Be 'pipeline:2'
        $err.Count | Should -Be 1
    }

    It 'stops cleanly with Ctrl+C (pipeline stop) and the model stays usable' {
        $ps = [PowerShell]::Create([System.Management.Automation.RunspaceMode]::NewRunspace)
        $null = $ps.AddScript("Import-Module '$(Join-Path $root 'DeepSeekV4.psd1')'; Import-DSModel -LiteralPath '$modelPath'; " +
            "Measure-DSPerplexity -LiteralPath '$reportPath' -ContextLength 64 -KvCacheType Native, F32, F16, BF16, Q8_0, Q4_0")
        $async = $ps.BeginInvoke()
        Start-Sleep -Milliseconds 1500
        $ps.Stop()
        $ps.Commands.Clear()
        $null = $ps.AddScript("(Measure-DSPerplexity -LiteralPath '$reportPath' -ContextLength 32 -KvCacheType Q8_0).KvCacheType.ToString()")
        $ps.Invoke() | Should -Be 'Q8_0'
        $ps.Dispose()
    }
}

Describe 'Get-DSModel, Clear-DSKvCache, Remove-DSModel' {
    It 'lists loaded models and matches wildcards' {
        (Get-DSModel).Name | Should -Contain 'tiny'
        (Get-DSModel ti*).Name | Should -Be 'tiny'
        Get-DSModel nothing -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'completes model names' {
        $c = TabExpansion2 -inputScript 'Invoke-DSCompletion -Model ti' -cursorColumn 'Invoke-DSCompletion -Model ti'.Length
        $c.CompletionMatches.CompletionText | Should -Contain 'tiny'
    }

    It 'honours -WhatIf and clears the cache' {
        Clear-DSKvCache -WhatIf
        (Get-DSKvCacheStats | Where-Object Sequence -eq 'Active').Tokens | Should -BeGreaterThan 0
        Clear-DSKvCache -Confirm:$false
        (Get-DSKvCacheStats | Where-Object Sequence -eq 'Active').Tokens | Should -Be 0
    }

    It 'removes a model and frees it' {
        Remove-DSModel tiny -WhatIf
        (Get-DSModel).Name | Should -Contain 'tiny'
        Get-DSModel tiny | Remove-DSModel -Confirm:$false -PassThru | Select-Object -ExpandProperty Name | Should -Be 'tiny'
        (Get-DSModel).Name | Should -Not -Contain 'tiny'
        { Invoke-DSCompletion 'x' -Model tiny -ErrorAction Stop } | Should -Throw
    }
}
