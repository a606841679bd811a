#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1')
    Initialize-DSTest
    $text = Get-DSLongText -Words 30
    $docs = New-Item -ItemType Directory -Path (Join-Path $Work 'docs')
    $one = Join-Path $docs 'one.txt'
    $two = Join-Path $docs 'two.txt'
    $bracketed = Join-Path $Work 'doc[1].txt'
    Set-Content -LiteralPath $one $text
    Set-Content -LiteralPath $two (Get-DSLongText -Words 20)
    Set-Content -LiteralPath $bracketed $text
    Import-DSModel -LiteralPath $FixtureModel
}

AfterAll { Complete-DSTest }

Describe 'Measure-DSPerplexity' {
    It 'a piped string gives one measurement' {
        $m = $text | Measure-DSPerplexity -ContextLength 64
        @($m).Count | Should -Be 1
        $m | Should -BeOfType ([DeepSeekV4.Engine.Inference.Perplexity.PerplexityMeasurement])
        $m.Source | Should -Be 'pipeline:1'
        $m.Model | Should -Be $FixtureModelName
        $m.Tokens | Should -BeGreaterThan 10
        $m.Perplexity | Should -BeGreaterThan 1
        [double]::IsFinite($m.Perplexity) | Should -BeTrue
        "$($m.KvCacheType)" | Should -Be 'Native'
    }

    It 'two piped strings give two measurements' {
        $m = $text, (Get-DSLongText -Words 20) | Measure-DSPerplexity -ContextLength 64
        @($m).Count | Should -Be 2
        $m.Source | Should -Be @('pipeline:1', 'pipeline:2')
    }

    It '-InputObject given directly' {
        (Measure-DSPerplexity -InputObject $text -ContextLength 64).Source | Should -Be 'InputObject'
    }

    It '-Path reads each matching file: Source = the file' {
        $m = Measure-DSPerplexity -Path (Join-Path $docs '*.txt') -ContextLength 64
        @($m).Count | Should -Be 2
        @($m.Source | Sort-Object) | Should -Be @($one, $two)
    }

    It '-LiteralPath takes wildcard characters literally' {
        (Measure-DSPerplexity -LiteralPath $bracketed -ContextLength 64).Source | Should -Be $bracketed
    }

    It '-KvCacheType Q8_0,F16 gives one measurement per format against the same baseline' {
        $m = $text | Measure-DSPerplexity -ContextLength 64 -KvCacheType Q8_0, F16
        @($m).Count | Should -Be 2
        @($m.KvCacheType | ForEach-Object ToString) | Should -Be @('Q8_0', 'F16')
        $m | ForEach-Object { $_.Source | Should -Be 'pipeline:1' }
        $m[0].BaselinePerplexity | Should -Be $m[1].BaselinePerplexity
        $m[0].Tokens | Should -Be $m[1].Tokens
        $m | ForEach-Object { $_.MeanKld | Should -BeGreaterOrEqual 0 }
    }

    It 'the baseline format scored against itself agrees exactly' {
        $m = $text | Measure-DSPerplexity -ContextLength 64 -KvCacheType Native -BaselineKvCacheType Native
        $m.MeanKld | Should -Be 0
        $m.Top1AgreementPercent | Should -Be 100
        $m.Perplexity | Should -Be $m.BaselinePerplexity
    }
}
