using System.Globalization;
using Xunit.Abstractions;
using global::DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>
/// Every alternative cache format runs the 300-token case; its logits are compared with the native format's
/// (max row deviation, argmax agreement) and its bytes per token reported. F32 stores the reference's float32 values
/// and must also meet the fixture tolerances.
/// </summary>
[Collection(TinyModelCollection.Name)]
public class CacheFormatComparisonTests(TinyModelFixture fixture, ITestOutputHelper output)
{
    private static readonly Dictionary<KvCacheFormat, float[]> Runs = [];

    private float[] Run(KvCacheFormat format)
    {
        lock (Runs)
        {
            if (Runs.TryGetValue(format, out var cached)) return cached;
            var c = TinyReference.Case("len300");
            using var sequence = fixture.Model.CreateSequence(1024, format);
            int v = TinyReference.Vocab;
            // Rows: the 300 prompt positions (one prefill), then the 15 teacher-forced greedy steps.
            var logits = new float[(c.Prompt.Length + 15) * v];
            sequence.Forward(c.Prompt, logits.AsSpan(0, c.Prompt.Length * v), allLogits: true);
            for (int i = 0; i < 15; i++) sequence.Forward([c.Generated[i]], logits.AsSpan((c.Prompt.Length + i) * v, v));
            return Runs[format] = logits;
        }
    }

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData(KvCacheFormat.F32, 0.99)]
    [InlineData(KvCacheFormat.F16, 0.99)]
    [InlineData(KvCacheFormat.BF16, 0.99)]
    [InlineData(KvCacheFormat.Q8_0, 0.95)]
    [InlineData(KvCacheFormat.Q4_0, 0.70)]
    public void AlternativeFormatRunsAndStaysCloseToNative(KvCacheFormat format, double minimumAgreement)
    {
        var native = Run(KvCacheFormat.Native);
        var alternative = Run(format);
        int v = TinyReference.Vocab, rows = native.Length / v, agree = 0;
        float worst = 0;
        var deviations = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var a = alternative.AsSpan(r * v, v);
            Assert.True(float.IsFinite(a[TinyReference.ArgMax(a)]), $"row {r} is not finite");
            deviations[r] = TinyReference.RowDeviation(a, native.AsSpan(r * v, v));
            worst = MathF.Max(worst, deviations[r]);
            if (TinyReference.ArgMax(a) == TinyReference.ArgMax(native.AsSpan(r * v, v))) agree++;
        }
        Array.Sort(deviations);
        var geometry = fixture.Model.KvGeometry;
        using var s = fixture.Model.CreateSequence(1024, format);
        double perToken = KvCacheSizing.Describe(geometry, format, 300, 1024).BytesPerToken;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{format}: vs native over {rows} rows: max deviation {worst:G3}, median {deviations[rows / 2]:G3}, argmax agreement {agree}/{rows} ({100.0 * agree / rows:F1}%); " +
            $"K=V row {KvRowCodec.KvRowBytes(format, geometry.HeadDim, geometry.RopeDim)} B, indexer key {KvRowCodec.IndexerKeyBytes(format, geometry.IndexerHeadDim)} B, " +
            $"{perToken:F0} B/token at 300 tokens, {KvCacheSizing.AmortizedBytesPerToken(geometry, format):F2} B/token amortized"));
        Assert.True(agree >= minimumAgreement * rows, $"{format}: argmax agrees with native on {agree} of {rows} rows");
        if (format == KvCacheFormat.F32)
        {
            var c = TinyReference.Case("len300");
            var reference = Enumerable.Range(0, 16).Select(i => TinyReference.RowDeviation(
                alternative.AsSpan((c.Prompt.Length - 1 + i) * v, v), c.PrefillRow(i))).ToList();
            Assert.Null(TinyReference.CheckRows(c.Prompt.Length, reference));
        }
    }
}
