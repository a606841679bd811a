using global::DeepSeekV4.Engine.KvCache;
using global::DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>A prompt cut into chunks of any size gives the logits of one forward over the whole prompt.</summary>
[Collection(TinyModelCollection.Name)]
public class ChunkedPrefillTests(TinyModelFixture fixture)
{
    private static readonly Lazy<float[]> OneShot = new(() =>
    {
        // A model whose batch holds the whole prompt: one pass per layer over all 300 tokens.
        using var model = DeepSeekV4Model.Load(TinyReference.F16Path, new DeepSeekV4ModelOptions { MaxBatchTokens = 512 });
        using var sequence = model.CreateSequence(1024);
        var c = TinyReference.Case("len300");
        var logits = new float[c.Prompt.Length * TinyReference.Vocab];
        sequence.Forward(c.Prompt, logits, allLogits: true);
        return logits;
    });

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(128)]
    [InlineData(200)]
    public void ChunkedPrefillMatchesOneShotPrefill(int chunk)
    {
        var c = TinyReference.Case("len300");
        using var sequence = fixture.Model.CreateSequence(1024);
        int n = c.Prompt.Length, v = TinyReference.Vocab;
        var logits = new float[n * v];
        for (int done = 0; done < n; done += chunk)
        {
            int count = Math.Min(chunk, n - done);
            sequence.Forward(c.Prompt.AsSpan(done, count), logits.AsSpan(done * v, count * v), allLogits: true);
        }
        var rows = Enumerable.Range(0, n).Select(r => TinyReference.RowDeviation(logits.AsSpan(r * v, v), OneShot.Value.AsSpan(r * v, v))).ToList();
        Assert.Null(TinyReference.CheckRows(n, rows));
        Assert.True(rows.Max() <= 1e-2f, $"worst row {rows.Max()}");
    }

    [Fact]
    public void OneShotPrefillMatchesTheReferenceDecodeRows()
    {
        // The all-positions logits of one prefill against the reference's one-token-per-forward rows.
        var c = TinyReference.Case("len300");
        using var model = DeepSeekV4Model.Load(TinyReference.F16Path, new DeepSeekV4ModelOptions { MaxBatchTokens = 512 });
        using var sequence = model.CreateSequence(1024, KvCacheFormat.F32);
        int n = c.Prompt.Length, v = TinyReference.Vocab;
        var logits = new float[n * v];
        sequence.Forward(c.Prompt, logits, allLogits: true);
        var rows = Enumerable.Range(0, n).Select(r => TinyReference.RowDeviation(logits.AsSpan(r * v, v), c.DecodeRow(r))).ToList();
        Assert.Null(TinyReference.CheckRows(n, rows));
    }
}
