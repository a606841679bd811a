using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Inference.Benchmarking;

/// <summary>
/// What a benchmark run measured. <see cref="Prompt"/> or <see cref="Generation"/> is null when its token count was 0.
/// The effective generation bandwidth is the bytes of weights one generated token reads times the tokens per second.
/// With <see cref="BenchmarkOptions.Profile"/>, each test's products by kind of weight over all its repetitions.
/// </summary>
public sealed record BenchmarkResult(
    ThroughputSamples? Prompt,
    ThroughputSamples? Generation,
    KvCacheFormat KvCache,
    long PeakMemoryBytes,
    long WeightBytesPerToken,
    TestProfile? PromptProfile = null,
    TestProfile? GenerationProfile = null)
{
    public double GenerationBandwidthBytesPerSecond => Generation == null ? 0 : WeightBytesPerToken * Generation.Mean;
}

/// <summary>The products of one test (all repetitions) and the wall time of those repetitions, on the same clock.</summary>
public sealed record TestProfile(ProductProfile Products, int Tokens, double WallSeconds)
{
    /// <summary>The part of the wall time spent outside the matrix products (attention, norms, routing, sampling …).</summary>
    public double OutsideProductsShare => WallSeconds > 0 ? Math.Max(0, 1 - Products.ProductSeconds / WallSeconds) : 0;
}
