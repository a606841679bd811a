using System.Diagnostics;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Remote;
using Microsoft.AspNetCore.Http;

namespace DeepSeekV4.Engine.Tests.Remote;

/// <summary>
/// A remote model against <see cref="FaultServer"/>: busy answers are retried (honouring Retry-After, bounded in count and
/// time), everything else becomes a named failure, and no request outlives the endpoint's timeout.
/// </summary>
public sealed class RemoteFaultTests
{
    /// <summary>Generous enough for a loaded machine; the faults that must end sooner are bounded separately.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static RemoteModel Connect(FaultServer server, TimeSpan? timeout = null, int retries = 3) => RemoteModel.Connect(new RemoteEndpointOptions
    {
        Uri = server.Address,
        Timeout = timeout ?? Bound,
        MaxRetries = retries,
        FirstRetryDelay = TimeSpan.FromMilliseconds(20),
    });

    private static CompletionRequest Request(string source = "doc-1") => new() { Prompt = "hi", MaxTokens = 8, Source = source };

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_and_the_answer_comes_through()
    {
        await using var server = await FaultServer.StartAsync((c, n) => n == 0 ? FaultServer.Status(c, 429, "0") : FaultServer.Stream(c, ["ok"]));
        var events = new List<EngineEvent>();
        var result = Connect(server).Complete(Request(), events.Add);
        Assert.Equal("ok", result.Text);
        Assert.Equal(2, server.ChatRequests);
        Assert.Contains(events.OfType<DiagnosticEvent>(), d => d.Message.Contains("429", StringComparison.Ordinal) && d.Message.Contains("retry 1 of 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Repeated_503s_are_retried_until_the_server_answers()
    {
        await using var server = await FaultServer.StartAsync((c, n) => n < 3 ? FaultServer.Status(c, 503) : FaultServer.Stream(c, ["a", "b"]));
        var result = Connect(server, retries: 3).Complete(Request());
        Assert.Equal("ab", result.Text);
        Assert.Equal(4, server.ChatRequests);
    }

    [Fact]
    public async Task A_server_that_stays_busy_is_given_up_after_the_retry_count_with_a_busy_failure()
    {
        await using var server = await FaultServer.StartAsync((c, _) => FaultServer.Status(c, 429, "0"));
        var e = Assert.Throws<RemoteRequestException>(() => Connect(server, retries: 2).Complete(Request("report.txt")));
        Assert.True(e.IsBusy);
        Assert.Equal(3, server.ChatRequests);
        Assert.Contains("report.txt", e.Message, StringComparison.Ordinal);
        Assert.Contains("after 2 retries", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_timeout_ends_the_request_at_once_instead_of_waiting()
    {
        await using var server = await FaultServer.StartAsync((c, _) => FaultServer.Status(c, 503, "3600"));
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<RemoteRequestException>(() => Connect(server, timeout: TimeSpan.FromSeconds(20)).Complete(Request()));
        Assert.Equal(503, e.StatusCode);
        Assert.Equal(1, server.ChatRequests);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_stalled_body_becomes_a_timeout_failure_within_the_timeout()
    {
        await using var server = await FaultServer.StartAsync((c, _) => FaultServer.Stall(c));
        var timeout = TimeSpan.FromSeconds(1);
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<RemoteTimeoutException>(() => Connect(server, timeout).Complete(Request("slow.txt")));
        Assert.Equal(timeout, e.Timeout);
        Assert.Contains("slow.txt", e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_stream_cut_mid_answer_becomes_a_connection_failure()
    {
        await using var server = await FaultServer.StartAsync((c, _) => FaultServer.Break(c));
        var chunks = new List<string>();
        var e = Assert.Throws<RemoteConnectionException>(() => Connect(server).Complete(Request("cut.txt"), ev => { if (ev is TextChunkEvent t) chunks.Add(t.Text); }));
        Assert.Contains("cut.txt", e.Message, StringComparison.Ordinal);
        Assert.Equal(server.Address, e.Endpoint);
    }

    [Fact]
    public async Task A_stream_that_ends_without_a_finish_reason_is_a_connection_failure_not_a_short_answer()
    {
        await using var server = await FaultServer.StartAsync(async (c, _) =>
        {
            await FaultServer.StartStream(c);
            await FaultServer.Event(c, FaultServer.Chunk(new { content = "partial" }, null));
            await c.Response.WriteAsync("data: [DONE]\n\n");
        });
        var e = Assert.Throws<RemoteConnectionException>(() => Connect(server).Complete(Request()));
        Assert.Contains("without a finish reason", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_event_is_invalid_data()
    {
        await using var server = await FaultServer.StartAsync(async (c, _) =>
        {
            await FaultServer.StartStream(c);
            await c.Response.WriteAsync("data: {\"choices\": [ this is not json\n\n");
        });
        var e = Assert.Throws<InvalidDataException>(() => Connect(server).Complete(Request("bad.txt")));
        Assert.Contains("malformed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_401_is_an_authentication_failure_and_is_not_retried()
    {
        await using var server = await FaultServer.StartAsync((c, _) => FaultServer.Status(c, 401));
        var e = Assert.Throws<RemoteAuthenticationException>(() => Connect(server).Complete(Request()));
        Assert.Equal(401, e.StatusCode);
        Assert.Contains("injected 401", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.ChatRequests);
    }

    [Fact]
    public async Task A_400_names_the_servers_words_and_is_not_retried()
    {
        await using var server = await FaultServer.StartAsync((c, _) => FaultServer.Status(c, 400));
        var e = Assert.Throws<RemoteRequestException>(() => Connect(server).Complete(Request()));
        Assert.False(e.IsBusy);
        Assert.Contains("HTTP 400: injected 400", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.ChatRequests);
    }

    [Fact]
    public async Task A_server_gone_after_connecting_is_a_connection_failure()
    {
        var server = await FaultServer.StartAsync((c, _) => FaultServer.Stream(c, ["x"]));
        var model = Connect(server);
        await server.DisposeAsync();
        var e = Assert.Throws<RemoteConnectionException>(() => model.Complete(Request("late.txt")));
        Assert.Contains("late.txt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_ends_a_stalled_request_as_cancelled_not_as_a_failure()
    {
        await using var server = await FaultServer.StartAsync((c, _) => FaultServer.Stall(c));
        var model = Connect(server);
        using var cancel = new CancellationTokenSource();
        var run = Task.Run(() => model.Complete(Request(), e => { if (e is TextChunkEvent) cancel.Cancel(); }, cancel.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Bound));
    }

    [Fact]
    public async Task Finish_reasons_and_usage_come_through_in_the_engines_terms()
    {
        await using var server = await FaultServer.StartAsync((c, _) => FaultServer.Stream(c, ["a", "b", "c"], "length", promptTokens: 9));
        var result = Connect(server).Complete(Request() with { MaxTokens = 3 });
        Assert.Equal(FinishReason.MaxTokens, result.FinishReason);
        Assert.Equal(9, result.PromptTokens);
        Assert.Equal(3, result.CompletionTokens);
        Assert.Equal("doc-1", result.Source);
    }
}
