using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.Backend;

/// <summary>
/// A GPU sequence's life as on the CPU: chunked prefill equals one pass, a fork is a deep copy on the device,
/// truncation within the slack and a cancelled multi-pass forward (rings saved and restored on the device) both continue
/// exactly like a fresh run, and the cache statistics count what the CPU cache counts for the same tokens.
/// Logits of the same device path are compared bit for bit; prefill against chunks within the CPU tests' bound.
/// </summary>
[Collection(GpuTinyModelCollection.Name)]
[Trait("Category", "GpuSimulator")]
public sealed class GpuSequenceLifecycleTests(GpuTinyModelFixture gpu, TinyModelFixture cpu)
{
    private static readonly int[] Tokens = TinyReference.Case("len300").Prompt;

    private float[] Fresh(int length, KvCacheFormat format = KvCacheFormat.Native)
    {
        using var s = gpu.Model.CreateSequence(512, format);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, length), logits);
        return logits;
    }

    [Fact]
    public void ChunkedPrefillMatchesOnePass()
    {
        const int n = 200;
        int v = TinyReference.Vocab;
        var whole = new float[n * v];
        using (var s = gpu.Model.CreateSequence(512)) s.Forward(Tokens.AsSpan(0, n), whole, allLogits: true);
        foreach (int chunk in new[] { 7, 64 })
        {
            using var s = gpu.Model.CreateSequence(512);
            var logits = new float[n * v];
            for (int done = 0; done < n; done += chunk)
            {
                int count = Math.Min(chunk, n - done);
                s.Forward(Tokens.AsSpan(done, count), logits.AsSpan(done * v, count * v), allLogits: true);
            }
            var rows = Enumerable.Range(0, n).Select(r => TinyReference.RowDeviation(logits.AsSpan(r * v, v), whole.AsSpan(r * v, v))).ToList();
            Assert.True(rows.Max() <= 1e-2f, $"chunks of {chunk}: worst row {rows.Max()}");
        }
    }

    [Fact]
    public void ForkIsADeepCopyOnTheDevice()
    {
        using var s = gpu.Model.CreateSequence(512, KvCacheFormat.Q8_0);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, 140), logits);
        using var fork = s.Fork();
        Assert.Equal(140, fork.Length);
        s.Forward(Tokens.AsSpan(60, 40), logits);   // the original goes on with other tokens
        var forkLogits = new float[TinyReference.Vocab];
        fork.Forward(Tokens.AsSpan(140, 30), forkLogits);
        Assert.Equal(Fresh(170, KvCacheFormat.Q8_0), forkLogits);
    }

    [Theory]
    [InlineData(160, 150)]   // inside a CSA block and an HCA block
    [InlineData(163, 131)]   // the full slack, back past a 128-token block boundary
    public void TruncatingWithinTheSlackThenContinuingMatchesAFreshRun(int held, int cutTo)
    {
        using var s = gpu.Model.CreateSequence(512);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, held), logits);
        Assert.True(s.CanTruncateTo(cutTo));
        Assert.False(s.CanTruncateTo(held - 60));
        s.TruncateTo(cutTo);
        s.Forward(Tokens.AsSpan(cutTo, 180 - cutTo), logits);
        Assert.Equal(Fresh(180), logits);
    }

    [Fact]
    public void ACancelledMultiPassForwardLeavesTheSequenceAsBefore()
    {
        using var s = gpu.Model.CreateSequence(512);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, 20), logits);
        using var cts = new CancellationTokenSource();
        // 150 tokens: two passes of up to 128, more than the slack + 1, so the rings are saved first; cancelled in the second pass.
        s.Observer = new CancelAfterBlock(cts, layer: 2, position: 20 + 140);
        Assert.ThrowsAny<OperationCanceledException>(() => s.Forward(Tokens.AsSpan(20, 150), logits, cancellationToken: cts.Token));
        s.Observer = null;
        Assert.Equal(20, s.Length);
        s.Forward(Tokens.AsSpan(20, 160), logits);
        Assert.Equal(Fresh(180), logits);
    }

    [Fact]
    public void CacheStatisticsCountWhatTheCpuCacheHolds()
    {
        using var onGpu = gpu.Model.CreateSequence(512);
        using var onCpu = cpu.Model.CreateSequence(512);
        onGpu.Forward(Tokens.AsSpan(0, 150), new float[TinyReference.Vocab]);
        onCpu.Forward(Tokens.AsSpan(0, 150), new float[TinyReference.Vocab]);
        var g = onGpu.GetStatistics();
        var c = onCpu.GetStatistics();
        Assert.Equal("simulator:0", g.Device);
        Assert.Equal((c.Tokens, c.WindowBytes, c.CsaEntryBytes, c.IndexerKeyBytes, c.HcaEntryBytes, c.CompressorStateBytes),
            (g.Tokens, g.WindowBytes, g.CsaEntryBytes, g.IndexerKeyBytes, g.HcaEntryBytes, g.CompressorStateBytes));
    }

    private sealed class CancelAfterBlock(CancellationTokenSource cts, int layer, int position) : global::DeepSeekV4.Engine.Models.DeepSeekV4.IForwardObserver
    {
        public void OnBlockOutput(int l, int p, ReadOnlySpan<float> streams)
        {
            if (l == layer && p == position) cts.Cancel();
        }

        public void OnAttentionOutput(int l, int p, ReadOnlySpan<float> heads) { }

        public void OnIndexerSelection(int l, int p, ReadOnlySpan<float> scores, ReadOnlySpan<int> selected) { }
    }
}
