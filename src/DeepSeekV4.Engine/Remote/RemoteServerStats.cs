using System.Net.Http.Headers;

namespace DeepSeekV4.Engine.Remote;

/// <summary>
/// What a remote server says about its KV cache and load, read from its Prometheus /metrics: vLLM (vllm:kv_cache_usage_perc,
/// or vllm:gpu_cache_usage_perc before V1; prefix-cache hits / queries), SGLang (sglang:token_usage, sglang:cache_hit_rate),
/// or dsv4 serve (dsv4_kv_cache_bytes, reused / prompt tokens). <see cref="HasMetrics"/> is false, with the reason in
/// <see cref="Note"/>, when the server publishes none.
/// </summary>
public sealed record RemoteServerStats
{
    public required string Model { get; init; }

    public required Uri MetricsUri { get; init; }

    /// <summary>"vLLM", "SGLang", "dsv4" or "unknown" (metrics of another kind), from the metric names.</summary>
    public required string Server { get; init; }

    public required bool HasMetrics { get; init; }

    /// <summary>The fraction of the server's KV-cache capacity in use (0..1), where it says.</summary>
    public double? KvCacheUsage { get; init; }

    /// <summary>KV-cache bytes held, where the server counts bytes (dsv4 serve).</summary>
    public long? KvCacheBytes { get; init; }

    /// <summary>The fraction of prompt tokens (or prefix-cache lookups) served from the prefix cache since the server started.</summary>
    public double? PrefixCacheHitRate { get; init; }

    public int? RunningRequests { get; init; }

    public int? WaitingRequests { get; init; }

    /// <summary>Why there are no numbers (no /metrics, an error), or null.</summary>
    public string? Note { get; init; }

    public override string ToString() => HasMetrics
        ? $"{Model} ({Server}): KV cache {(KvCacheUsage is { } u ? $"{u:P1}" : "?")} used"
        : $"{Model}: {Note}";

    /// <summary>The metrics address of an API base: http://host:8000/v1 → http://host:8000/metrics.</summary>
    public static Uri MetricsAddress(Uri endpoint)
    {
        string path = endpoint.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/v1", StringComparison.OrdinalIgnoreCase)) path = path[..^3];
        return new UriBuilder(endpoint) { Path = path + "/metrics", Query = "", Fragment = "" }.Uri;
    }

    /// <summary>GETs the server's /metrics and reads it; a missing or failing /metrics is a report that says so, not an exception.</summary>
    public static RemoteServerStats Read(string model, Uri endpoint, string? apiKey, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var uri = MetricsAddress(endpoint);
        string text;
        try
        {
            using var http = new HttpClient { Timeout = timeout };
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (apiKey != null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            using var response = http.Send(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
                return None(model, uri, $"{uri} answered HTTP {(int)response.StatusCode}: this server publishes no Prometheus metrics there");
            using var reader = new StreamReader(response.Content.ReadAsStream(cancellationToken));
            text = reader.ReadToEnd();
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return None(model, uri, $"cannot read {uri}: {e.Message}");
        }
        return FromText(model, uri, text);
    }

    /// <summary>The report for a /metrics body.</summary>
    public static RemoteServerStats FromText(string model, Uri uri, string text)
    {
        var m = PrometheusText.Parse(text);
        if (m.Has("vllm:kv_cache_usage_perc") || m.Has("vllm:gpu_cache_usage_perc") || m.Has("vllm:num_requests_running"))
        {
            return new RemoteServerStats
            {
                Model = model, MetricsUri = uri, Server = "vLLM", HasMetrics = true,
                KvCacheUsage = m.MeanOfFirst("vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"),
                PrefixCacheHitRate = Ratio(m.SumOfFirst("vllm:prefix_cache_hits_total", "vllm:prefix_cache_hits", "vllm:gpu_prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits"),
                    m.SumOfFirst("vllm:prefix_cache_queries_total", "vllm:prefix_cache_queries", "vllm:gpu_prefix_cache_queries_total", "vllm:gpu_prefix_cache_queries")),
                RunningRequests = Int(m.Sum("vllm:num_requests_running")),
                WaitingRequests = Int(m.Sum("vllm:num_requests_waiting")),
            };
        }
        if (m.Has("sglang:token_usage") || m.Has("sglang:num_running_reqs"))
        {
            return new RemoteServerStats
            {
                Model = model, MetricsUri = uri, Server = "SGLang", HasMetrics = true,
                KvCacheUsage = m.Mean("sglang:token_usage"),
                PrefixCacheHitRate = m.Mean("sglang:cache_hit_rate"),
                RunningRequests = Int(m.Sum("sglang:num_running_reqs")),
                WaitingRequests = Int(m.Sum("sglang:num_queue_reqs")),
            };
        }
        if (m.Has("dsv4_kv_cache_bytes"))
        {
            return new RemoteServerStats
            {
                Model = model, MetricsUri = uri, Server = "dsv4", HasMetrics = true,
                KvCacheBytes = m.Sum("dsv4_kv_cache_bytes") is { } b ? (long)b : null,
                PrefixCacheHitRate = Ratio(m.Sum("dsv4_prompt_tokens_reused_total"), m.Sum("dsv4_prompt_tokens_total")),
                RunningRequests = Int(m.Sum("dsv4_requests_running")),
                WaitingRequests = Int(m.Sum("dsv4_queue_length")),
            };
        }
        return None(model, uri, m.Count == 0
            ? $"{uri} holds no Prometheus samples"
            : $"{uri} has {m.Count} metrics but none of vLLM's, SGLang's or dsv4's KV-cache metrics");
    }

    private static RemoteServerStats None(string model, Uri uri, string note) =>
        new() { Model = model, MetricsUri = uri, Server = "unknown", HasMetrics = false, Note = note };

    private static double? Ratio(double? part, double? whole) => part is { } p && whole is > 0 ? p / whole.Value : null;

    private static int? Int(double? v) => v is { } d && !double.IsNaN(d) ? (int)Math.Round(d) : null;
}
