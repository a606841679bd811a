#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Get-DSKvCacheStats and Clear-DSKvCache.

BeforeAll {
    . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1')
    Initialize-DSTest
}

AfterAll { Complete-DSTest }

Describe 'Get-DSKvCacheStats' {
    BeforeAll {
        Reset-DSSession
        Import-DSModel -LiteralPath $FixtureModel
        $r = Invoke-DSCompletion -Prompt (Get-DSLongText -Words 60) -MaxTokens 4 -Temperature 0
        $active = @(Get-DSKvCacheStats | Where-Object Sequence -eq 'Active')
    }

    It 'reports the active sequence of the current model' {
        $active.Count | Should -Be 1
        $active[0] | Should -BeOfType ([DeepSeekV4.Engine.Inference.KvCacheReport])
        $active[0].Model | Should -Be $FixtureModelName
        $active[0].ContextLength | Should -Be $FixtureMaxContext
        "$($active[0].Format)" | Should -Be 'Native'
    }

    It 'after a completion the cache holds its tokens' {
        # Every token of the prompt and of the answer but the last, which was sampled and never fed back.
        $active[0].Tokens | Should -BeGreaterOrEqual ($r.PromptTokens + $r.CompletionTokens - 1)
        $active[0].Tokens | Should -BeLessOrEqual ($r.PromptTokens + $r.CompletionTokens)
        $active[0].TotalBytes | Should -BeGreaterThan 0
        $active[0].BytesPerToken | Should -BeGreaterThan 0
    }

    It 'the components add up to the total' {
        $s = $active[0]
        ($s.WindowBytes + $s.CsaEntryBytes + $s.IndexerKeyBytes + $s.HcaEntryBytes + $s.CompressorStateBytes) | Should -Be $s.TotalBytes
    }

    It '-PerLayer gives one row per layer that add up to the sequence''s total' {
        $layers = @(Get-DSKvCacheStats -PerLayer | Where-Object Sequence -eq 'Active')
        $layers.Count | Should -BeGreaterThan 1
        $layers[0] | Should -BeOfType ([DeepSeekV4.Engine.Inference.KvCacheLayerReport])
        @($layers.Layer) | Should -Be @(0..($layers.Count - 1))
        ($layers | Measure-Object TotalBytes -Sum).Sum | Should -Be $active[0].TotalBytes
        @($layers.Attention | Sort-Object -Unique) | Should -Contain 'window'
    }

    It '-PerLayer entries are counted from what the cache holds: CSA every 4 tokens, HCA every 128' {
        $tokens = $active[0].Tokens
        $layers = @(Get-DSKvCacheStats -PerLayer | Where-Object Sequence -eq 'Active')
        foreach ($l in $layers | Where-Object CompressRatio -gt 0) {
            $l.CompressedEntries | Should -Be ([Math]::Floor($tokens / $l.CompressRatio)) -Because "layer $($l.Layer) has ratio $($l.CompressRatio)"
        }
    }

    It '-Model names the model; an unknown one is an ObjectNotFound error' {
        @(Get-DSKvCacheStats -Model $FixtureModelName | Where-Object Sequence -eq 'Active').Count | Should -Be 1
        $c = Invoke-DSCapture { Get-DSKvCacheStats -Model 'no-such-model' }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $c.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotLoaded,*'
    }

    It 'a model with no completion yet holds no tokens' {
        $fresh = Copy-DSFixtureModel -Name 'fresh.gguf'
        Import-DSModel -LiteralPath $fresh -Name fresh
        try {
            @(Get-DSKvCacheStats -Model fresh | Where-Object Tokens -gt 0) | Should -BeNullOrEmpty
        }
        finally { Remove-DSModel fresh -Confirm:$false; Import-DSModel -LiteralPath $FixtureModel }
    }
}

Describe 'Clear-DSKvCache' {
    BeforeEach {
        Reset-DSSession
        Import-DSModel -LiteralPath $FixtureModel
        $first = Invoke-DSCompletion -Prompt 'Write a short story about a cat.' -MaxTokens 3 -Temperature 0
    }

    It 'empties the cache: no tokens held, the next completion reuses nothing' {
        Clear-DSKvCache -Confirm:$false
        @(Get-DSKvCacheStats | Where-Object Tokens -gt 0) | Should -BeNullOrEmpty
        $again = Invoke-DSCompletion -Prompt 'Write a short story about a cat.' -MaxTokens 3 -Temperature 0
        $again.ReusedTokens | Should -Be 0
        $again.Text | Should -BeExactly $first.Text
    }

    It '-WhatIf clears nothing' {
        $before = @(Get-DSKvCacheStats | Where-Object Sequence -eq 'Active')[0].Tokens
        Clear-DSKvCache -WhatIf
        @(Get-DSKvCacheStats | Where-Object Sequence -eq 'Active')[0].Tokens | Should -Be $before
        (Invoke-DSCompletion -Prompt 'Write a short story about a cat.' -MaxTokens 3 -Temperature 0).ReusedTokens | Should -BeGreaterThan 0
    }

    It '-Model by name, and -PassThru writes the model' {
        $m = Clear-DSKvCache -Model $FixtureModelName -Confirm:$false -PassThru
        $m.Name | Should -Be $FixtureModelName
        @(Get-DSKvCacheStats | Where-Object Tokens -gt 0) | Should -BeNullOrEmpty
    }

    It 'writes nothing without -PassThru' {
        Clear-DSKvCache -Confirm:$false | Should -BeNullOrEmpty
    }

    It 'an unknown -Model is an ObjectNotFound error' {
        $c = Invoke-DSCapture { Clear-DSKvCache -Model 'no-such-model' -Confirm:$false }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
