#Requires -Version 7.6
<#
    dsv4 serve under concurrent clients, driven through the module's own client: Start-DSServer serves the tiny
    fixture model (-Parallel 2 -Queue 6 by default), Connect-DSEndpoint connects it, and for -Seconds the script pipes
    batches of documents with -ThrottleLimit -Clients (8 requests in flight: no more than --parallel + --queue, so no
    request may be refused). Every answer must equal the single-client answer for its document and seed; the server's
    working set is read after the first batch (warm-up) and at the end.

        dotnet build Module.sln -c Release
        dotnet pwsh ./benchmarks/remote-soak.ps1 -Seconds 60
#>
param([int] $Seconds = 60, [int] $Clients = 8, [int] $Parallel = 2, [int] $Queue = 6, [int] $MaxTokens = 24)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../DeepSeekV4.psd1')
$model = Join-Path $PSScriptRoot '../tests/fixtures/dsv4-tiny/dsv4-tiny.f16.gguf'
$server = Start-DSServer $model -Port 0 -ContextLength 512 -Parallel $Parallel -Queue $Queue
try {
    Connect-DSEndpoint $server.Endpoint -Name soak -MaxConcurrency $Clients
    $documents = 1..8 | ForEach-Object { "Question number $_ about rivers, stones and the sea?" }
    $ask = @{ Model = 'soak'; SystemPrompt = 'You are terse.'; MaxTokens = $MaxTokens; Temperature = 0.8; Seed = 7 }
    $expected = @{}
    foreach ($d in $documents) { $expected[$d] = (Invoke-DSCompletion -Prompt $d @ask).Text }

    $batch = @($documents) * 4
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $answered = 0; $failed = 0; $different = 0; $batches = 0; $warmBytes = 0
    while ($clock.Elapsed.TotalSeconds -lt $Seconds) {
        $errors = $null
        $results = $batch | Invoke-DSCompletion @ask -ThrottleLimit $Clients -ErrorVariable errors -ErrorAction SilentlyContinue
        $failed += @($errors).Count
        for ($i = 0; $i -lt @($results).Count; $i++) {
            $answered++
            $document = $batch[[int]($results[$i].Source -replace 'pipeline:', '') - 1]
            if ($results[$i].Text -cne $expected[$document]) { $different++ }
        }
        $batches++
        if ($batches -eq 1) { $warmBytes = (Get-Process -Id $server.ProcessId).WorkingSet64 }
    }
    $endBytes = (Get-Process -Id $server.ProcessId).WorkingSet64
    $stats = Get-DSKvCacheStats -Model soak
    [pscustomobject]@{
        Seconds            = [math]::Round($clock.Elapsed.TotalSeconds, 1)
        InFlight           = $Clients
        SlotsPlusQueue     = $Parallel + $Queue
        Answered           = $answered
        Failed             = $failed
        DifferentFromSingle = $different
        RequestsPerSecond  = [math]::Round($answered / $clock.Elapsed.TotalSeconds, 1)
        ServerMiBAfterWarmUp = [math]::Round($warmBytes / 1MB, 1)
        ServerMiBAtEnd     = [math]::Round($endBytes / 1MB, 1)
        PrefixCacheHitRate = $stats.PrefixCacheHitRate
    } | Format-List
}
finally {
    Stop-DSServer $server.Id -Confirm:$false
}
