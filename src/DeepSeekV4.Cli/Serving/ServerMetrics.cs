using System.Globalization;
using System.Text;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Cli.Serving;

/// <summary>The server's counters and gauges, written as Prometheus text (version 0.0.4) by /metrics.</summary>
public sealed class ServerMetrics
{
    private long _requests;
    private long _failed;
    private long _rejected;
    private long _cancelled;
    private long _promptTokens;
    private long _completionTokens;
    private long _reusedTokens;
    private long _decodeTicks;
    private long _prefillTicks;
    private long _lastDecodeRate;
    private long _lastPrefillRate;

    public long Requests => Interlocked.Read(ref _requests);

    public long Cancelled => Interlocked.Read(ref _cancelled);

    public void Completed(CompletionResult result)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _promptTokens, result.PromptTokens);
        Interlocked.Add(ref _completionTokens, result.CompletionTokens);
        Interlocked.Add(ref _reusedTokens, result.ReusedTokens);
        if (result.DecodeTokensPerSecond > 0) Interlocked.Add(ref _decodeTicks, (long)(result.CompletionTokens / result.DecodeTokensPerSecond * 1e6));
        if (result.PrefillTokensPerSecond > 0)
            Interlocked.Add(ref _prefillTicks, (long)((result.PromptTokens - result.ReusedTokens) / result.PrefillTokensPerSecond * 1e6));
        Interlocked.Exchange(ref _lastDecodeRate, BitConverter.DoubleToInt64Bits(result.DecodeTokensPerSecond));
        Interlocked.Exchange(ref _lastPrefillRate, BitConverter.DoubleToInt64Bits(result.PrefillTokensPerSecond));
    }

    public void Failed() => Interlocked.Increment(ref _failed);

    public void Rejected() => Interlocked.Increment(ref _rejected);

    public void CountCancelled() => Interlocked.Increment(ref _cancelled);

    public string ToPrometheus(SlotPool pool)
    {
        var text = new StringBuilder();
        void Metric(string name, string type, string help, double value)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            text.Append(name).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        Metric("dsv4_requests_total", "counter", "Completions answered.", Requests);
        Metric("dsv4_requests_failed_total", "counter", "Completions that failed in the engine.", Interlocked.Read(ref _failed));
        Metric("dsv4_requests_rejected_total", "counter", "Requests refused with 503 because the queue was full.", Interlocked.Read(ref _rejected));
        Metric("dsv4_requests_cancelled_total", "counter", "Completions cancelled because the client went away.", Interlocked.Read(ref _cancelled));
        Metric("dsv4_requests_running", "gauge", "Requests generating now.", pool.Running);
        Metric("dsv4_queue_length", "gauge", "Requests waiting for a free slot.", pool.Waiting);
        Metric("dsv4_slots", "gauge", "Generation slots (--parallel).", pool.Slots.Length);
        Metric("dsv4_prompt_tokens_total", "counter", "Prompt tokens of answered completions.", Interlocked.Read(ref _promptTokens));
        Metric("dsv4_prompt_tokens_reused_total", "counter", "Prompt tokens taken from a slot's prefix cache instead of computed.", Interlocked.Read(ref _reusedTokens));
        Metric("dsv4_completion_tokens_total", "counter", "Generated tokens of answered completions.", Interlocked.Read(ref _completionTokens));
        Metric("dsv4_decode_seconds_total", "counter", "Seconds spent decoding.", Interlocked.Read(ref _decodeTicks) / 1e6);
        Metric("dsv4_prefill_seconds_total", "counter", "Seconds spent computing prompt tokens.", Interlocked.Read(ref _prefillTicks) / 1e6);
        Metric("dsv4_decode_tokens_per_second", "gauge", "Decode speed of the last completion.", BitConverter.Int64BitsToDouble(Interlocked.Read(ref _lastDecodeRate)));
        Metric("dsv4_prefill_tokens_per_second", "gauge", "Prefill speed of the last completion.", BitConverter.Int64BitsToDouble(Interlocked.Read(ref _lastPrefillRate)));
        Metric("dsv4_kv_cache_bytes", "gauge", "KV-cache bytes held by all slots (active sequences and prefix checkpoints), as of each slot's last request.",
            pool.Slots.Sum(s => s.KvCacheBytes));
        Metric("dsv4_context_length", "gauge", "Context length of each slot.", pool.Model.ContextLength);
        return text.ToString();
    }
}
