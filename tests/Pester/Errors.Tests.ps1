#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# One error category (and error id) per kind of failure the user can act on.

BeforeAll {
    . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1')
    Initialize-DSTest
    $missing = Join-Path $Work 'missing.gguf'
    $textGguf = Join-Path $Work 'text.gguf'
    Set-Content -LiteralPath $textGguf 'this is a text file, not a GGUF model'
    $folder = New-Item -ItemType Directory -Path (Join-Path $Work 'weights.gguf')
    $llama = New-DSVariantModel -Path (Join-Path $Work 'llama.gguf') -Metadata @{ 'general.architecture' = 'llama' }
    $badTokenizer = New-DSVariantModel -Path (Join-Path $Work 'bad-tokenizer.gguf') -Metadata @{ 'tokenizer.ggml.pre' = 'no-such-pre-tokenizer' }
    $other = Copy-DSFixtureModel -Name 'other.gguf'
    $doc = Join-Path $Work 'doc.txt'
    Set-Content -LiteralPath $doc 'A short document.'
}

AfterAll { Complete-DSTest }

Describe 'Files that cannot be models' {
    BeforeEach { Reset-DSSession }

    It 'a missing file (-LiteralPath) is ObjectNotFound and names the file' {
        $c = Invoke-DSCapture { Import-DSModel -LiteralPath $missing }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $c.Errors[0].FullyQualifiedErrorId | Should -Match '^(FileNotFound|ItemNotFound|PathNotFound)'
        $c.Errors[0].FullyQualifiedErrorId | Should -BeLike '*,DeepSeekV4.PowerShell.Commands.ImportDSModelCommand'
        $c.Errors[0].Exception.Message | Should -Match ([regex]::Escape('missing.gguf'))
        Get-DSModel | Should -BeNullOrEmpty
    }

    It 'a missing file (-Path) is ObjectNotFound' {
        $c = Invoke-DSCapture { Import-DSModel -Path $missing }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'a missing file among good ones: one error, the others still load' {
        $c = Invoke-DSCapture { Import-DSModel -LiteralPath $missing, $other -PassThru }
        @($c.Errors).Count | Should -Be 1
        @($c.Output).Count | Should -Be 1
        $c.Output[0].Name | Should -Be 'other'
    }

    It 'a text file named .gguf is InvalidData (GgufFormat)' {
        $c = Invoke-DSCapture { Import-DSModel -LiteralPath $textGguf }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $c.Errors[0].FullyQualifiedErrorId | Should -BeLike 'GgufFormat,*'
        $c.Errors[0].Exception.Message | Should -Match 'text\.gguf'
        Get-DSModel | Should -BeNullOrEmpty
    }

    It 'Get-DSMemoryEstimate of a text file named .gguf is InvalidData (GgufFormat)' {
        $c = Invoke-DSCapture { Get-DSMemoryEstimate -LiteralPath $textGguf }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $c.Errors[0].FullyQualifiedErrorId | Should -BeLike 'GgufFormat,*'
    }

    It 'a folder given as -LiteralPath to <_> is one clear error saying it is a directory' -ForEach @(
        'Import-DSModel', 'Get-DSMemoryEstimate', 'Invoke-DSCompletion', 'Measure-DSPerplexity') {
        if ($_ -in 'Invoke-DSCompletion', 'Measure-DSPerplexity') { Import-DSModel -LiteralPath $FixtureModel }
        $command = $_
        $c = Invoke-DSCapture { & $command -LiteralPath $folder }
        $why = @($c.Errors | ForEach-Object { "[$($_.FullyQualifiedErrorId)] $_" }) -join ' / '
        @($c.Errors).Count | Should -Be 1 -Because $why
        $c.Errors[0].CategoryInfo.Category | Should -BeIn @('InvalidArgument', 'ObjectNotFound')
        $c.Errors[0].Exception.Message | Should -Match 'director|folder'
        $c.Errors[0].Exception.Message | Should -Match 'weights\.gguf'
        $c.Output | Should -BeNullOrEmpty
    }

    It 'a valid GGUF of another architecture is UnsupportedModel, category InvalidType, naming the field' {
        $c = Invoke-DSCapture { Import-DSModel -LiteralPath $llama }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].FullyQualifiedErrorId | Should -BeLike 'UnsupportedModel,*'
        $c.Errors[0].CategoryInfo.Category | Should -Be 'InvalidType'
        $c.Errors[0].Exception.Message | Should -Match 'general\.architecture'
        $c.Errors[0].Exception.Message | Should -Match 'llama'
        Get-DSModel | Should -BeNullOrEmpty
    }

    It 'a GGUF whose tokenizer cannot be read is TokenizerFormat, category InvalidData' {
        $c = Invoke-DSCapture { Import-DSModel -LiteralPath $badTokenizer }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].FullyQualifiedErrorId | Should -BeLike 'TokenizerFormat,*'
        $c.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $c.Errors[0].Exception.Message | Should -Match 'no-such-pre-tokenizer'
        Get-DSModel | Should -BeNullOrEmpty
    }
}

Describe 'Models that are not there' {
    BeforeEach { Reset-DSSession }

    It '<Command> with no model loaded is ModelNotLoaded, category InvalidOperation' -ForEach @(
        @{ Command = 'Invoke-DSCompletion'; Script = { Invoke-DSCompletion -Prompt 'Hi' -MaxTokens 1 } }
        @{ Command = 'Measure-DSPerplexity'; Script = { 'some text to score' | Measure-DSPerplexity } }
        @{ Command = 'Get-DSKvCacheStats'; Script = { Get-DSKvCacheStats } }
        @{ Command = 'Clear-DSKvCache'; Script = { Clear-DSKvCache -Confirm:$false } }
    ) {
        $c = Invoke-DSCapture $Script
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotLoaded,*'
        $c.Errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $c.Errors[0].Exception.Message | Should -Match 'Import-DSModel'
    }

    It 'an unknown -Model name is ModelNotLoaded, category ObjectNotFound, naming it' {
        Import-DSModel -LiteralPath $FixtureModel
        $c = Invoke-DSCapture { Invoke-DSCompletion -Prompt 'Hi' -MaxTokens 1 -Model 'no-such-model' }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotLoaded,*'
        $c.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $c.Errors[0].Exception.Message | Should -Match 'no-such-model'
        $c.Output | Should -BeNullOrEmpty
    }

    It 'Measure-DSPerplexity with an unknown -Model is ObjectNotFound' {
        Import-DSModel -LiteralPath $FixtureModel
        $c = Invoke-DSCapture { 'some text to score' | Measure-DSPerplexity -Model 'no-such-model' }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Names, contexts and settings' {
    BeforeEach { Reset-DSSession }

    It 'the same -Name for two different files is ModelNameInUse, category ResourceExists' {
        Import-DSModel -LiteralPath $FixtureModel -Name shared
        $c = Invoke-DSCapture { Import-DSModel -LiteralPath $other -Name shared }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ModelNameInUse,*'
        $c.Errors[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        (Get-DSModel shared).Path | Should -Be $FixtureModel
    }

    It 'a prompt longer than the context is ContextOverflow, category LimitsExceeded, with the numbers' {
        Import-DSModel -LiteralPath $FixtureModel -ContextLength 64
        $c = Invoke-DSCapture { Invoke-DSCompletion -Prompt (Get-DSLongText -Words 200) -MaxTokens 1 }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ContextOverflow,*'
        $c.Errors[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $c.Errors[0].Exception.Message | Should -Match '\b64\b'
        $c.Output | Should -BeNullOrEmpty
    }

    It 'a piped input that overflows is an error for that input only' {
        Import-DSModel -LiteralPath $FixtureModel -ContextLength 64
        $c = Invoke-DSCapture { 'short one', (Get-DSLongText -Words 200), 'short two' | Invoke-DSCompletion -MaxTokens 1 -Temperature 0 }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        @($c.Output.Source) | Should -Be @('pipeline:1', 'pipeline:3')
    }

    It '-ContextLength 4096 on a 1,024-token model is refused in the user''s terms' {
        $c = Invoke-DSCapture { Import-DSModel -LiteralPath $FixtureModel -ContextLength 4096 }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].CategoryInfo.Category | Should -BeIn @('InvalidArgument', 'LimitsExceeded')
        $message = $c.Errors[0].Exception.Message
        $message | Should -Match '4,?096'
        $message | Should -Match '1,?024'
        $message | Should -Not -Match 'Actual value was'
        $message | Should -Not -Match "\(Parameter '"
        Get-DSModel | Should -BeNullOrEmpty
    }

    It '-TopP 0 is accepted by both the cmdlet and the engine, or refused by the cmdlet''s own validation' {
        Import-DSModel -LiteralPath $FixtureModel
        $c = Invoke-DSCapture { Invoke-DSCompletion -Prompt 'Hi' -MaxTokens 1 -TopP 0 }
        if ($c.Errors) {
            @($c.Errors).Count | Should -Be 1
            $c.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*' -Because "the engine refused what the cmdlet accepted: $($c.Errors[0])"
        }
        else {
            @($c.Output).Count | Should -Be 1
        }
    }

    It '<Name> out of range is refused by the cmdlet''s validation' -ForEach @(
        @{ Name = '-MaxTokens -1'; Script = { Invoke-DSCompletion -Prompt 'Hi' -MaxTokens -1 } }
        @{ Name = '-Temperature -1'; Script = { Invoke-DSCompletion -Prompt 'Hi' -Temperature -1 } }
        @{ Name = '-TopP 1.5'; Script = { Invoke-DSCompletion -Prompt 'Hi' -TopP 1.5 } }
        @{ Name = '-ContextLength 0'; Script = { Import-DSModel -LiteralPath $FixtureModel -ContextLength 0 } }
        @{ Name = '-ContextLength lots'; Script = { Import-DSModel -LiteralPath $FixtureModel -ContextLength 'lots' } }
    ) {
        Import-DSModel -LiteralPath $FixtureModel
        $c = Invoke-DSCapture $Script
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].FullyQualifiedErrorId | Should -Match '^ParameterArgument(Validation|Transformation)Error,'
        $c.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'a file that cannot be read as a document is an error naming it; the other files go on' {
        Import-DSModel -LiteralPath $FixtureModel
        $c = Invoke-DSCapture { Invoke-DSCompletion -LiteralPath (Join-Path $Work 'missing.txt'), $doc -MaxTokens 1 -Temperature 0 }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        @($c.Output.Source) | Should -Be @($doc)
    }
}
