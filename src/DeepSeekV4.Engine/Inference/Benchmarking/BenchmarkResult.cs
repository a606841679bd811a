using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference.Benchmarking;

/// <summary>
/// What a benchmark run measured. <see cref="Prompt"/> or <see cref="Generation"/> is null when its token count was 0.
/// The effective generation bandwidth is the bytes of weights one generated token reads times the tokens per second.
/// </summary>
public sealed record BenchmarkResult(
    ThroughputSamples? Prompt,
    ThroughputSamples? Generation,
    KvCacheFormat KvCache,
    long PeakMemoryBytes,
    long WeightBytesPerToken)
{
    public double GenerationBandwidthBytesPerSecond => Generation == null ? 0 : WeightBytesPerToken * Generation.Mean;
}
