using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference.Perplexity;

/// <summary>What <see cref="PerplexityComparison.Run"/> scores, and how.</summary>
public sealed record PerplexityRequest
{
    public const int DefaultContextLength = 512;

    /// <summary>The text, tokenized without chat template (BOS first when the vocabulary has one).</summary>
    public required string Text { get; init; }

    /// <summary>Where the text came from, carried into the results.</summary>
    public string Source { get; init; } = "text";

    /// <summary>The KV-cache formats to score, each compared with the baseline; duplicates are scored once.</summary>
    public IReadOnlyList<KvCacheFormat> Formats { get; init; } = [KvCacheFormat.Native];

    /// <summary>The KV-cache format of the baseline run.</summary>
    public KvCacheFormat BaselineFormat { get; init; } = KvCacheFormat.Native;

    /// <summary>Window size and stride (<see cref="PerplexityOptions.BosId"/> is set from the tokenizer).</summary>
    public PerplexityOptions Options { get; init; } = new() { ContextLength = DefaultContextLength };
}

/// <summary>
/// One text scored with one model in several KV-cache formats against one baseline run — the same model in the
/// baseline format, or another file of the same model (other weight types) — llama-perplexity's KL-divergence mode
/// with the cache format as the variable. The baseline runs first and keeps its distributions compactly
/// (<see cref="PerplexityBaseline"/>); every other run is compared with it as it goes.
/// </summary>
public static class PerplexityComparison
{
    /// <summary>
    /// One result per format of <paramref name="request"/>, in its order. The baseline's own format on the same
    /// weights is not run twice: its row is the baseline run itself (divergence 0, agreement 100 %).
    /// Cancellation is checked between windows (and between layers inside the forward pass).
    /// </summary>
    public static IReadOnlyList<PerplexityMeasurement> Run(SessionModel model, PerplexityRequest request, SessionModel? baselineModel = null,
        Action<EngineEvent>? onEvent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        var formats = request.Formats.Distinct().ToList();
        if (formats.Count == 0) throw new ArgumentException("no KV-cache format to score", nameof(request));
        var baseModel = baselineModel ?? model;
        bool sameWeights = ReferenceEquals(baseModel.Model, model.Model);
        CheckContext(model, request.Options.ContextLength);
        CheckContext(baseModel, request.Options.ContextLength);
        var tokens = Tokenize(model, baseModel, request.Text, request.Source);
        var options = request.Options with { BosId = model.Model.Tokenizer.BosId };

        int runs = 1 + formats.Count(f => !(sameWeights && f == request.BaselineFormat));
        int run = 1;
        var (baseReport, baseBytes) = Score(baseModel, request.BaselineFormat, tokens, options, null, run, runs,
            $"baseline {request.BaselineFormat}", onEvent, cancellationToken);
        var baseline = baseReport.RecordedBaseline!;

        var results = new List<PerplexityMeasurement>();
        foreach (var format in formats)
        {
            if (sameWeights && format == request.BaselineFormat)
            {
                results.Add(Measurement(request, model, format, baseModel, baseReport, SelfComparison(baseReport.Perplexity), baseBytes, baseReport.Perplexity));
                continue;
            }
            var (report, bytes) = Score(model, format, tokens, options, baseline, ++run, runs, format.ToString(), onEvent, cancellationToken);
            results.Add(Measurement(request, model, format, baseModel, report, report.KlDivergence!, bytes, baseReport.Perplexity));
        }
        return results;
    }

    private static void CheckContext(SessionModel model, int contextLength)
    {
        int max = model.Model.Model.MaxContextLength;
        if (contextLength > max)
            throw new ArgumentOutOfRangeException(nameof(contextLength), contextLength, $"a window of {contextLength} tokens is longer than {model.Name}'s context limit ({max})");
    }

    private static int[] Tokenize(SessionModel model, SessionModel baseModel, string text, string source)
    {
        var tokens = Encode(model, text);
        if (!ReferenceEquals(baseModel.Model, model.Model))
        {
            if (baseModel.Model.Model.VocabularySize != model.Model.Model.VocabularySize)
                throw new ArgumentException($"the baseline model {baseModel.Name} has a vocabulary of {baseModel.Model.Model.VocabularySize} tokens, " +
                                            $"{model.Name} {model.Model.Model.VocabularySize}: not the same model");
            if (!Encode(baseModel, text).AsSpan().SequenceEqual(tokens))
                throw new ArgumentException($"the baseline model {baseModel.Name} tokenizes {source} differently from {model.Name}: not the same model");
        }
        return tokens;
    }

    private static int[] Encode(SessionModel model, string text)
    {
        var tokenizer = model.Model.Tokenizer;
        var ids = tokenizer.EncodeText(text);
        return tokenizer.BosId is int bos ? [bos, .. ids] : ids;
    }

    private static (PerplexityReport Report, double BytesPerToken) Score(SessionModel model, KvCacheFormat format, int[] tokens, PerplexityOptions options,
        PerplexityBaseline? baseline, int run, int runs, string stage, Action<EngineEvent>? onEvent, CancellationToken cancellationToken)
    {
        var lm = model.Model.Model;
        onEvent?.Invoke(new PerplexityProgressEvent(run, runs, stage, 0, 0));
        using var sequence = lm.CreateSequence(Math.Min(options.ContextLength, tokens.Length), format);
        var report = PerplexityEvaluator.Evaluate(sequence, lm.VocabularySize, tokens, options, baseline, recordBaseline: baseline == null,
            (done, total) => onEvent?.Invoke(new PerplexityProgressEvent(run, runs, stage, done, total)), cancellationToken);
        return (report, sequence.GetStatistics().BytesPerToken);
    }

    /// <summary>A run compared with itself: every distribution equal.</summary>
    private static KlDivergenceStatistics SelfComparison(PerplexityResult p) =>
        new(p.Tokens, 0, 0, 0, 0, 0, 1, 0, p.Perplexity, 0, 0, 0);

    private static PerplexityMeasurement Measurement(PerplexityRequest request, SessionModel model, KvCacheFormat format, SessionModel baseModel,
        PerplexityReport report, KlDivergenceStatistics kl, double bytesPerToken, PerplexityResult baseline) => new()
    {
        Source = request.Source,
        Model = model.Name,
        KvCacheType = format,
        BaselineModel = baseModel.Name,
        BaselineKvCacheType = request.BaselineFormat,
        BytesPerToken = bytesPerToken,
        Tokens = report.Perplexity.Tokens,
        Perplexity = report.Perplexity.Perplexity,
        PerplexityError = report.Perplexity.PerplexityStandardError,
        // From the baseline run itself rather than its compact record (which keeps NLLs as float).
        PerplexityDelta = report.Perplexity.Perplexity - baseline.Perplexity,
        BaselinePerplexity = baseline.Perplexity,
        MeanNll = report.Perplexity.MeanNll,
        MeanNllError = report.Perplexity.MeanNllStandardError,
        MeanKld = kl.MeanKld,
        MeanKldError = kl.MeanKldStandardError,
        MedianKld = kl.MedianKld,
        Percentile99Kld = kl.Percentile99Kld,
        MaxKld = kl.MaxKld,
        Top1AgreementPercent = 100 * kl.Top1Agreement,
        Top1AgreementError = 100 * kl.Top1AgreementStandardError,
        TokensPerSecond = report.TokensPerSecond,
        ContextLength = report.ContextLength,
        Stride = report.Stride,
        Windows = report.Windows,
        Elapsed = report.Elapsed,
    };
}
