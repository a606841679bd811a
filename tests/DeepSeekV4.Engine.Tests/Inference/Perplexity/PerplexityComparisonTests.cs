using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Inference.Perplexity;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tests.Inference.Fakes;

namespace DeepSeekV4.Engine.Tests.Inference.Perplexity;

/// <summary>
/// The comparison over KV formats, on the toy model: its logits do not depend on the cache format and follow a rule
/// the test can evaluate itself. (LogitsChunk 1: the toy writes only the last position's logits per call.)
/// </summary>
public class PerplexityComparisonTests
{
    private const string Text = "The quarterly report shows revenue up twelve percent; the office moves in March. " +
                                "Costs fell in the north and rose in the south, and the board approved the plan.";

    private static PerplexityRequest Request(params KvCacheFormat[] formats) => new()
    {
        Text = Text,
        Source = "report",
        Formats = formats,
        Options = new PerplexityOptions { ContextLength = 40, LogitsChunk = 1 },
    };

    /// <summary>−log softmax of the toy's logits (Lead on the rule's token, −30 on BOS, 0 elsewhere) at the target.</summary>
    private static double ToyNll(int best, int target)
    {
        double logSum = Math.Log(Math.Exp(ToyModel.Lead) + Math.Exp(-30) + (ByteTokenizer.VocabularySize - 2));
        double logit = target == best ? ToyModel.Lead : target == ByteTokenizer.Bos ? -30 : 0;
        return logSum - logit;
    }

    [Fact]
    public void Scores_the_text_as_plain_tokens_after_bos_in_windows_whose_first_token_is_bos()
    {
        using var env = new ToyEnvironment();
        var row = Assert.Single(PerplexityComparison.Run(env.Model, Request(KvCacheFormat.Native)));

        int[] tokens = [ByteTokenizer.Bos, .. ByteTokenizer.Text(Text)];
        var nlls = new List<double>();
        foreach (var w in PerplexityWindows.Plan(tokens.Length, 40, 40))
        {
            var window = tokens.AsSpan(w.Start, w.Length).ToArray();
            window[0] = ByteTokenizer.Bos;
            for (int p = w.FirstScored; p < w.FirstScored + w.ScoredCount; p++)
                nlls.Add(ToyNll(env.Toy.Next(window[..p]), window[p]));
        }
        Assert.Equal(nlls.Count, row.Tokens);
        Assert.Equal(nlls.Average(), row.MeanNll, 9);
        Assert.Equal(Math.Exp(nlls.Average()), row.Perplexity, 6);
        Assert.Equal(("report", "toy", KvCacheFormat.Native, "toy", KvCacheFormat.Native), (row.Source, row.Model, row.KvCacheType, row.BaselineModel, row.BaselineKvCacheType));
        Assert.Equal((40, 40, tokens.Length / 40), (row.ContextLength, row.Stride, row.Windows));
    }

    [Fact]
    public void Formats_with_the_same_logits_as_the_baseline_have_zero_divergence_and_full_agreement()
    {
        using var env = new ToyEnvironment();
        var rows = PerplexityComparison.Run(env.Model, Request(KvCacheFormat.Native, KvCacheFormat.F16, KvCacheFormat.Q4_0));
        Assert.Equal([KvCacheFormat.Native, KvCacheFormat.F16, KvCacheFormat.Q4_0], rows.Select(r => r.KvCacheType));
        Assert.All(rows, r =>
        {
            Assert.Equal((0.0, 0.0, 0.0, 0.0), (r.MeanKld, r.MedianKld, r.Percentile99Kld, r.MaxKld));
            Assert.Equal(100.0, r.Top1AgreementPercent);
            Assert.Equal(0, r.PerplexityDelta, 4);
            Assert.Equal(rows[0].Perplexity, r.Perplexity, 9);
            Assert.Equal(rows[0].BaselinePerplexity, r.BaselinePerplexity, 4);
        });
    }

    [Fact]
    public void Bytes_per_token_come_from_the_last_window_sequence_statistics()
    {
        using var env = new ToyEnvironment();
        var row = Assert.Single(PerplexityComparison.Run(env.Model, Request(KvCacheFormat.Q8_0)));
        // The last window holds 39 tokens (its last token is only predicted); the toy's statistics for 39 tokens:
        // window min(39, 16)·10, CSA 39/4·6, indexer 39/4·2, compressor state 100.
        Assert.Equal((16 * 10 + 9 * 6 + 9 * 2 + 100) / 39.0, row.BytesPerToken, 9);
    }

    [Fact]
    public void The_baseline_runs_first_then_each_other_format_once_with_progress()
    {
        using var env = new ToyEnvironment();
        var events = new List<PerplexityProgressEvent>();
        PerplexityComparison.Run(env.Model, Request(KvCacheFormat.Q8_0, KvCacheFormat.Native, KvCacheFormat.Q8_0) with { BaselineFormat = KvCacheFormat.Native },
            onEvent: e => events.Add((PerplexityProgressEvent)e));
        Assert.Equal(["baseline Native", "Q8_0"], events.Select(e => e.Stage).Distinct());
        Assert.All(events, e => Assert.Equal(2, e.Runs));
        var last = events.Last();
        Assert.Equal((2, last.Total), (last.Run, last.Done));
    }

    [Fact]
    public void Another_model_file_can_be_the_baseline()
    {
        using var env = new ToyEnvironment();
        var other = env.Session.Import(env.NewFile("other.gguf"), "other");
        var rows = PerplexityComparison.Run(env.Model, Request(KvCacheFormat.Native), baselineModel: other);
        Assert.Equal("other", rows[0].BaselineModel);
        Assert.Equal(0, rows[0].MeanKld);
        Assert.Equal(2, env.Loader.Loads);
    }

    [Fact]
    public void Cancellation_stops_the_run()
    {
        using var env = new ToyEnvironment();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => PerplexityComparison.Run(env.Model, Request(KvCacheFormat.Native), cancellationToken: cts.Token));
    }

    [Fact]
    public void Bad_requests_are_refused_with_the_numbers()
    {
        using var env = new ToyEnvironment();
        Assert.Contains("at least 3 tokens", Assert.Throws<ArgumentException>(() => PerplexityComparison.Run(env.Model, Request(KvCacheFormat.Native) with { Text = "a" })).Message);
        Assert.Throws<ArgumentException>(() => PerplexityComparison.Run(env.Model, Request()));
        var tooLong = Request(KvCacheFormat.Native) with { Options = new PerplexityOptions { ContextLength = 5000 } };
        Assert.Contains("4096", Assert.Throws<ArgumentOutOfRangeException>(() => PerplexityComparison.Run(env.Model, tooLong)).Message);
    }
}
