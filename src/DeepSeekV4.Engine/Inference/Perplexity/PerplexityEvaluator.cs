using System.Diagnostics;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference.Perplexity;

/// <summary>
/// Scores a token stream with a model (any <see cref="IModelSequence"/>): perplexity over windows
/// (<see cref="PerplexityWindows"/>), optionally recording a compact baseline of the next-token distributions, or
/// comparing against one recorded earlier (another KV-cache format, or another file of the same model) for the KL
/// divergence statistics.
/// </summary>
public static class PerplexityEvaluator
{
    /// <summary>Creates a sequence of the window's size in <paramref name="format"/>, scores, and disposes it.</summary>
    public static PerplexityReport Evaluate(ILanguageModel model, KvCacheFormat format, ReadOnlySpan<int> tokens, PerplexityOptions options,
        PerplexityBaseline? compareWith = null, bool recordBaseline = false, Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        using var sequence = model.CreateSequence(Math.Min(options.ContextLength, Math.Max(tokens.Length, 1)), format);
        return Evaluate(sequence, model.VocabularySize, tokens, options, compareWith, recordBaseline, progress, cancellationToken);
    }

    /// <param name="sequence">Reset before every window; its context must hold a window.</param>
    /// <param name="vocabularySize">Entries per logits row.</param>
    /// <param name="compareWith">A baseline recorded over the same tokens with the same options.</param>
    /// <param name="recordBaseline">Keep this run's distributions (<see cref="PerplexityReport.RecordedBaseline"/>).</param>
    /// <param name="progress">(tokens scored, tokens to score).</param>
    public static PerplexityReport Evaluate(IModelSequence sequence, int vocabularySize, ReadOnlySpan<int> tokens, PerplexityOptions options,
        PerplexityBaseline? compareWith = null, bool recordBaseline = false, Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentNullException.ThrowIfNull(options);
        if (options.LogitsChunk < 1) throw new ArgumentOutOfRangeException(nameof(options), options.LogitsChunk, "LogitsChunk must be positive");
        if (options.PrefillChunk < 1) throw new ArgumentOutOfRangeException(nameof(options), options.PrefillChunk, "PrefillChunk must be positive");
        foreach (int t in tokens)
            if ((uint)t >= (uint)vocabularySize) throw new ArgumentException($"token id {t} is outside the vocabulary (size {vocabularySize})", nameof(tokens));

        int stride = options.Stride ?? options.ContextLength;
        var windows = PerplexityWindows.Plan(tokens.Length, options.ContextLength, stride);
        int totalScored = windows.Sum(w => w.ScoredCount);
        int longest = windows.Max(w => w.Length);
        if (sequence.ContextLength < longest - 1)
            throw new ArgumentException($"the sequence holds {sequence.ContextLength} tokens; windows of {longest} need {longest - 1}", nameof(sequence));
        if (compareWith != null)
        {
            if (compareWith.VocabularySize != vocabularySize)
                throw new ArgumentException($"the baseline has a vocabulary of {compareWith.VocabularySize}, the model {vocabularySize}", nameof(compareWith));
            if (compareWith.Count != totalScored)
                throw new ArgumentException($"the baseline holds {compareWith.Count} positions; this text and these options score {totalScored}", nameof(compareWith));
        }

        var scorer = new Scorer(compareWith, recordBaseline ? new PerplexityBaseline(vocabularySize, options.BaselineTopK) : null);
        var window = new int[longest];
        var rows = new float[Math.Min(options.LogitsChunk, longest) * vocabularySize];
        var clock = Stopwatch.StartNew();
        long evaluated = 0;
        foreach (var w in windows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            tokens.Slice(w.Start, w.Length).CopyTo(window);
            if (options.BosId is int bos) window[0] = bos;
            sequence.Reset();

            // The unscored context, up to the position whose logits predict the first scored token.
            var last = rows.AsSpan(0, vocabularySize);
            for (int fed = 0; fed < w.FirstScored;)
            {
                int n = Math.Min(options.PrefillChunk, w.FirstScored - fed);
                sequence.Forward(window.AsSpan(fed, n), last, allLogits: false, cancellationToken);
                fed += n;
            }
            scorer.Score(last, tokens[w.Start + w.FirstScored]);

            // Then every position's logits, a chunk at a time, each row predicting the token after it.
            int lastPosition = w.FirstScored + w.ScoredCount - 2;
            for (int next = w.FirstScored; next <= lastPosition;)
            {
                int n = Math.Min(options.LogitsChunk, lastPosition - next + 1);
                sequence.Forward(window.AsSpan(next, n), rows.AsSpan(0, n * vocabularySize), allLogits: true, cancellationToken);
                for (int r = 0; r < n; r++)
                    scorer.Score(rows.AsSpan(r * vocabularySize, vocabularySize), tokens[w.Start + next + r + 1]);
                next += n;
            }
            evaluated += w.FirstScored + w.ScoredCount - 1;
            progress?.Invoke(scorer.Scored, totalScored);
        }
        return new PerplexityReport(scorer.Perplexity(), scorer.KlDivergence(), scorer.Recorded, options.ContextLength, stride, windows.Count,
            evaluated, clock.Elapsed);
    }

    /// <summary>Per-position work: NLL, and the baseline recording or comparison.</summary>
    private sealed class Scorer(PerplexityBaseline? baseline, PerplexityBaseline? recorded)
    {
        private MeanAccumulator _nll;
        private MeanAccumulator _kld;
        private MeanAccumulator _baselineNll;
        private MeanAccumulator _nllDifference;
        private readonly List<double> _klds = [];
        private int _sameTop;

        public PerplexityBaseline? Recorded { get; } = recorded;
        public int Scored => _nll.Count;

        public void Score(ReadOnlySpan<float> row, int target)
        {
            double lse = LogProbabilities.LogSumExp(row);
            double nll = lse - row[target];
            int position = _nll.Count;
            _nll.Add(nll);
            Recorded?.Add(row, lse, target, nll);
            if (baseline == null) return;
            if (baseline.Target(position) != target)
                throw new InvalidOperationException($"the baseline scored token {baseline.Target(position)} at position {position}, this run token {target}: not the same text");
            double kld = baseline.KlDivergence(position, row, lse);
            _klds.Add(kld);
            _kld.Add(kld);
            if (LogProbabilities.ArgMax(row) == baseline.TopToken(position)) _sameTop++;
            _baselineNll.Add(baseline.Nll(position));
            _nllDifference.Add(nll - baseline.Nll(position));
        }

        public PerplexityResult Perplexity()
        {
            double ppl = Math.Exp(_nll.Mean);
            return new PerplexityResult(_nll.Count, _nll.Mean, _nll.StandardError, ppl, ppl * _nll.StandardError);
        }

        public KlDivergenceStatistics? KlDivergence()
        {
            if (baseline == null) return null;
            int n = _klds.Count;
            _klds.Sort();
            double same = (double)_sameTop / n;
            double sameError = n > 1 ? Math.Sqrt(same * (1 - same) / (n - 1)) : 0;
            double basePpl = Math.Exp(_baselineNll.Mean);
            return new KlDivergenceStatistics(n, _kld.Mean, _kld.StandardError,
                SampleStatistics.Percentile(_klds, 0.5), SampleStatistics.Percentile(_klds, 0.99), _klds[^1],
                same, sameError, basePpl, Math.Exp(_nll.Mean) - basePpl, _nllDifference.Mean, _nllDifference.StandardError);
        }
    }
}
