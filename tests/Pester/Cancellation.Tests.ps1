#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Stop() (what Ctrl+C does) during prefill and during decode; the runspace's next completion works and gives the
# text of a cold run in a fresh runspace.

BeforeAll {
    . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1')
    Initialize-DSTest
    $longPrompt = Get-DSLongText -Words 100
    $shortPrompt = 'Write a long story about a cat who learns to sail.'

    # Starts Invoke-DSCompletion in $Runspace with $Parameters, waits for $Until, calls Stop(); returns what happened.
    function Stop-DSCompletionWhen {
        param($Runspace, [hashtable] $Parameters, [ValidateSet('Progress', 'Chunk')] [string] $Until)
        $ps = [powershell]::Create()
        $ps.Runspace = $Runspace
        $null = $ps.AddCommand('Invoke-DSCompletion').AddParameters($Parameters)
        $async = $ps.BeginInvoke()
        $arrived = Wait-DSCondition -TimeoutSeconds 60 -PollMilliseconds 2 {
            $async.IsCompleted -or $(if ($Until -eq 'Progress') {
                    @($ps.Streams.Progress | Where-Object Activity -eq 'Invoke-DSCompletion').Count -gt 0
                }
                else {
                    @($ps.Streams.Information | Where-Object { $_.Tags -contains 'DSCompletion.Chunk' }).Count -gt 0
                })
        }
        $completedBeforeStop = $async.IsCompleted
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $clock.Stop()
        $endError = $null
        $output = $null
        try { $output = $ps.EndInvoke($async) } catch { $endError = $_.Exception }
        while ($endError -is [Management.Automation.MethodInvocationException] -and $endError.InnerException) { $endError = $endError.InnerException }
        [pscustomobject]@{
            Arrived             = $arrived
            CompletedBeforeStop = $completedBeforeStop
            State               = $ps.InvocationStateInfo.State
            StopSeconds         = $clock.Elapsed.TotalSeconds
            Output              = @($output)
            EndError            = $endError
            Errors              = @($ps.Streams.Error)
            Chunks              = @($ps.Streams.Information | Where-Object { $_.Tags -contains 'DSCompletion.Chunk' })
        }
        $ps.Dispose()
    }

    $prefillArgs = @{ Prompt = $longPrompt; MaxTokens = 4; Temperature = 0 }
    $decodeArgs = @{ Prompt = $shortPrompt; MaxTokens = 200; Temperature = 0; Stream = $true }

    # The cold runs: a fresh runspace, nothing cached.
    $coldRunspace = New-DSRunspace
    Invoke-DSInRunspace $coldRunspace { param($m) Import-DSModel -LiteralPath $m } -Arguments $FixtureModel -ErrorAction Stop
    $coldPrefill = Invoke-DSInRunspace $coldRunspace { param($a) Invoke-DSCompletion @a } -Arguments $prefillArgs -ErrorAction Stop
    Invoke-DSInRunspace $coldRunspace { Clear-DSKvCache -Confirm:$false } -ErrorAction Stop
    $coldDecode = Invoke-DSInRunspace $coldRunspace { param($a) Invoke-DSCompletion @a -InformationAction SilentlyContinue } -Arguments $decodeArgs -ErrorAction Stop
    $coldRunspace.Dispose()
}

AfterAll { Complete-DSTest }

Describe 'Stop during prefill' {
    BeforeAll {
        $rs = New-DSRunspace
        Invoke-DSInRunspace $rs { param($m) Import-DSModel -LiteralPath $m } -Arguments $FixtureModel -ErrorAction Stop
        $stopped = Stop-DSCompletionWhen -Runspace $rs -Parameters $prefillArgs -Until Progress
    }

    AfterAll { $rs.Dispose() }

    It 'the cold run took long enough to be stopped in its prefill' {
        $coldPrefill.PromptTokens | Should -BeGreaterThan 250
        $coldPrefill.PromptTokens | Should -BeLessThan ($FixtureMaxContext - 4)
    }

    It 'stops promptly, with PipelineStoppedException and no result' {
        $stopped.Arrived | Should -BeTrue
        $stopped.CompletedBeforeStop | Should -BeFalse
        $stopped.State | Should -Be 'Stopped'
        $stopped.EndError | Should -BeOfType ([Management.Automation.PipelineStoppedException])
        $stopped.StopSeconds | Should -BeLessThan 2
        $stopped.Output | Should -BeNullOrEmpty
        $stopped.Errors | Should -BeNullOrEmpty
    }

    It 'the engine stopped too: the cache does not hold the whole prompt' {
        $active = @(Invoke-DSInRunspace $rs { Get-DSKvCacheStats } -ErrorAction Stop | Where-Object Sequence -eq 'Active')
        @($active | Where-Object Tokens -ge $coldPrefill.PromptTokens) | Should -BeNullOrEmpty
    }

    It 'the next completion in that runspace works and gives the cold run''s text' {
        $again = Invoke-DSInRunspace $rs { param($a) Invoke-DSCompletion @a } -Arguments $prefillArgs -PassThruErrors
        $again.Errors | Should -BeNullOrEmpty
        @($again.Output).Count | Should -Be 1
        $again.Output[0].Text | Should -BeExactly $coldPrefill.Text
        $again.Output[0].PromptTokens | Should -Be $coldPrefill.PromptTokens
    }
}

Describe 'Stop during decode' {
    BeforeAll {
        $rs = New-DSRunspace
        Invoke-DSInRunspace $rs { param($m) Import-DSModel -LiteralPath $m } -Arguments $FixtureModel -ErrorAction Stop
        $stopped = Stop-DSCompletionWhen -Runspace $rs -Parameters $decodeArgs -Until Chunk
    }

    AfterAll { $rs.Dispose() }

    It 'the cold run generated all its tokens' {
        $coldDecode.CompletionTokens | Should -Be 200
    }

    It 'stops promptly after the first chunks, with PipelineStoppedException and no result' {
        $stopped.Arrived | Should -BeTrue
        $stopped.CompletedBeforeStop | Should -BeFalse
        $stopped.State | Should -Be 'Stopped'
        $stopped.EndError | Should -BeOfType ([Management.Automation.PipelineStoppedException])
        $stopped.StopSeconds | Should -BeLessThan 2
        $stopped.Output | Should -BeNullOrEmpty
        $stopped.Errors | Should -BeNullOrEmpty
        $stopped.Chunks.Count | Should -BeGreaterThan 0
        $stopped.Chunks.Count | Should -BeLessThan 200
    }

    It 'the chunks that came are the start of the cold run''s text' {
        $streamed = -join ($stopped.Chunks | ForEach-Object { $_.MessageData.Message })
        $streamed.Length | Should -BeGreaterThan 0
        $coldDecode.Text.StartsWith($streamed, [StringComparison]::Ordinal) | Should -BeTrue -Because "'$streamed' should start '$($coldDecode.Text)'"
    }

    It 'the engine stopped too: the cache does not hold the whole answer' {
        Start-Sleep -Milliseconds 500
        $active = @(Invoke-DSInRunspace $rs { Get-DSKvCacheStats } -ErrorAction Stop | Where-Object Sequence -eq 'Active')
        @($active | Where-Object Tokens -ge ($coldDecode.PromptTokens + 100)) | Should -BeNullOrEmpty
    }

    It 'the next completion in that runspace works and gives the cold run''s text' {
        $again = Invoke-DSInRunspace $rs { param($a) Invoke-DSCompletion @a -InformationAction SilentlyContinue } -Arguments $decodeArgs -PassThruErrors
        $again.Errors | Should -BeNullOrEmpty
        @($again.Output).Count | Should -Be 1
        $again.Output[0].Text | Should -BeExactly $coldDecode.Text
        $again.Output[0].CompletionTokens | Should -Be $coldDecode.CompletionTokens
    }
}
