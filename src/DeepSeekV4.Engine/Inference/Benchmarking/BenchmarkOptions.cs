using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference.Benchmarking;

/// <summary>
/// A llama-bench style run: prompt processing of <see cref="PromptTokens"/> random tokens in one call (ppN) and
/// generation of <see cref="GenerateTokens"/> tokens one call each from an empty sequence (tgN), each repeated
/// <see cref="Repetitions"/> times on a fresh sequence after one untimed warm-up.
/// </summary>
public sealed record BenchmarkOptions
{
    public int PromptTokens { get; init; } = 512;
    public int GenerateTokens { get; init; } = 128;
    public int Repetitions { get; init; } = 5;
    /// <summary>The KV cache format named; null for the numerics' own (<see cref="KvCacheUsed"/>).</summary>
    public KvCacheFormat? KvCache { get; init; }

    /// <summary>The format the benchmark's sequences use.</summary>
    public KvCacheFormat KvCacheUsed => KvCache ?? Models.DeepSeekV4.ForwardRounding.DefaultKvCacheFormat(Numerics);

    /// <summary>How the measured model rounds (the dsv4 bench's --numerics; applied when the caller loads the model).</summary>
    public Models.DeepSeekV4.DeepSeekV4Numerics Numerics { get; init; } = Models.DeepSeekV4.DeepSeekV4Numerics.Fast;
    public bool WarmUp { get; init; } = true;
    /// <summary>Whether to record where the matrix products' time goes (<see cref="BenchmarkResult.PromptProfile"/>, <see cref="BenchmarkResult.GenerationProfile"/>).</summary>
    public bool Profile { get; init; }
    /// <summary>Seed of the random token ids fed to the model.</summary>
    public int Seed { get; init; } = 1234;

    public void Validate()
    {
        if (PromptTokens < 0) throw new ArgumentOutOfRangeException(nameof(PromptTokens), PromptTokens, "must not be negative");
        if (GenerateTokens < 0) throw new ArgumentOutOfRangeException(nameof(GenerateTokens), GenerateTokens, "must not be negative");
        if (PromptTokens == 0 && GenerateTokens == 0) throw new ArgumentException("nothing to measure: both the prompt and the generation have 0 tokens");
        if (Repetitions < 1) throw new ArgumentOutOfRangeException(nameof(Repetitions), Repetitions, "must be at least 1");
    }
}
