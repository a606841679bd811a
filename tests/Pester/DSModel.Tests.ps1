#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Get-DSModel and Remove-DSModel.

BeforeAll {
    . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1')
    Initialize-DSTest
    $second = Copy-DSFixtureModel -Name 'second.gguf'
}

AfterAll { Complete-DSTest }

Describe 'Get-DSModel' {
    BeforeAll {
        Reset-DSSession
        Import-DSModel -LiteralPath $FixtureModel -Name 'tiny-a'
        Import-DSModel -LiteralPath $second -Name 'tiny-b'
        Import-DSModel -LiteralPath $FixtureModel -Name 'other'
    }

    It 'lists every model of the session' {
        $all = Get-DSModel
        @($all).Count | Should -Be 3
        @($all.Name | Sort-Object) | Should -Be @('other', 'tiny-a', 'tiny-b')
        $all | ForEach-Object { $_ | Should -BeOfType ([DeepSeekV4.Engine.Inference.ModelInfo]) }
    }

    It 'finds a model by name (case-insensitive)' {
        $m = Get-DSModel -Name 'TINY-B'
        @($m).Count | Should -Be 1
        $m.Name | Should -Be 'tiny-b'
        $m.Path | Should -Be $second
        (Get-DSModel tiny-a).Path | Should -Be $FixtureModel
    }

    It 'finds models by wildcard' {
        @((Get-DSModel -Name 'tiny-*').Name | Sort-Object) | Should -Be @('tiny-a', 'tiny-b')
        Get-DSModel -Name 'nothing*' | Should -BeNullOrEmpty
    }

    It 'several names give each model once' {
        @(Get-DSModel -Name 'tiny-a', 'tiny-*').Count | Should -Be 2
    }

    It 'an unknown name is an ObjectNotFound error (ModelNotLoaded) and the other names still come' {
        $c = Invoke-DSCapture { Get-DSModel -Name 'no-such-model', 'tiny-a' }
        @($c.Output).Count | Should -Be 1
        $c.Output[0].Name | Should -Be 'tiny-a'
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $c.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotLoaded,*'
        $c.Errors[0].Exception.Message | Should -Match 'no-such-model'
        $c.Errors[0].TargetObject | Should -Be 'no-such-model'
    }

    It 'marks exactly one model current: the last imported' {
        $current = @(Get-DSModel | Where-Object IsCurrent)
        $current.Count | Should -Be 1
        $current[0].Name | Should -Be 'other'
    }

    It 'with no model loaded writes nothing and no error' {
        $rs = New-DSRunspace
        try {
            $r = Invoke-DSInRunspace $rs { Get-DSModel } -PassThruErrors
            $r.Output | Should -BeNullOrEmpty
            $r.Errors | Should -BeNullOrEmpty
        }
        finally { $rs.Dispose() }
    }
}

Describe 'Remove-DSModel' {
    BeforeEach {
        Reset-DSSession
        Import-DSModel -LiteralPath $FixtureModel -Name 'keep'
        Import-DSModel -LiteralPath $second -Name 'drop'
    }

    It 'removes the named model and keeps the others' {
        Remove-DSModel -Name drop -Confirm:$false
        @((Get-DSModel).Name) | Should -Be @('keep')
    }

    It 'takes the name positionally and by wildcard' {
        Remove-DSModel 'dr*' -Confirm:$false
        @((Get-DSModel).Name) | Should -Be @('keep')
    }

    It '-WhatIf removes nothing' {
        Remove-DSModel -Name drop, keep -WhatIf
        @(Get-DSModel).Count | Should -Be 2
    }

    It '-Confirm:$false removes without asking even at ConfirmPreference Low' {
        $ConfirmPreference = 'Low'
        Remove-DSModel -Name drop -Confirm:$false
        @((Get-DSModel).Name) | Should -Be @('keep')
    }

    It '-PassThru writes the removed model' {
        $removed = Remove-DSModel -Name drop -Confirm:$false -PassThru
        $removed.Name | Should -Be 'drop'
        $removed.Path | Should -Be $second
    }

    It 'writes nothing without -PassThru' {
        Remove-DSModel -Name drop -Confirm:$false | Should -BeNullOrEmpty
    }

    It 'an unknown name is an ObjectNotFound error' {
        $c = Invoke-DSCapture { Remove-DSModel -Name 'no-such-model' -Confirm:$false }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $c.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotLoaded,*'
        @(Get-DSModel).Count | Should -Be 2
    }

    It 'after removing the current model, Get-DSModel''s IsCurrent agrees with what a completion uses' {
        Remove-DSModel -Name drop -Confirm:$false
        $keep = Get-DSModel keep
        $c = Invoke-DSCapture { Invoke-DSCompletion -Prompt 'Hi' -MaxTokens 1 -Temperature 0 }
        if ($keep.IsCurrent) {
            $c.Errors | Should -BeNullOrEmpty
            $c.Output[0].Model | Should -Be 'keep'
        }
        else {
            @($c.Errors).Count | Should -Be 1
            $c.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotLoaded,*'
        }
        Remove-DSModel -Name keep -Confirm:$false
        Get-DSModel | Should -BeNullOrEmpty
    }
}
