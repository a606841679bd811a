#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Connect-DSEndpoint and Invoke-DSCompletion against `dsv4 serve` (the fixture model) in its own process: the same
# text as the in-process model, streaming that ends with the object, 20 documents in input order, a server stopped
# in the middle of a run and restarted, and a wrong API key.

BeforeAll {
    . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1')
    Initialize-DSTest
    # A holder, so that the test that restarts the server can hand the new process to AfterAll.
    $state = @{ Server = Start-DSServeProcess -ApiKey 'pester-remote-key' }
    $server = $state.Server
    $key = ConvertTo-SecureString $server.ApiKey -AsPlainText -Force
    Connect-DSEndpoint $server.Api -Name cluster -ApiKey $key -MaxConcurrency 2
}

AfterAll {
    if ($state.Server) { Stop-DSServeProcess $state.Server }
    Complete-DSTest
}

Describe 'Connect-DSEndpoint' {
    It 'lists the endpoint as a remote model with its served id and context length' {
        $model = Get-DSModel cluster
        $model.Kind | Should -Be 'Remote'
        $model.ServedModel | Should -Be $FixtureModelName
        $model.ContextLength | Should -Be 512
        $model.Endpoint | Should -Be $server.Api
    }

    It 'gives an AuthenticationError record for a wrong API key' {
        $run = Invoke-DSCapture { Connect-DSEndpoint $server.Api -Name wrong -ApiKey (ConvertTo-SecureString 'wrong' -AsPlainText -Force) }
        $run.Errors.Count | Should -Be 1
        $run.Errors[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        Get-DSModel -Name wrong -ErrorAction Ignore | Should -BeNullOrEmpty
    }
}

Describe 'Invoke-DSCompletion on a remote model' {
    It 'writes the text the in-process model writes for the same seed' {
        Import-DSModel -LiteralPath $FixtureModel -Name local -ContextLength 512
        $local = Invoke-DSCompletion 'Tell me about rivers.' -Model local -Seed 11 -MaxTokens 10 -Temperature 0.7
        $remote = Invoke-DSCompletion 'Tell me about rivers.' -Model cluster -Seed 11 -MaxTokens 10 -Temperature 0.7
        $remote.Text | Should -BeExactly $local.Text
        $remote.CompletionTokens | Should -Be $local.CompletionTokens
        $remote.FinishReason | Should -Be $local.FinishReason
        Remove-DSModel local
    }

    It 'streams chunks and still ends with the result object' {
        $all = Invoke-DSCompletion 'Hello' -Model cluster -Seed 2 -MaxTokens 8 -Stream 6>&1
        $chunks = @($all | Where-Object { $_ -is [Management.Automation.InformationRecord] })
        $all[-1].GetType().Name | Should -Be 'CompletionResult'
        $chunks.Count | Should -BeGreaterThan 1
        (-join ($chunks | ForEach-Object { $_.MessageData.Message })) | Should -BeExactly $all[-1].Text
    }

    It 'answers 20 piped documents with -ThrottleLimit 4 in input order' {
        $results = 1..20 | ForEach-Object { "Document $_ is short." } | Invoke-DSCompletion -Model cluster -ThrottleLimit 4 -MaxTokens 3 -Seed 4
        $results.Count | Should -Be 20
        $results.Source | Should -Be (1..20 | ForEach-Object { "pipeline:$_" })
    }

    It 'writes error records for the rest when the server stops mid-run, and works after a restart' {
        $run = Invoke-DSCapture {
            1..10 | ForEach-Object { if ($_ -eq 5) { Stop-DSServeProcess $server }; "document $_" } |
                Invoke-DSCompletion -Model cluster -ThrottleLimit 2 -MaxTokens 3 -Seed 1
        }
        # Restarted before any assertion, so that a failed one does not leave the next test without a server.
        $state.Server = Start-DSServeProcess -ApiKey $server.ApiKey -Port $server.Port
        $again = 'one', 'two' | Invoke-DSCompletion -Model cluster -MaxTokens 3 -Seed 1

        # Documents 5..10 are sent after the stop; 3 and 4 may be in flight when it comes, and either may finish first.
        $run.Errors.Count | Should -BeGreaterOrEqual 6
        ($run.Output.Count + $run.Errors.Count) | Should -Be 10
        $run.Errors | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'ConnectionError' }
        $written = $run.All | ForEach-Object { if ($_ -is [Management.Automation.ErrorRecord]) { $_.TargetObject } else { $_.Source } }
        $written | Should -Be (1..10 | ForEach-Object { "pipeline:$_" })
        $again.Count | Should -Be 2
    }

    It 'reads the servers metrics for Get-DSKvCacheStats' {
        $stats = Get-DSKvCacheStats -Model cluster
        $stats.HasMetrics | Should -BeTrue
        $stats.Server | Should -Be 'dsv4'
    }
}
