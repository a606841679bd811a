namespace DeepSeekV4.Engine.Inference.Perplexity;

/// <summary>
/// Perplexity of the scored tokens: PPL = exp(mean NLL), with the standard error of the mean NLL and the PPL error
/// from it (first-order: PPL · SE), as llama-perplexity reports them.
/// </summary>
public sealed record PerplexityResult(int Tokens, double MeanNll, double MeanNllStandardError, double Perplexity, double PerplexityStandardError);

/// <summary>
/// A run compared position by position with a baseline run of the same tokens (llama-perplexity --kl-divergence):
/// KL(baseline ‖ run) with the standard error of its mean, median, 99th percentile and maximum; the share of
/// positions whose most likely token is the same in both (with its standard error); and the perplexity change.
/// </summary>
public sealed record KlDivergenceStatistics(
    int Positions,
    double MeanKld,
    double MeanKldStandardError,
    double MedianKld,
    double Percentile99Kld,
    double MaxKld,
    double Top1Agreement,
    double Top1AgreementStandardError,
    double BaselinePerplexity,
    double PerplexityDelta,
    double MeanLogPerplexityRatio,
    double MeanLogPerplexityRatioStandardError);

/// <summary>A perplexity run's figures.</summary>
public sealed record PerplexityReport(
    PerplexityResult Perplexity,
    KlDivergenceStatistics? KlDivergence,
    PerplexityBaseline? RecordedBaseline,
    int ContextLength,
    int Stride,
    int Windows,
    long TokensEvaluated,
    TimeSpan Elapsed)
{
    /// <summary>Tokens fed through the model per second (context and scored tokens alike).</summary>
    public double TokensPerSecond => Elapsed.TotalSeconds > 0 ? TokensEvaluated / Elapsed.TotalSeconds : 0;
}

/// <summary>Running mean and variance (Welford's method: no cancellation when the values are nearly equal).</summary>
internal struct MeanAccumulator
{
    private double _mean, _squaredDeviations;
    public int Count { get; private set; }

    public void Add(double x)
    {
        Count++;
        double delta = x - _mean;
        _mean += delta / Count;
        _squaredDeviations += delta * (x - _mean);
    }

    public readonly double Mean => Count == 0 ? double.NaN : _mean;

    /// <summary>Standard error of the mean: sqrt(variance / (n − 1)) with the population variance, 0 for a single value.</summary>
    public readonly double StandardError => Count < 2 ? 0 : Math.Sqrt(_squaredDeviations / Count / (Count - 1));
}

/// <summary>Order statistics of a sample.</summary>
public static class SampleStatistics
{
    /// <summary>The <paramref name="p"/>-quantile (0..1) of sorted values, interpolating linearly between ranks.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        double position = p * (sorted.Count - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
