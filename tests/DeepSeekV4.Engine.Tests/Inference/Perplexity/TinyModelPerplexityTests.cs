using DeepSeekV4.Engine.Inference.Perplexity;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Inference.Perplexity;

/// <summary>Perplexity with the real forward pass against NLLs computed from DeepSeek's reference logits (dsv4-tiny).</summary>
[Collection(TinyModelCollection.Name)]
public class TinyModelPerplexityTests(TinyModelFixture tiny)
{
    [Theory]
    [InlineData("text")]
    [InlineData("len129")]
    [InlineData("len300")]
    public void NllPerTokenEqualsTheReferenceLogitsNll(string caseName)
    {
        var c = TinyReference.Case(caseName);
        int n = c.Prompt.Length;
        // One window over the whole prompt: tokens n/2+1 .. n-1 scored, token p+1 predicted by the reference's
        // decode-only row p (the logits after prompt[0..p]). The recorded baseline keeps each position's NLL. F32 cache:
        // the reference rounds KV entries as the model does but keeps the rotary dims in float32.
        var report = PerplexityEvaluator.Evaluate(tiny.Model, KvCacheFormat.F32, c.Prompt, new PerplexityOptions { ContextLength = n }, recordBaseline: true);
        var expected = Enumerable.Range(n / 2, n - 1 - n / 2)
            .Select(p => LogProbabilities.LogSumExp(c.DecodeRow(p)) - c.DecodeRow(p)[c.Prompt[p + 1]])
            .ToArray();
        Assert.Equal(expected.Length, report.Perplexity.Tokens);
        Assert.Equal(expected.Average(), report.Perplexity.MeanNll, 1);

        // A logit row within d of the reference moves an NLL (log-sum-exp minus one logit) by at most 2d, so the
        // manifest's row tolerances, doubled, bound the per-token NLL differences (outlier rows included).
        var halfDeviations = expected.Select((nll, i) => (float)Math.Abs(report.RecordedBaseline!.Nll(i) - nll) / 2).ToList();
        Assert.Null(TinyReference.CheckRows(n, halfDeviations));
    }
}
