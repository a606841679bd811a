using System.Globalization;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference.Perplexity;

/// <summary>
/// One text scored with one KV-cache format and compared with the baseline run (Measure-DSPerplexity's object, one
/// row of `dsv4 perplexity`). Errors are standard errors; <see cref="Top1AgreementPercent"/> is in percent.
/// </summary>
public sealed record PerplexityMeasurement
{
    /// <summary>The file the text came from, or "pipeline:N" / "text" for strings.</summary>
    public required string Source { get; init; }

    public required string Model { get; init; }

    public required KvCacheFormat KvCacheType { get; init; }

    public required string BaselineModel { get; init; }

    public required KvCacheFormat BaselineKvCacheType { get; init; }

    /// <summary>KV-cache bytes per token held by the last window's sequence (all components).</summary>
    public required double BytesPerToken { get; init; }

    /// <summary>Tokens scored.</summary>
    public required int Tokens { get; init; }

    public required double Perplexity { get; init; }

    public required double PerplexityError { get; init; }

    /// <summary>This run's perplexity minus the baseline's.</summary>
    public required double PerplexityDelta { get; init; }

    public required double BaselinePerplexity { get; init; }

    public required double MeanNll { get; init; }

    public required double MeanNllError { get; init; }

    /// <summary>Mean KL(baseline ‖ this run) per scored token, in nats.</summary>
    public required double MeanKld { get; init; }

    public required double MeanKldError { get; init; }

    public required double MedianKld { get; init; }

    public required double Percentile99Kld { get; init; }

    public required double MaxKld { get; init; }

    /// <summary>Share of scored positions whose most likely token is the baseline's, in percent.</summary>
    public required double Top1AgreementPercent { get; init; }

    public required double Top1AgreementError { get; init; }

    /// <summary>Tokens fed through the model per second (context and scored tokens alike).</summary>
    public required double TokensPerSecond { get; init; }

    public required int ContextLength { get; init; }

    public required int Stride { get; init; }

    public required int Windows { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Source} {Model} {KvCacheType}: PPL {Perplexity:0.####} ± {PerplexityError:0.####}, mean KLD {MeanKld:0.######}, top-1 {Top1AgreementPercent:0.##}% over {Tokens:N0} tokens");
}
