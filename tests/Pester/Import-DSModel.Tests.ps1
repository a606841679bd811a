#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1')
    Initialize-DSTest
    $models = New-Item -ItemType Directory -Path (Join-Path $Work 'models')
    $alpha = Copy-DSFixtureModel -Name 'alpha.gguf' -Folder $models
    $beta = Copy-DSFixtureModel -Name 'beta.gguf' -Folder $models
    $bracketed = Copy-DSFixtureModel -Name 'lit[1].gguf'
}

AfterAll { Complete-DSTest }

Describe 'Import-DSModel' {
    BeforeEach { Reset-DSSession }

    It '-Path expands wildcards: one model per matching file, named after the file' {
        $imported = Import-DSModel -Path (Join-Path $models '*.gguf') -PassThru
        @($imported).Count | Should -Be 2
        @($imported.Name | Sort-Object) | Should -Be @('alpha', 'beta')
        @(Get-DSModel).Count | Should -Be 2
        (Get-DSModel alpha).Path | Should -Be $alpha
        @(Get-DSModel | Where-Object IsCurrent).Name | Should -Be @('beta')
    }

    It 'the last file imported is the current model, and only it' {
        Import-DSModel -LiteralPath $alpha
        Import-DSModel -LiteralPath $beta
        $current = @(Get-DSModel | Where-Object IsCurrent)
        $current.Count | Should -Be 1
        $current[0].Name | Should -Be 'beta'
        (Invoke-DSCompletion -Prompt 'Hi' -MaxTokens 1 -Temperature 0).Model | Should -Be 'beta'
    }

    It '-Path given positionally takes a plain path' {
        $m = Import-DSModel $FixtureModel -PassThru
        $m.Path | Should -Be $FixtureModel
    }

    It '-LiteralPath takes wildcard characters literally' {
        $m = Import-DSModel -LiteralPath $bracketed -PassThru
        $m.Name | Should -Be 'lit[1]'
        $m.Path | Should -Be $bracketed
    }

    It '-Name names the model' {
        $m = Import-DSModel -LiteralPath $FixtureModel -Name 'tiny' -PassThru
        $m.Name | Should -Be 'tiny'
        (Get-DSModel -Name tiny).Path | Should -Be $FixtureModel
        (Invoke-DSCompletion -Prompt 'Hi' -MaxTokens 1 -Model tiny -Temperature 0).Model | Should -Be 'tiny'
    }

    It '-ContextLength <Given> gives a context of <Expected> tokens' -ForEach @(
        @{ Given = 512; Expected = 512 }
        @{ Given = '1K'; Expected = 1024 }
        @{ Given = '1k'; Expected = 1024 }
    ) {
        $m = Import-DSModel -LiteralPath $FixtureModel -ContextLength $Given -PassThru
        $m.ContextLength | Should -Be $Expected
        (Get-DSModel).ContextLength | Should -Be $Expected
    }

    It 'without -ContextLength takes the model''s maximum (1,024 here)' {
        (Import-DSModel -LiteralPath $FixtureModel -PassThru).ContextLength | Should -Be $FixtureMaxContext
    }

    It '-KvCacheType <_> is what the model gets and what its cache holds' -ForEach @('Q8_0', 'F16', 'Native') {
        $m = Import-DSModel -LiteralPath $FixtureModel -KvCacheType $_ -PassThru
        "$($m.KvCacheType)" | Should -Be $_
        $null = Invoke-DSCompletion -Prompt 'Hello' -MaxTokens 2 -Temperature 0
        @(Get-DSKvCacheStats | Where-Object Sequence -eq 'Active')[0].Format.ToString() | Should -Be $_
    }

    It '-NoMmap loads a model that completes like the mapped one' {
        $mapped = Import-DSModel -LiteralPath $FixtureModel -Name mapped -PassThru
        $inMemory = Import-DSModel -LiteralPath $alpha -Name inmemory -NoMmap -PassThru
        $inMemory.Name | Should -Be 'inmemory'
        $a = Invoke-DSCompletion -Prompt 'Say something.' -MaxTokens 4 -Temperature 0 -Model mapped
        $b = Invoke-DSCompletion -Prompt 'Say something.' -MaxTokens 4 -Temperature 0 -Model inmemory
        $b.Text | Should -Be $a.Text
        $b.CompletionTokens | Should -Be $a.CompletionTokens
    }

    It 'writes nothing without -PassThru, a ModelInfo with it' {
        Import-DSModel -LiteralPath $FixtureModel | Should -BeNullOrEmpty
        $m = Import-DSModel -LiteralPath $alpha -PassThru
        $m | Should -BeOfType ([DeepSeekV4.Engine.Inference.ModelInfo])
        $m.Architecture | Should -Be 'deepseek4'
        $m.SharedBy | Should -BeGreaterOrEqual 1
        $m.WeightBytes | Should -BeGreaterThan 0
        $m.IsCurrent | Should -BeTrue
    }

    It 'importing the same file under the same name again keeps one model' {
        Import-DSModel -LiteralPath $FixtureModel
        Import-DSModel -LiteralPath $FixtureModel
        @(Get-DSModel).Count | Should -Be 1
    }

    It 'the same file under two names shares the weights' {
        Import-DSModel -LiteralPath $FixtureModel -Name one
        $two = Import-DSModel -LiteralPath $FixtureModel -Name two -PassThru
        @(Get-DSModel).Count | Should -Be 2
        $two.Path | Should -Be $FixtureModel
    }

    It 'writes progress while loading' {
        $rs = New-DSRunspace
        $ps = [powershell]::Create()
        try {
            $ps.Runspace = $rs
            $null = $ps.AddCommand('Import-DSModel').AddParameter('LiteralPath', $FixtureModel)
            $null = $ps.Invoke()
            $ps.Streams.Error.Count | Should -Be 0
            @($ps.Streams.Progress | Where-Object Activity -eq 'Import-DSModel').Count | Should -BeGreaterThan 0
        }
        finally { $ps.Dispose(); $rs.Dispose() }
    }
}

Describe 'Import-DSModel load options' {
    BeforeEach { Reset-DSSession }

    It 'warms the model up on the first load unless -NoWarmUp (each load stage is written once to verbose)' {
        $warm = Copy-DSFixtureModel -Name 'warm.gguf'
        $cold = Copy-DSFixtureModel -Name 'cold.gguf'
        $verbose = Import-DSModel -LiteralPath $warm -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }
        @($verbose | Where-Object Message -like 'warming up:*').Count | Should -Be 1
        $verbose = Import-DSModel -LiteralPath $cold -NoWarmUp -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }
        @($verbose | Where-Object Message -like 'warming up:*').Count | Should -Be 0
    }

    It '-Numerics Reference is a model of its own and says so' {
        $file = Copy-DSFixtureModel -Name 'numerics.gguf'
        $fast = Import-DSModel -LiteralPath $file -Name fast -PassThru
        $reference = Import-DSModel -LiteralPath $file -Name ref -Numerics Reference -KvCacheType F32 -PassThru
        "$($fast.Numerics)" | Should -Be 'Fast'
        "$($reference.Numerics)" | Should -Be 'Reference'
        $reference.SharedBy | Should -Be 1
        (Invoke-DSCompletion -Model ref -Prompt 'Hi' -MaxTokens 2 -Temperature 0).CompletionTokens | Should -BeGreaterThan 0
    }
}

