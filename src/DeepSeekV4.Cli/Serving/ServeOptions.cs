using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Cli.Serving;

/// <summary>What `dsv4 serve` was asked for: the model, where to listen, who may call, and how many requests at once.</summary>
public sealed record ServeOptions
{
    /// <summary>Request bodies larger than this are refused with 413.</summary>
    public const long DefaultMaxRequestBodyBytes = 16L * 1024 * 1024;

    public required string ModelPath { get; init; }

    /// <summary>The id clients send as "model" and /v1/models lists (default: the file name without extension).</summary>
    public string? ServedName { get; init; }

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 picks a free port (tests); the bound address is reported once the server runs.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>When set, /v1/* requires "Authorization: Bearer KEY"; /health and /metrics stay open (as in vLLM).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Requests generating at once; each has its own session model (own KV and prefix cache) over shared weights.</summary>
    public int Parallel { get; init; } = 1;

    /// <summary>Requests that may wait for a free slot; beyond Parallel + Queue a request is refused with 503.</summary>
    public int Queue { get; init; } = 16;

    public int? ContextLength { get; init; }

    public KvCacheFormat? KvCacheFormat { get; init; }

    public ModelLoadOptions LoadOptions { get; init; } = new();

    public bool Force { get; init; }

    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>Seconds a 503 tells the client to wait (Retry-After).</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    public void Validate()
    {
        if (Parallel < 1) throw new ArgumentOutOfRangeException(nameof(Parallel), Parallel, $"--parallel {Parallel} must be >= 1");
        if (Queue < 0) throw new ArgumentOutOfRangeException(nameof(Queue), Queue, $"--queue {Queue} must be >= 0");
        if (Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, $"--port {Port} must be in 0..65535");
        if (ApiKey is { Length: 0 }) throw new ArgumentException("--api-key must not be empty", nameof(ApiKey));
        if (MaxRequestBodyBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxRequestBodyBytes), MaxRequestBodyBytes, "must be >= 1");
    }
}
