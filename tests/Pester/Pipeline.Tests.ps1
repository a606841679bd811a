#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Pipeline input by value (strings) and by property name (FileInfo, objects with only PSPath or only FullName),
# and Get-DSModel's output piped into the cmdlets that take a model or a path.

BeforeAll {
    . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1')
    Initialize-DSTest
    $docs = New-Item -ItemType Directory -Path (Join-Path $Work 'docs')
    $report = Join-Path $docs 'report.txt'
    $memo = Join-Path $docs 'memo.txt'
    Set-Content -LiteralPath $report 'The quarterly report shows revenue up twelve percent while costs fell in every region.'
    Set-Content -LiteralPath $memo 'Memo: the office moves to the new building in March, and the old one closes in April.'
    $models = New-Item -ItemType Directory -Path (Join-Path $Work 'models')
    $alpha = Copy-DSFixtureModel -Name 'alpha.gguf' -Folder $models
    $beta = Copy-DSFixtureModel -Name 'beta.gguf' -Folder $models

    # The three shapes of input by property name, for a list of files.
    function Get-FileInput([string] $Shape, [string[]] $Files) {
        switch ($Shape) {
            'FileInfo' { Get-ChildItem -LiteralPath $Files }
            'PSPath' { $Files | ForEach-Object { [pscustomobject]@{ PSPath = (Get-Item -LiteralPath $_).PSPath } } }
            'FullName' { $Files | ForEach-Object { [pscustomobject]@{ FullName = $_ } } }
        }
    }
}

AfterAll { Complete-DSTest }

Describe 'Input by value and by property name' {
    BeforeAll {
        Reset-DSSession
        Import-DSModel -LiteralPath $FixtureModel
    }

    It 'Invoke-DSCompletion: strings by value, one result each' {
        $r = 'first', 'second' | Invoke-DSCompletion -MaxTokens 1 -Temperature 0
        @($r).Count | Should -Be 2
        $r.Source | Should -Be @('pipeline:1', 'pipeline:2')
    }

    It 'Invoke-DSCompletion: <_> objects, one result per file, Source = the file' -ForEach @('FileInfo', 'PSPath', 'FullName') {
        $r = Get-FileInput $_ @($memo, $report) | Invoke-DSCompletion -MaxTokens 1 -Temperature 0
        @($r).Count | Should -Be 2
        $r.Source | Should -Be @($memo, $report)
        $r | ForEach-Object { $_.PromptTokens | Should -BeGreaterThan 10 }
    }

    It 'Measure-DSPerplexity: strings by value, one result each' {
        $r = 'the quarterly report shows revenue up twelve percent', 'the office moves to the new building in March' |
            Measure-DSPerplexity -ContextLength 32
        @($r).Count | Should -Be 2
        $r.Source | Should -Be @('pipeline:1', 'pipeline:2')
    }

    It 'Measure-DSPerplexity: <_> objects, one result per file, Source = the file' -ForEach @('FileInfo', 'PSPath', 'FullName') {
        $r = Get-FileInput $_ @($memo, $report) | Measure-DSPerplexity -ContextLength 32
        @($r).Count | Should -Be 2
        $r.Source | Should -Be @($memo, $report)
    }

    It 'Get-DSMemoryEstimate: path strings by value, one estimate each' {
        $e = $alpha, $beta | Get-DSMemoryEstimate -ContextLength 256
        @($e).Count | Should -Be 2
        $e.Model | Should -Be @('alpha.gguf', 'beta.gguf')
    }

    It 'Get-DSMemoryEstimate: <_> objects, one estimate per file' -ForEach @('FileInfo', 'PSPath', 'FullName') {
        $e = Get-FileInput $_ @($alpha, $beta) | Get-DSMemoryEstimate -ContextLength 256
        @($e).Count | Should -Be 2
        $e.Model | Should -Be @('alpha.gguf', 'beta.gguf')
    }
}

Describe 'Import-DSModel from the pipeline' {
    BeforeEach { Reset-DSSession }

    It 'path strings by value: one model per file' {
        $m = $alpha, $beta | Import-DSModel -PassThru
        @($m).Count | Should -Be 2
        $m.Path | Should -Be @($alpha, $beta)
    }

    It '<_> objects: one model per file' -ForEach @('FileInfo', 'PSPath', 'FullName') {
        $m = Get-FileInput $_ @($alpha, $beta) | Import-DSModel -PassThru
        @($m).Count | Should -Be 2
        $m.Name | Should -Be @('alpha', 'beta')
        $m.Path | Should -Be @($alpha, $beta)
        @(Get-DSModel).Count | Should -Be 2
    }

    It 'Get-ChildItem *.gguf | Import-DSModel makes the last file current' {
        Get-ChildItem -Path $models -Filter *.gguf | Sort-Object Name | Import-DSModel
        @(Get-DSModel | Where-Object IsCurrent).Name | Should -Be @('beta')
    }
}

Describe 'Get-DSModel output piped into the other cmdlets' {
    BeforeEach {
        Reset-DSSession
        Import-DSModel -LiteralPath $alpha
        Import-DSModel -LiteralPath $beta
        $null = Invoke-DSCompletion -Prompt 'Hello there' -MaxTokens 2 -Temperature 0 -Model alpha
        $null = Invoke-DSCompletion -Prompt 'Hello there' -MaxTokens 2 -Temperature 0 -Model beta
    }

    It 'into Get-DSKvCacheStats: the stats of each model' {
        $stats = @(Get-DSModel | Get-DSKvCacheStats | Where-Object Sequence -eq 'Active')
        $stats.Count | Should -Be 2
        @($stats.Model | Sort-Object) | Should -Be @('alpha', 'beta')
        $stats | ForEach-Object { $_.Tokens | Should -BeGreaterThan 0 }
        @(Get-DSModel beta | Get-DSKvCacheStats | ForEach-Object Model | Sort-Object -Unique) | Should -Be @('beta')
    }

    It 'into Remove-DSModel: removes those models' {
        Get-DSModel alpha | Remove-DSModel -Confirm:$false
        @((Get-DSModel).Name) | Should -Be @('beta')
        Get-DSModel | Remove-DSModel -Confirm:$false
        Get-DSModel | Should -BeNullOrEmpty
    }

    It 'into Remove-DSModel: a name with wildcard characters removes that model only' {
        Import-DSModel -LiteralPath $alpha -Name 'alpha[1]'
        Import-DSModel -LiteralPath $beta -Name 'alpha1'
        Get-DSModel 'alpha`[1`]' | Remove-DSModel -Confirm:$false
        @((Get-DSModel).Name | Sort-Object) | Should -Be @('alpha', 'alpha1', 'beta')
        Get-DSModel | Remove-DSModel -Confirm:$false
        Get-DSModel | Should -BeNullOrEmpty
    }

    It 'into Remove-DSModel -WhatIf: removes nothing' {
        Get-DSModel | Remove-DSModel -WhatIf
        @(Get-DSModel).Count | Should -Be 2
    }

    It 'into Clear-DSKvCache: clears only those models' {
        Get-DSModel alpha | Clear-DSKvCache -Confirm:$false
        @(Get-DSKvCacheStats -Model alpha | Where-Object Tokens -gt 0) | Should -BeNullOrEmpty
        @(Get-DSKvCacheStats -Model beta | Where-Object Tokens -gt 0).Count | Should -BeGreaterThan 0
    }

    It 'into Clear-DSKvCache: a name with wildcard characters clears that model only' {
        Import-DSModel -LiteralPath $alpha -Name 'alpha[1]'
        $null = Invoke-DSCompletion -Prompt 'Hello there' -MaxTokens 2 -Temperature 0 -Model 'alpha[1]'
        Import-DSModel -LiteralPath $beta -Name 'alpha1'
        $null = Invoke-DSCompletion -Prompt 'Hello there' -MaxTokens 2 -Temperature 0 -Model 'alpha1'
        Get-DSModel 'alpha`[1`]' | Clear-DSKvCache -Confirm:$false
        @(Get-DSKvCacheStats -Model 'alpha[1]' | Where-Object Tokens -gt 0) | Should -BeNullOrEmpty
        @(Get-DSKvCacheStats -Model 'alpha1' | Where-Object Tokens -gt 0).Count | Should -BeGreaterThan 0
    }

    It 'into Clear-DSKvCache -WhatIf: clears nothing' {
        Get-DSModel | Clear-DSKvCache -WhatIf
        @(Get-DSKvCacheStats -Model alpha | Where-Object Tokens -gt 0).Count | Should -BeGreaterThan 0
    }

    It 'into Get-DSMemoryEstimate: the estimate of each model''s file' {
        $e = @(Get-DSModel | Get-DSMemoryEstimate -ContextLength 256)
        $e.Count | Should -Be 2
        $e.Model | Should -Be @('alpha.gguf', 'beta.gguf')
        $direct = Get-DSMemoryEstimate -LiteralPath $alpha -ContextLength 256
        $e[0].WeightBytes | Should -Be $direct.WeightBytes
        $e[0].WeightsAlreadyLoaded | Should -BeTrue
    }

    It 'into Import-DSModel: a model with its own context and format is re-imported as it is' {
        Import-DSModel -LiteralPath $alpha -Name small -ContextLength 512 -KvCacheType Q8_0
        $c = Invoke-DSCapture { Get-DSModel small | Import-DSModel -PassThru }
        $c.Errors | Should -BeNullOrEmpty
        @(Get-DSModel).Count | Should -Be 3
        $small = Get-DSModel small
        $small.ContextLength | Should -Be 512
        "$($small.KvCacheType)" | Should -Be 'Q8_0'
    }

    It 'into Import-DSModel: re-imports each model from its Path, keeping the models as they are' {
        $c = Invoke-DSCapture { Get-DSModel | Import-DSModel -PassThru }
        $c.Errors | Should -BeNullOrEmpty
        @($c.Output).Count | Should -Be 2
        @($c.Output.Path) | Should -Be @($alpha, $beta)
        @((Get-DSModel).Name | Sort-Object) | Should -Be @('alpha', 'beta')
    }
}
