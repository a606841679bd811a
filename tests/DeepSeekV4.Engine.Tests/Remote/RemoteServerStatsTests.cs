using DeepSeekV4.Engine.Remote;

namespace DeepSeekV4.Engine.Tests.Remote;

/// <summary>Prometheus texts as vLLM, SGLang and dsv4 serve write them, read into the typed report.</summary>
public sealed class RemoteServerStatsTests
{
    private static readonly Uri Uri = new("http://host:8000/metrics");

    [Fact]
    public void Vllm_v1_usage_is_averaged_over_engines_and_the_hit_rate_is_hits_over_queries()
    {
        const string text = """
            # HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
            # TYPE vllm:kv_cache_usage_perc gauge
            vllm:kv_cache_usage_perc{engine="0",model_name="deepseek-ai/DeepSeek-V4-Flash"} 0.25
            vllm:kv_cache_usage_perc{engine="1",model_name="deepseek-ai/DeepSeek-V4-Flash"} 0.75
            vllm:num_requests_running{engine="0",model_name="m"} 3.0
            vllm:num_requests_running{engine="1",model_name="m"} 2.0
            vllm:num_requests_waiting{engine="0",model_name="m"} 7.0
            vllm:prefix_cache_queries_total{engine="0",model_name="m"} 1000.0
            vllm:prefix_cache_hits_total{engine="0",model_name="m"} 250.0
            """;
        var s = RemoteServerStats.FromText("flash", Uri, text);
        Assert.Equal(("vLLM", true), (s.Server, s.HasMetrics));
        Assert.Equal(0.5, s.KvCacheUsage);
        Assert.Equal(0.25, s.PrefixCacheHitRate);
        Assert.Equal(5, s.RunningRequests);
        Assert.Equal(7, s.WaitingRequests);
    }

    [Fact]
    public void Vllm_before_v1_reports_gpu_cache_usage()
    {
        var s = RemoteServerStats.FromText("m", Uri, "vllm:gpu_cache_usage_perc{model_name=\"a,b}\"} 0.125\nvllm:num_requests_running{model_name=\"m\"} 1\n");
        Assert.Equal(0.125, s.KvCacheUsage);
        Assert.Null(s.PrefixCacheHitRate);
    }

    [Fact]
    public void Sglang_token_usage_and_cache_hit_rate()
    {
        const string text = """
            # TYPE sglang:token_usage gauge
            sglang:token_usage{model_name="m"} 0.4
            sglang:cache_hit_rate{model_name="m"} 0.6
            sglang:num_running_reqs{model_name="m"} 4
            sglang:num_queue_reqs{model_name="m"} 1
            """;
        var s = RemoteServerStats.FromText("m", Uri, text);
        Assert.Equal(("SGLang", 0.4, 0.6, 4, 1), (s.Server, s.KvCacheUsage!.Value, s.PrefixCacheHitRate!.Value, s.RunningRequests!.Value, s.WaitingRequests!.Value));
    }

    [Fact]
    public void Dsv4_serve_reports_bytes_and_reused_over_prompt_tokens()
    {
        var s = RemoteServerStats.FromText("m", Uri, "dsv4_kv_cache_bytes 4096\ndsv4_prompt_tokens_total 40\ndsv4_prompt_tokens_reused_total 10\ndsv4_requests_running 1\ndsv4_queue_length 0\n");
        Assert.Equal(("dsv4", 4096L, 0.25), (s.Server, s.KvCacheBytes!.Value, s.PrefixCacheHitRate!.Value));
        Assert.Null(s.KvCacheUsage);
    }

    [Fact]
    public void Metrics_of_another_kind_say_plainly_that_there_are_no_kv_cache_numbers()
    {
        var s = RemoteServerStats.FromText("m", Uri, "process_cpu_seconds_total 12.5\n");
        Assert.False(s.HasMetrics);
        Assert.Contains("none of vLLM's, SGLang's or dsv4's", s.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_without_metrics_is_a_report_that_says_so()
    {
        // Nothing listens on port 9 of the loopback (discard), so the GET fails without waiting.
        var s = RemoteServerStats.Read("m", new Uri("http://127.0.0.1:9/v1"), null, TimeSpan.FromSeconds(5), default);
        Assert.False(s.HasMetrics);
        Assert.Contains("http://127.0.0.1:9/metrics", s.Note, StringComparison.Ordinal);
    }
}
