using System.Management.Automation;
using DeepSeekV4.Engine.Inference;
using CompletionResult = DeepSeekV4.Engine.Inference.CompletionResult;
using DeepSeekV4.Engine.Remote;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>
/// The cmdlets against `dsv4 serve` (tiny model) in its own process: Connect-DSEndpoint registers it, and
/// Invoke-DSCompletion on it gives what the in-process model gives, streams, and keeps input order.
/// </summary>
public sealed class ConnectDSEndpointHostTests : IClassFixture<ConnectDSEndpointHostTests.Server>, IDisposable
{
    private readonly Server _server;
    private readonly PowerShellHost _host = new();

    public sealed class Server : IDisposable
    {
        public ServeProcess Process { get; } = new("host-test-key");

        public void Dispose() => Process.Dispose();
    }

    public ConnectDSEndpointHostTests(Server server)
    {
        _server = server;
        _host.Run("Connect-DSEndpoint $args[0] -Name cluster -ApiKey (ConvertTo-SecureString $args[1] -AsPlainText -Force) -MaxConcurrency 3",
            server.Process.Api, server.Process.ApiKey).Succeeded();
    }

    public void Dispose() => _host.Dispose();

    [Fact]
    public void A_seeded_completion_on_the_endpoint_is_the_in_process_models_text()
    {
        _host.Run("Import-DSModel -LiteralPath $args[0] -Name local -ContextLength 512", PowerShellHost.TinyModelPath).Succeeded();
        const string Script = "$input | Invoke-DSCompletion -Model $args[0] -Instruction 'Summarize:' -Seed 31 -MaxTokens 10 -Temperature 0.9 -TopK 40 -MinP 0.02 -RepeatPenalty 1.1";
        var local = Assert.Single(_host.RunWithInput(Script, new[] { "The river rose in the night." }, "local").Succeeded().Objects<CompletionResult>());
        var remote = Assert.Single(_host.RunWithInput(Script, new[] { "The river rose in the night." }, "cluster").Succeeded().Objects<CompletionResult>());
        Assert.Equal(local.Text, remote.Text);
        Assert.Equal((local.PromptTokens, local.CompletionTokens, local.FinishReason, local.Seed), (remote.PromptTokens, remote.CompletionTokens, remote.FinishReason, remote.Seed));
        Assert.Equal(("pipeline:1", "cluster"), (remote.Source, remote.Model));
    }

    [Fact]
    public void The_same_JsonSchema_AsObject_script_gives_the_same_objects_from_the_endpoint_as_in_process()
    {
        // The schema goes to the server as response_format; dsv4 serve constrains its decoding with it, so a seeded
        // completion is the same document either way, and the cmdlet turns it into the same typed object.
        _host.Run("Import-DSModel -LiteralPath $args[0] -Name local -ContextLength 512", PowerShellHost.TinyModelPath).Succeeded();
        const string Script = """
            $schema = [ordered]@{ type = 'object'; properties = [ordered]@{ Urgency = @{ enum = 'low', 'high' }; Minutes = @{ type = 'integer' } }; required = 'Urgency', 'Minutes' }
            $input | Invoke-DSCompletion -Model $args[0] -Instruction 'Extract the fields' -JsonSchema $schema -AsObject -MaxTokens 40 -Seed 9
            """;
        var local = Assert.Single(_host.RunWithInput(Script, new[] { "Printer on fire." }, "local").Succeeded().Output);
        var remote = Assert.Single(_host.RunWithInput(Script, new[] { "Printer on fire." }, "cluster").Succeeded().Output);
        Assert.IsType<PSCustomObject>(remote.BaseObject);
        Assert.Contains((string)remote.Properties["Urgency"].Value, new[] { "low", "high" });
        Assert.True(remote.Properties["Minutes"].Value is int or long);
        Assert.Equal((local.Properties["Urgency"].Value, Convert.ToInt64(local.Properties["Minutes"].Value)),
            (remote.Properties["Urgency"].Value, Convert.ToInt64(remote.Properties["Minutes"].Value)));
        Assert.Equal("pipeline:1", remote.Properties["PSSourceDocument"].Value);
    }

    [Fact]
    public void Streaming_writes_the_chunks_and_still_ends_with_the_result_object()
    {
        var run = _host.Run("Invoke-DSCompletion 'Hello' -Model cluster -Seed 3 -MaxTokens 8 -Stream").Succeeded();
        var result = Assert.IsType<CompletionResult>(Assert.Single(run.Output).BaseObject);
        var chunks = run.Information.Where(i => i.Tags.Contains("DSCompletion.Chunk")).Select(i => ((HostInformationMessage)i.MessageData).Message).ToList();
        Assert.True(chunks.Count > 1);
        Assert.Equal(result.Text, string.Concat(chunks));
    }

    [Fact]
    public void Twenty_piped_documents_with_a_throttle_of_four_come_back_as_twenty_results_in_input_order()
    {
        var documents = Enumerable.Range(1, 20).Select(i => $"Document number {i} is short.").ToArray();
        var run = _host.RunWithInput("$input | Invoke-DSCompletion -Model cluster -ThrottleLimit 4 -Seed 5 -MaxTokens 4", documents).Succeeded();
        var results = run.Objects<CompletionResult>();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"pipeline:{i}"), results.Select(r => r.Source));
        Assert.All(results, r => Assert.Equal(4, r.CompletionTokens));
    }

    [Fact]
    public void Get_DSModel_lists_it_as_remote_and_Remove_DSModel_disconnects_it()
    {
        var info = Assert.Single(_host.Run("Get-DSModel cluster").Succeeded().Objects<RemoteModelInfo>());
        Assert.Equal((ModelKind.Remote, "dsv4-tiny.f16", 512, _server.Process.Api), (info.Kind, info.ServedModel, info.ContextLength, info.Endpoint));
        Assert.Equal(3, info.MaxConcurrency);
        _host.Run("Remove-DSModel cluster").Succeeded();
        Assert.Empty(_host.Run("Get-DSModel").Succeeded().Output);
    }

    [Fact]
    public void Tab_completion_of_Model_offers_the_remote_model()
    {
        var run = _host.Run("$s = 'Invoke-DSCompletion -Model clu'; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches | ForEach-Object CompletionText").Succeeded();
        Assert.Contains("cluster", run.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Get_DSKvCacheStats_reads_the_servers_metrics()
    {
        _host.Run("Invoke-DSCompletion 'Hi' -Model cluster -MaxTokens 2").Succeeded();
        var stats = Assert.Single(_host.Run("Get-DSKvCacheStats -Model cluster").Succeeded().Objects<RemoteServerStats>());
        Assert.True(stats.HasMetrics);
        Assert.Equal("dsv4", stats.Server);
    }

    [Fact]
    public void A_wrong_api_key_is_an_AuthenticationError_record()
    {
        var run = _host.Run("Connect-DSEndpoint $args[0] -Name wrong -ApiKey (ConvertTo-SecureString 'not-the-key' -AsPlainText -Force)", _server.Process.Api);
        var error = run.SingleError();
        ErrorAssert.Is(error, ErrorCategory.AuthenticationError, "RemoteAuthentication");
        Assert.Contains("401", ErrorAssert.MessageOf(error), StringComparison.Ordinal);
    }

    [Fact]
    public void Commands_that_need_the_model_in_process_refuse_a_remote_one_by_name()
    {
        var run = _host.Run("Measure-DSPerplexity -Model cluster -InputObject 'some text here'");
        var error = run.SingleError();
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Contains("'cluster' is a remote model", ErrorAssert.MessageOf(error), StringComparison.Ordinal);
    }

    [Fact]
    public void Stop_cancels_a_remote_completion_without_error_records()
    {
        using var ps = _host.Create("Invoke-DSCompletion 'Tell a long story.' -Model cluster -MaxTokens 400 -Seed 9 -Stream");
        var async = ps.BeginInvoke();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!async.IsCompleted && ps.Streams.Information.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(5);
        Assert.False(async.IsCompleted, "the completion ended before it could be stopped");
        ps.Stop();
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.Empty(ps.Streams.Error);
        Assert.Single(_host.Run("Invoke-DSCompletion 'Hi' -Model cluster -MaxTokens 2").Succeeded().Objects<CompletionResult>());
    }
}
