#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Runspaces in parallel share the weights and keep their own sessions and caches.

BeforeAll {
    . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1')
    Initialize-DSTest
    $promptA = 'Write a short story about a cat.'
    $promptB = 'Summarize: ' + (Get-DSLongText -Words 40)

    # What each prompt gives alone, in this runspace (then this runspace lets the model go).
    Import-DSModel -LiteralPath $FixtureModel
    $aloneA = Invoke-DSCompletion -Prompt $promptA -MaxTokens 12 -Temperature 0
    $aloneB = Invoke-DSCompletion -Prompt $promptB -MaxTokens 12 -Temperature 0
    Reset-DSSession

    function Start-DSInRunspace($Runspace, [scriptblock] $Script, [object[]] $Arguments = @()) {
        $ps = [powershell]::Create()
        $ps.Runspace = $Runspace
        $null = $ps.AddScript($Script.ToString())
        foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
        [pscustomobject]@{ PowerShell = $ps; Async = $ps.BeginInvoke() }
    }

    function Receive-DSInRunspace($Started) {
        try {
            $out = $Started.PowerShell.EndInvoke($Started.Async)
            [pscustomobject]@{ Output = @($out); Errors = @($Started.PowerShell.Streams.Error) }
        }
        finally { $Started.PowerShell.Dispose() }
    }
}

AfterAll { Complete-DSTest }

Describe 'Two runspaces sharing one model file' {
    BeforeAll {
        $rsA = New-DSRunspace
        $rsB = New-DSRunspace
        $importA = Invoke-DSInRunspace $rsA { param($m) Import-DSModel -LiteralPath $m -PassThru } -Arguments $FixtureModel -PassThruErrors
        $importB = Invoke-DSInRunspace $rsB { param($m) Import-DSModel -LiteralPath $m -PassThru } -Arguments $FixtureModel -PassThruErrors
    }

    AfterAll { $rsA.Dispose(); $rsB.Dispose() }

    It 'both import it' {
        $importA.Errors | Should -BeNullOrEmpty
        $importB.Errors | Should -BeNullOrEmpty
        $importA.Output[0].Name | Should -Be $FixtureModelName
        $importB.Output[0].Name | Should -Be $FixtureModelName
    }

    It 'Get-DSModel says the weights are shared by 2 in each runspace' {
        (Invoke-DSInRunspace $rsA { Get-DSModel }).SharedBy | Should -Be 2
        (Invoke-DSInRunspace $rsB { Get-DSModel }).SharedBy | Should -Be 2
    }

    It 'this runspace''s session sees neither' {
        Get-DSModel | Should -BeNullOrEmpty
    }

    It 'completions run in both at once and give what each prompt gives alone' {
        $a = Start-DSInRunspace $rsA { param($p) Invoke-DSCompletion -Prompt $p -MaxTokens 12 -Temperature 0 } @($promptA)
        $b = Start-DSInRunspace $rsB { param($p) Invoke-DSCompletion -Prompt $p -MaxTokens 12 -Temperature 0 } @($promptB)
        $resultA = Receive-DSInRunspace $a
        $resultB = Receive-DSInRunspace $b
        $resultA.Errors | Should -BeNullOrEmpty
        $resultB.Errors | Should -BeNullOrEmpty
        $resultA.Output[0].Text | Should -BeExactly $aloneA.Text
        $resultB.Output[0].Text | Should -BeExactly $aloneB.Text
    }

    It 'each runspace''s Get-DSKvCacheStats shows only its own sequence' {
        $statsA = @(Invoke-DSInRunspace $rsA { Get-DSKvCacheStats })
        $statsB = @(Invoke-DSInRunspace $rsB { Get-DSKvCacheStats })
        $activeA = @($statsA | Where-Object Sequence -eq 'Active')
        $activeB = @($statsB | Where-Object Sequence -eq 'Active')
        $activeA.Count | Should -Be 1
        $activeB.Count | Should -Be 1
        $activeA[0].Tokens | Should -BeIn @(($aloneA.PromptTokens + $aloneA.CompletionTokens - 1), ($aloneA.PromptTokens + $aloneA.CompletionTokens))
        $activeB[0].Tokens | Should -BeIn @(($aloneB.PromptTokens + $aloneB.CompletionTokens - 1), ($aloneB.PromptTokens + $aloneB.CompletionTokens))
    }

    It 'clearing the cache in one leaves the other''s' {
        Invoke-DSInRunspace $rsA { Clear-DSKvCache -Confirm:$false } -ErrorAction Stop
        @(Invoke-DSInRunspace $rsA { Get-DSKvCacheStats } | Where-Object Tokens -gt 0) | Should -BeNullOrEmpty
        @(Invoke-DSInRunspace $rsB { Get-DSKvCacheStats } | Where-Object Tokens -gt 0).Count | Should -BeGreaterThan 0
    }

    It 'removing the model in one leaves the other working' {
        Invoke-DSInRunspace $rsA { Get-DSModel | Remove-DSModel -Confirm:$false } -ErrorAction Stop
        Invoke-DSInRunspace $rsA { Get-DSModel } | Should -BeNullOrEmpty
        (Invoke-DSInRunspace $rsB { Get-DSModel }).SharedBy | Should -Be 1
        $again = Invoke-DSInRunspace $rsB { param($p) Invoke-DSCompletion -Prompt $p -MaxTokens 12 -Temperature 0 } -Arguments $promptB -PassThruErrors
        $again.Errors | Should -BeNullOrEmpty
        $again.Output[0].Text | Should -BeExactly $aloneB.Text
    }

    It 'closing a runspace releases its share' {
        $rsC = New-DSRunspace
        Invoke-DSInRunspace $rsC { param($m) Import-DSModel -LiteralPath $m } -Arguments $FixtureModel -ErrorAction Stop
        (Invoke-DSInRunspace $rsB { Get-DSModel }).SharedBy | Should -Be 2
        $rsC.Dispose()
        (Invoke-DSInRunspace $rsB { Get-DSModel }).SharedBy | Should -Be 1
    }
}

Describe 'A second import of weights another runspace holds' {
    BeforeAll {
        $holder = New-DSRunspace
        Invoke-DSInRunspace $holder { param($m) Import-DSModel -LiteralPath $m } -Arguments $FixtureModel -ErrorAction Stop
    }

    AfterAll { Reset-DSSession; $holder.Dispose() }

    BeforeEach { Reset-DSSession }

    It 'with the same options: shared, no warning' {
        $m = Import-DSModel -LiteralPath $FixtureModel -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -BeNullOrEmpty
        $m.SharedBy | Should -Be 2
    }

    It 'with another -KvCacheType: gets the cache format it asked for, sharing the weights' {
        $m = Import-DSModel -LiteralPath $FixtureModel -KvCacheType Q8_0 -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        "$($m.KvCacheType)" | Should -Be 'Q8_0'
        $m.SharedBy | Should -Be 2
        $null = Invoke-DSCompletion -Prompt 'Hello' -MaxTokens 1 -Temperature 0
        "$(@(Get-DSKvCacheStats | Where-Object Sequence -eq 'Active')[0].Format)" | Should -Be 'Q8_0'
    }

    It 'with -NoMmap: a warning naming what it got' {
        $m = Import-DSModel -LiteralPath $FixtureModel -NoMmap -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $m.SharedBy | Should -Be 2
        @($warnings).Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'NoMmap'
        "$($warnings[0])" | Should -Match 'memory-mapped'
    }

    It 'with other -Threads: a warning naming what it got' {
        $null = Import-DSModel -LiteralPath $FixtureModel -Threads 1 -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        @($warnings).Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'threads'
    }
}

Describe 'ForEach-Object -Parallel' {
    It 'each parallel runspace imports the file and completes on its own' {
        $results = @($promptA, $promptB) | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:ManifestPath
            Import-DSModel -LiteralPath $using:FixtureModel
            $r = Invoke-DSCompletion -Prompt $_ -MaxTokens 12 -Temperature 0
            [pscustomobject]@{
                Prompt = $_
                Text   = $r.Text
                Models = @(Get-DSModel).Count
                Tokens = @(Get-DSKvCacheStats | Where-Object Sequence -eq 'Active')[0].Tokens
                Total  = $r.PromptTokens + $r.CompletionTokens
            }
        }
        $results.Count | Should -Be 2
        ($results | Where-Object Prompt -eq $promptA).Text | Should -BeExactly $aloneA.Text
        ($results | Where-Object Prompt -eq $promptB).Text | Should -BeExactly $aloneB.Text
        $results | ForEach-Object {
            $_.Models | Should -Be 1
            $_.Tokens | Should -BeIn @(($_.Total - 1), $_.Total)
        }
        Get-DSModel | Should -BeNullOrEmpty
    }
}
