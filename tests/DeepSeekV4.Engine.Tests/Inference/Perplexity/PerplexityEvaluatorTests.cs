using DeepSeekV4.Engine.Inference.Perplexity;

namespace DeepSeekV4.Engine.Tests.Inference.Perplexity;

public class PerplexityEvaluatorTests
{
    private const int V = 50;

    /// <summary>A stream following t+1 mod V except where <paramref name="isMiss"/> says the next token jumps by 7.</summary>
    private static int[] Stream(int length, Func<int, bool> isMiss)
    {
        var tokens = new int[length];
        for (int i = 1; i < length; i++) tokens[i] = (tokens[i - 1] + (isMiss(i) ? 7 : 1)) % V;
        return tokens;
    }

    [Fact]
    public void UniformLogitsGivePerplexityEqualToTheVocabularySize()
    {
        var seq = new BigramSequence(V, (_, row) => row.Clear());
        var report = PerplexityEvaluator.Evaluate(seq, V, Stream(200, _ => false), new PerplexityOptions { ContextLength = 40 });
        Assert.Equal(5 * 19, report.Perplexity.Tokens);
        Assert.Equal(Math.Log(V), report.Perplexity.MeanNll, 12);
        Assert.Equal(V, report.Perplexity.Perplexity, 9);
        Assert.Equal(0, report.Perplexity.MeanNllStandardError, 12);
        Assert.Null(report.KlDivergence);
    }

    [Fact]
    public void KnownHitAndMissProbabilitiesGiveTheExactMeanAndError()
    {
        const float a = 3f;
        double hit = Math.Log(1 + (V - 1) * Math.Exp(-a)); // −ln(e^a / (e^a + V − 1))
        double miss = Math.Log(Math.Exp(a) + V - 1);       // −ln(1 / (e^a + V − 1))
        var tokens = Stream(300, i => i % 5 == 0);
        var options = new PerplexityOptions { ContextLength = 60, Stride = 20 };
        var report = PerplexityEvaluator.Evaluate(BigramSequence.Successor(V, a), V, tokens, options);

        // Scored tokens: 40..299 (each once); token i is a miss when i % 5 == 0.
        var nlls = Enumerable.Range(40, 260).Select(i => i % 5 == 0 ? miss : hit).ToArray();
        double mean = nlls.Average();
        double se = Math.Sqrt(nlls.Select(x => (x - mean) * (x - mean)).Sum() / nlls.Length / (nlls.Length - 1));
        Assert.Equal(260, report.Perplexity.Tokens);
        Assert.Equal(mean, report.Perplexity.MeanNll, 9);
        Assert.Equal(se, report.Perplexity.MeanNllStandardError, 9);
        Assert.Equal(Math.Exp(mean), report.Perplexity.Perplexity, 9);
        Assert.Equal(Math.Exp(mean) * se, report.Perplexity.PerplexityStandardError, 9);
    }

    [Fact]
    public void ChunkSizesDoNotChangeTheResult()
    {
        var tokens = Stream(500, i => i % 3 == 0 || i % 11 == 0);
        var reference = PerplexityEvaluator.Evaluate(BigramSequence.Successor(V, 2.5f), V, tokens, new PerplexityOptions { ContextLength = 64, Stride = 16 });
        foreach (var (logits, prefill) in new[] { (1, 1), (7, 5), (64, 1000) })
        {
            var r = PerplexityEvaluator.Evaluate(BigramSequence.Successor(V, 2.5f), V, tokens,
                new PerplexityOptions { ContextLength = 64, Stride = 16, LogitsChunk = logits, PrefillChunk = prefill });
            Assert.Equal(reference.Perplexity, r.Perplexity);
        }
    }

    [Fact]
    public void EveryWindowStartsFromAnEmptySequenceWithBos()
    {
        var seq = BigramSequence.Successor(V, 1f);
        var tokens = Stream(100, _ => false);
        var report = PerplexityEvaluator.Evaluate(seq, V, tokens, new PerplexityOptions { ContextLength = 20, Stride = 10, BosId = 49 });
        var fed = seq.Windows.Where(w => w.Count > 0).ToList();
        Assert.Equal(report.Windows, fed.Count);
        for (int k = 0; k < fed.Count; k++)
        {
            // Window k: tokens k*10 .. k*10+18 (the last one's logits are not needed), BOS in place of the first.
            var expected = tokens.Skip(k * 10).Take(19).ToArray();
            expected[0] = 49;
            Assert.Equal(expected, fed[k]);
        }
        Assert.Equal(9L * 19, report.TokensEvaluated);
    }

    [Fact]
    public void RunAgainstItsOwnBaselineHasZeroDivergence()
    {
        var tokens = Stream(400, i => i % 4 == 0);
        var options = new PerplexityOptions { ContextLength = 50, BaselineTopK = 8 };
        var baseRun = PerplexityEvaluator.Evaluate(BigramSequence.Successor(V, 2f), V, tokens, options, recordBaseline: true);
        Assert.NotNull(baseRun.RecordedBaseline);
        var again = PerplexityEvaluator.Evaluate(BigramSequence.Successor(V, 2f), V, tokens, options, compareWith: baseRun.RecordedBaseline);
        var kl = again.KlDivergence!;
        Assert.Equal(baseRun.Perplexity.Tokens, kl.Positions);
        Assert.Equal((0.0, 0.0, 0.0, 0.0, 0.0), (kl.MeanKld, kl.MedianKld, kl.Percentile99Kld, kl.MaxKld, kl.MeanKldStandardError));
        Assert.Equal(1.0, kl.Top1Agreement);
        Assert.Equal(baseRun.Perplexity.Perplexity, kl.BaselinePerplexity, 5);
        Assert.Equal(0, kl.PerplexityDelta, 4);
        Assert.Equal(0, kl.MeanLogPerplexityRatio, 6);
    }

    // Logits of two "models" over a vocabulary of 6: a peaked base and a flatter, shifted test distribution.
    private static void BaseLogits(int prev, Span<float> row)
    {
        for (int v = 0; v < row.Length; v++) row[v] = v == (prev + 1) % row.Length ? 2f : 0.3f * ((v * 7 + prev) % 5);
    }

    private static void TestLogits(int prev, Span<float> row)
    {
        BaseLogits(prev, row);
        for (int v = 0; v < row.Length; v++) row[v] *= 0.6f;
        if (prev % 3 == 0) row[(prev + 2) % row.Length] += 3f; // moves the most likely token for these contexts
    }

    private static double[] Softmax(Action<int, Span<float>> logits, int prev, int vocab)
    {
        var row = new float[vocab];
        logits(prev, row);
        double max = row.Max();
        var e = row.Select(x => Math.Exp(x - max)).ToArray();
        double sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }

    [Fact]
    public void DivergenceStatisticsMatchTheDefinitionWhenTopKCoversTheVocabulary()
    {
        const int vocab = 6;
        var tokens = new int[120];
        for (int i = 1; i < tokens.Length; i++) tokens[i] = (tokens[i - 1] * 5 + i) % vocab;
        var options = new PerplexityOptions { ContextLength = 30, BaselineTopK = vocab };
        var baseline = PerplexityEvaluator.Evaluate(new BigramSequence(vocab, BaseLogits), vocab, tokens, options, recordBaseline: true).RecordedBaseline!;
        var kl = PerplexityEvaluator.Evaluate(new BigramSequence(vocab, TestLogits), vocab, tokens, options, compareWith: baseline).KlDivergence!;

        // Scored tokens of chunks of 30: window positions 16..29, predicted from the token before each.
        var klds = new List<double>();
        int sameTop = 0;
        var baseNll = new List<double>();
        var testNll = new List<double>();
        for (int start = 0; start + 30 <= tokens.Length; start += 30)
            for (int i = start + 16; i < start + 30; i++)
            {
                var p = Softmax(BaseLogits, tokens[i - 1], vocab);
                var q = Softmax(TestLogits, tokens[i - 1], vocab);
                klds.Add(p.Zip(q, (pi, qi) => pi * Math.Log(pi / qi)).Sum());
                if (Array.IndexOf(p, p.Max()) == Array.IndexOf(q, q.Max())) sameTop++;
                baseNll.Add(-Math.Log(p[tokens[i]]));
                testNll.Add(-Math.Log(q[tokens[i]]));
            }
        klds.Sort();
        Assert.Equal(klds.Count, kl.Positions);
        Assert.Equal(klds.Average(), kl.MeanKld, 6);
        Assert.Equal(klds[^1], kl.MaxKld, 6);
        Assert.Equal((klds[(klds.Count - 1) / 2] + klds[klds.Count / 2]) / 2, kl.MedianKld, 6);
        Assert.Equal((double)sameTop / klds.Count, kl.Top1Agreement, 12);
        Assert.True(kl.Top1Agreement < 1);
        Assert.Equal(Math.Exp(testNll.Average()) - Math.Exp(baseNll.Average()), kl.PerplexityDelta, 5);
        Assert.Equal(testNll.Average() - baseNll.Average(), kl.MeanLogPerplexityRatio, 6);
    }

    [Fact]
    public void TopKDivergenceNeverExceedsTheFullDivergence()
    {
        var tokens = Stream(300, i => i % 7 == 0);
        var options = new PerplexityOptions { ContextLength = 40, BaselineTopK = 4 };
        static void Peaked(int prev, Span<float> row) { for (int v = 0; v < row.Length; v++) row[v] = 0.05f * ((v * 13 + prev) % 17); row[(prev + 1) % row.Length] = 4f; }
        static void Flat(int prev, Span<float> row) { Peaked(prev, row); for (int v = 0; v < row.Length; v++) row[v] *= 0.5f; }
        var baseline = PerplexityEvaluator.Evaluate(new BigramSequence(V, Peaked), V, tokens, options, recordBaseline: true).RecordedBaseline!;
        var full = PerplexityEvaluator.Evaluate(new BigramSequence(V, Peaked), V, tokens, options with { BaselineTopK = V }, recordBaseline: true).RecordedBaseline!;
        var coarse = PerplexityEvaluator.Evaluate(new BigramSequence(V, Flat), V, tokens, options, compareWith: baseline).KlDivergence!;
        var exact = PerplexityEvaluator.Evaluate(new BigramSequence(V, Flat), V, tokens, options, compareWith: full).KlDivergence!;
        Assert.True(coarse.MeanKld > 0);
        Assert.True(coarse.MeanKld <= exact.MeanKld + 1e-9, $"{coarse.MeanKld} > {exact.MeanKld}");
        Assert.True(coarse.MaxKld <= exact.MaxKld + 1e-9);
    }

    [Fact]
    public void BaselineSurvivesAFileRoundTrip()
    {
        var tokens = Stream(200, i => i % 6 == 0);
        var options = new PerplexityOptions { ContextLength = 40, BaselineTopK = 5 };
        var recorded = PerplexityEvaluator.Evaluate(BigramSequence.Successor(V, 2f), V, tokens, options, recordBaseline: true).RecordedBaseline!;
        using var ms = new MemoryStream();
        recorded.WriteTo(ms);
        Assert.Equal(recorded.ByteSize + 20, ms.Length);
        ms.Position = 0;
        var read = PerplexityBaseline.ReadFrom(ms);
        var a = PerplexityEvaluator.Evaluate(BigramSequence.Successor(V, 1.5f), V, tokens, options, compareWith: recorded).KlDivergence;
        var b = PerplexityEvaluator.Evaluate(BigramSequence.Successor(V, 1.5f), V, tokens, options, compareWith: read).KlDivergence;
        Assert.Equal(a, b);

        var truncated = new MemoryStream(ms.ToArray()[..^3]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => PerplexityBaseline.ReadFrom(truncated, "b.bin")).Message);
    }

    [Fact]
    public void BaselineOfAnotherTextIsRefused()
    {
        var options = new PerplexityOptions { ContextLength = 40 };
        var baseline = PerplexityEvaluator.Evaluate(BigramSequence.Successor(V, 2f), V, Stream(200, _ => false), options, recordBaseline: true).RecordedBaseline!;
        Assert.Throws<InvalidOperationException>(() =>
            PerplexityEvaluator.Evaluate(BigramSequence.Successor(V, 2f), V, Stream(200, i => i == 100), options, compareWith: baseline));
        Assert.Throws<ArgumentException>(() =>
            PerplexityEvaluator.Evaluate(BigramSequence.Successor(V, 2f), V, Stream(300, _ => false), options, compareWith: baseline));
    }

    [Fact]
    public void CancellationStopsBetweenWindows()
    {
        using var cts = new CancellationTokenSource();
        int calls = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => PerplexityEvaluator.Evaluate(BigramSequence.Successor(V, 2f), V, Stream(400, _ => false),
            new PerplexityOptions { ContextLength = 40 }, progress: (_, _) => { if (++calls == 2) cts.Cancel(); }, cancellationToken: cts.Token));
        Assert.Equal(2, calls);
    }

    [Fact]
    public void TokenOutsideTheVocabularyIsRefused() =>
        Assert.Throws<ArgumentException>(() => PerplexityEvaluator.Evaluate(BigramSequence.Successor(V, 2f), V, [1, 2, 3, V], new PerplexityOptions { ContextLength = 4 }));
}
