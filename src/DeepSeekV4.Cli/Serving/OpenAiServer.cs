using System.Net;
using System.Text.Json;
using DeepSeekV4.Engine.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeepSeekV4.Cli.Serving;

/// <summary>
/// The OpenAI-compatible HTTP server over the local engine: GET /v1/models, POST /v1/chat/completions,
/// POST /v1/completions, GET /health, GET /metrics. Kestrel listens on one address (loopback unless told otherwise);
/// /v1/* needs the API key when one is set.
/// </summary>
public sealed class OpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SlotPool _pool;

    private OpenAiServer(WebApplication app, SlotPool pool, ServerMetrics metrics, Uri address)
    {
        _app = app;
        _pool = pool;
        Metrics = metrics;
        Address = address;
    }

    /// <summary>The bound address, e.g. http://127.0.0.1:8080/ (the real port when 0 was asked for).</summary>
    public Uri Address { get; }

    public ServerMetrics Metrics { get; }

    public SlotPool Pool => _pool;

    /// <summary>Loads the model into every slot, then starts listening.</summary>
    public static async Task<OpenAiServer> StartAsync(ServeOptions options, ModelRegistry registry, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var address = ListenAddress(options.Host);
        var pool = new SlotPool(registry, options);
        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "dsv4" });
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.AddServerHeader = false;
                k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
                k.Listen(address, options.Port);
            });
            var app = builder.Build();
            var metrics = new ServerMetrics();
            Map(app, options, pool, metrics);
            await app.StartAsync(cancellationToken);
            string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new OpenAiServer(app, pool, metrics, new Uri(bound.EndsWith('/') ? bound : bound + "/"));
        }
        catch
        {
            pool.Dispose();
            throw;
        }
    }

    /// <summary>Completes when the server is asked to stop (Ctrl+C, SIGTERM, or <see cref="DisposeAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10))) await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _pool.Dispose();
    }

    private static void Map(WebApplication app, ServeOptions options, SlotPool pool, ServerMetrics metrics)
    {
        var key = new ApiKeyCheck(options.ApiKey);
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/v1") && !key.Allows(context.Request.Headers.Authorization))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await new OpenAiError(401, context.Request.Headers.Authorization.Count == 0
                        ? "this server needs an API key: send \"Authorization: Bearer KEY\""
                        : "the API key is not valid for this server", code: "invalid_api_key")
                    .WriteAsync(context.Response, context.RequestAborted);
                return;
            }
            await next(context);
        });
        var model = pool.Model;
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        app.MapGet("/v1/models", new RequestDelegate(context => Json(context, new
        {
            @object = "list",
            data = new[] { new { id = model.Name, @object = "model", created, owned_by = "dsv4", max_model_len = model.ContextLength } },
        })));
        app.MapPost("/v1/chat/completions", new RequestDelegate(new CompletionEndpoint(pool, metrics, options, chat: true).HandleAsync));
        app.MapPost("/v1/completions", new RequestDelegate(new CompletionEndpoint(pool, metrics, options, chat: false).HandleAsync));
        app.MapGet("/health", new RequestDelegate(context => Json(context, new
        {
            status = "ok",
            model = model.Name,
            slots = pool.Slots.Length,
            running = pool.Running,
            waiting = pool.Waiting,
        })));
        app.MapGet("/metrics", new RequestDelegate(async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.WriteAsync(metrics.ToPrometheus(pool), context.RequestAborted);
        }));
        app.MapFallback(new RequestDelegate(context =>
            new OpenAiError(404, $"no route for {context.Request.Method} {context.Request.Path}", code: "not_found").WriteAsync(context.Response, context.RequestAborted)));
    }

    private static Task Json(HttpContext context, object body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    private static IPAddress ListenAddress(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        "*" or "0.0.0.0" => IPAddress.Any,
        "::" or "[::]" => IPAddress.IPv6Any,
        _ when IPAddress.TryParse(host.Trim('[', ']'), out var ip) => ip,
        _ => throw new ArgumentException($"--host '{host}' is not an IP address (use 127.0.0.1, ::1, 0.0.0.0 or localhost)", nameof(host)),
    };
}
