using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DeepSeekV4.Engine.Tests.Remote;

/// <summary>
/// A fault-injecting OpenAI-style server on a loopback port: GET /v1/models lists one model; POST /v1/chat/completions
/// is answered by the test's handler, which is told how many chat requests came before (0 for the first). Helpers
/// write the answers a real server gives (a good SSE stream) and the faults (status codes with Retry-After, bodies
/// that stall, streams that break or end early).
/// </summary>
public sealed class FaultServer : IAsyncDisposable
{
    public const string ModelId = "fault-model";

    private readonly WebApplication _app;
    private int _chatRequests;

    private FaultServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The API base, http://127.0.0.1:PORT/v1.</summary>
    public Uri Address { get; }

    public int ChatRequests => Volatile.Read(ref _chatRequests);

    public static async Task<FaultServer> StartAsync(Func<HttpContext, int, Task> chat)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "fault-server" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FaultServer? server = null;
        app.MapGet("/v1/models", new RequestDelegate(context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                @object = "list",
                data = new[] { new { id = ModelId, @object = "model", owned_by = "tests", max_model_len = 4096 } },
            }));
        }));
        app.MapPost("/v1/chat/completions", new RequestDelegate(context =>
        {
            int n = Interlocked.Increment(ref server!._chatRequests) - 1;
            return chat(context, n);
        }));
        await app.StartAsync();
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FaultServer(app, new Uri(bound.TrimEnd('/') + "/v1"));
        return server;
    }

    /// <summary>A complete stream: one chunk per piece, a finish reason, a usage chunk, [DONE].</summary>
    public static async Task Stream(HttpContext context, string[] pieces, string finish = "stop", int promptTokens = 5)
    {
        await StartStream(context);
        foreach (var piece in pieces) await Event(context, Chunk(new { content = piece }, null));
        await Event(context, Chunk(new { }, finish));
        await Event(context, new { id = "x", @object = "chat.completion.chunk", created = 1, model = ModelId, choices = Array.Empty<object>(),
            usage = new { prompt_tokens = promptTokens, completion_tokens = pieces.Length, total_tokens = promptTokens + pieces.Length } });
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    public static async Task StartStream(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.StartAsync();
    }

    public static async Task Event(HttpContext context, object payload)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(payload) + "\n\n");
        await context.Response.Body.FlushAsync();
    }

    public static object Chunk(object delta, string? finish) => new
    {
        id = "x", @object = "chat.completion.chunk", created = 1, model = ModelId,
        choices = new[] { new { index = 0, delta, finish_reason = finish } },
    };

    /// <summary>An HTTP error with an OpenAI error body, and Retry-After when given.</summary>
    public static Task Status(HttpContext context, int status, string? retryAfter = null)
    {
        context.Response.StatusCode = status;
        if (retryAfter != null) context.Response.Headers.RetryAfter = retryAfter;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { message = $"injected {status}", type = "test", code = status } }),
            Encoding.UTF8);
    }

    /// <summary>Headers and one chunk, then nothing until the client gives up (the request is aborted).</summary>
    public static async Task Stall(HttpContext context)
    {
        await StartStream(context);
        await Event(context, Chunk(new { content = "slow" }, null));
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Two chunks, then the connection is cut (no finish reason, no [DONE]).</summary>
    public static async Task Break(HttpContext context)
    {
        await StartStream(context);
        await Event(context, Chunk(new { content = "half" }, null));
        await Event(context, Chunk(new { content = " an answer" }, null));
        context.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5))) await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
