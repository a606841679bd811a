#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1')
    Initialize-DSTest
    $docs = New-Item -ItemType Directory -Path (Join-Path $Work 'docs')
    $report = Join-Path $docs 'report.txt'
    $memo = Join-Path $docs 'memo.txt'
    $bracketed = Join-Path $Work 'doc[1].txt'
    Set-Content -LiteralPath $report 'The quarterly report shows revenue up twelve percent.'
    Set-Content -LiteralPath $memo 'Memo: the office moves to the new building in March.'
    Set-Content -LiteralPath $bracketed 'A file whose name has wildcard characters.'
    Import-DSModel -LiteralPath $FixtureModel
}

AfterAll { Complete-DSTest }

Describe 'Invoke-DSCompletion' {
    It '-Prompt alone gives one CompletionResult' {
        $r = Invoke-DSCompletion -Prompt 'Write a short story about a cat.' -MaxTokens 4 -Temperature 0
        @($r).Count | Should -Be 1
        $r | Should -BeOfType ([DeepSeekV4.Engine.Inference.CompletionResult])
        $r.Source | Should -Be 'prompt'
        $r.Model | Should -Be $FixtureModelName
        $r.PromptTokens | Should -BeGreaterThan 0
        $r.CompletionTokens | Should -BeGreaterThan 0
        $r.CompletionTokens | Should -BeLessOrEqual 4
        $r.Text | Should -BeOfType ([string])
    }

    It '-Prompt given positionally' {
        (Invoke-DSCompletion 'Hello' -MaxTokens 1 -Temperature 0).Source | Should -Be 'prompt'
    }

    It 'strings piped in give one result each, in order' {
        $results = 'first document', 'second document', 'third document' | Invoke-DSCompletion -MaxTokens 2 -Temperature 0
        @($results).Count | Should -Be 3
        $results.Source | Should -Be @('pipeline:1', 'pipeline:2', 'pipeline:3')
    }

    It '-Path reads each matching file: one result per file, Source = the file' {
        $results = Invoke-DSCompletion -Path (Join-Path $docs '*.txt') -MaxTokens 2 -Temperature 0
        @($results).Count | Should -Be 2
        @($results.Source | Sort-Object) | Should -Be @($memo, $report)
    }

    It '-LiteralPath reads a file whose name has wildcard characters' {
        $r = Invoke-DSCompletion -LiteralPath $bracketed -MaxTokens 2 -Temperature 0
        $r.Source | Should -Be $bracketed
    }

    It 'the document''s text reaches the prompt' {
        $short = Invoke-DSCompletion -InputObject 'x' -MaxTokens 1 -Temperature 0
        $file = Invoke-DSCompletion -LiteralPath $report -MaxTokens 1 -Temperature 0
        $file.PromptTokens | Should -BeGreaterThan ($short.PromptTokens + 5)
    }

    It '-Instruction goes into the prompt with the document' {
        $plain = Invoke-DSCompletion -LiteralPath $report -MaxTokens 1 -Temperature 0
        $instructed = Invoke-DSCompletion -LiteralPath $report -Instruction 'Summarize this document in one sentence.' -MaxTokens 1 -Temperature 0
        $instructed.PromptTokens | Should -BeGreaterThan ($plain.PromptTokens + 5)
        $instructed.Source | Should -Be $report
    }

    It '-Stream writes chunks tagged DSCompletion.Chunk whose concatenation is the result''s Text' {
        $r = Invoke-DSCompletion -Prompt 'Write a short story about a cat.' -MaxTokens 12 -Temperature 0 -Stream `
            -InformationVariable info -InformationAction SilentlyContinue
        $chunks = @($info | Where-Object { $_.Tags -contains 'DSCompletion.Chunk' })
        $chunks.Count | Should -BeGreaterThan 1
        (-join ($chunks | ForEach-Object { $_.MessageData.Message })) | Should -BeExactly $r.Text
        $r.Text.Length | Should -BeGreaterThan 0
    }

    It 'without -Stream writes no chunks' {
        $null = Invoke-DSCompletion -Prompt 'Hello' -MaxTokens 3 -Temperature 0 -InformationVariable info -InformationAction SilentlyContinue
        @($info | Where-Object { $_.Tags -contains 'DSCompletion.Chunk' }).Count | Should -Be 0
    }

    It '-Seed with -Temperature > 0 gives the same text twice' {
        $a = Invoke-DSCompletion -Prompt 'Tell me a joke.' -MaxTokens 12 -Temperature 0.9 -Seed 1234
        $b = Invoke-DSCompletion -Prompt 'Tell me a joke.' -MaxTokens 12 -Temperature 0.9 -Seed 1234
        $b.Text | Should -BeExactly $a.Text
        $a.Seed | Should -Be 1234
        $b.Seed | Should -Be 1234
    }

    It 'different seeds give different texts' {
        $texts = 1..4 | ForEach-Object { (Invoke-DSCompletion -Prompt 'Tell me a joke.' -MaxTokens 12 -Temperature 1.5 -Seed $_).Text }
        @($texts | Sort-Object -Unique).Count | Should -BeGreaterThan 1
    }

    It '-Temperature 0 is deterministic' {
        $a = Invoke-DSCompletion -Prompt 'Write a short story about a cat.' -MaxTokens 10 -Temperature 0
        $b = Invoke-DSCompletion -Prompt 'Write a short story about a cat.' -MaxTokens 10 -Temperature 0
        $b.Text | Should -BeExactly $a.Text
    }

    It '-Stop ends the text before the stop string' {
        $full = (Invoke-DSCompletion -Prompt 'Write a short story about a cat.' -MaxTokens 16 -Temperature 0).Text
        # A two-letter stop string that first occurs a third of the way in.
        $at = -1
        for ($k = [Math]::Max(1, [int]($full.Length / 3)); $k -lt $full.Length - 1; $k++) {
            $candidate = $full.Substring($k, 2)
            if ($candidate -cmatch '^[A-Za-z]{2}$' -and $full.IndexOf($candidate, [StringComparison]::Ordinal) -eq $k) { $at = $k; break }
        }
        $at | Should -BeGreaterThan 0 -Because "the greedy text '$full' needs a letter pair to stop at"
        $r = Invoke-DSCompletion -Prompt 'Write a short story about a cat.' -MaxTokens 16 -Temperature 0 -Stop $full.Substring($at, 2)
        $r.FinishReason | Should -Be 'StopString'
        $r.Text | Should -BeExactly $full.Substring(0, $at)
    }

    It '-MaxTokens <_> generates exactly that many tokens' -ForEach @(1, 5) {
        $r = Invoke-DSCompletion -Prompt 'Write a short story about a cat.' -MaxTokens $_ -Temperature 0
        $r.CompletionTokens | Should -Be $_
        $r.FinishReason | Should -Be 'MaxTokens'
    }

    It '-MaxTokens 0 generates nothing' {
        $r = Invoke-DSCompletion -Prompt 'Hello' -MaxTokens 0
        $r.CompletionTokens | Should -Be 0
        $r.Text | Should -BeExactly ''
    }

    It '-Model picks a model other than the current one' {
        $other = Copy-DSFixtureModel -Name 'other.gguf'
        Import-DSModel -LiteralPath $other -Name other
        try {
            (Invoke-DSCompletion -Prompt 'Hi' -MaxTokens 1 -Model $FixtureModelName -Temperature 0).Model | Should -Be $FixtureModelName
            (Invoke-DSCompletion -Prompt 'Hi' -MaxTokens 1 -Temperature 0).Model | Should -Be 'other'
        }
        finally {
            Remove-DSModel -Name other -Confirm:$false
            Import-DSModel -LiteralPath $FixtureModel
        }
    }

    It 'a repeated prompt reuses the cached prefix' {
        $null = Invoke-DSCompletion -Prompt 'Write a short story about a dog.' -MaxTokens 2 -Temperature 0
        $again = Invoke-DSCompletion -Prompt 'Write a short story about a dog.' -MaxTokens 2 -Temperature 0
        $again.ReusedTokens | Should -BeGreaterThan 0
        $again.ReusedTokens | Should -BeLessThan ($again.PromptTokens + 1)
    }

    It 'writes prefill progress' {
        $rs = New-DSRunspace
        $ps = [powershell]::Create()
        try {
            $ps.Runspace = $rs
            $null = $ps.AddScript("Import-DSModel -LiteralPath '$FixtureModel'; Invoke-DSCompletion -Prompt 'Hello there' -MaxTokens 1 -Temperature 0")
            $out = $ps.Invoke()
            $ps.Streams.Error.Count | Should -Be 0
            @($out).Count | Should -Be 1
            @($ps.Streams.Progress | Where-Object Activity -eq 'Invoke-DSCompletion').Count | Should -BeGreaterThan 0
        }
        finally { $ps.Dispose(); $rs.Dispose() }
    }
}
