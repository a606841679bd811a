using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.Backend;

/// <summary>
/// A GPU sequence's life as on the CPU: chunked prefill equals one pass, a fork is a deep copy on the device, truncation
/// continues like a fresh run, a cancelled pass longer than the slack + 1 (rings saved and restored on the device)
/// leaves the sequence as before, and the statistics count what the CPU cache counts. Logits of one device path are
/// compared bit for bit; chunks against one pass within the CPU tests' bound. Lengths are short (the simulator is slow):
/// CSA entries exist from position 3 on, and a 40-token pass is longer than the slack + 1 of 33.
/// </summary>
[Collection(GpuTinyModelCollection.Name)]
[Trait("Category", "GpuSimulator")]
public sealed class GpuSequenceLifecycleTests(GpuTinyModelFixture gpu, TinyModelFixture cpu)
{
    private static readonly int[] Tokens = TinyReference.Case("len300").Prompt;

    private float[] Fresh(int length, KvCacheFormat format = KvCacheFormat.Native)
    {
        using var s = gpu.Model.CreateSequence(256, format);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, length), logits);
        return logits;
    }

    [Fact]
    public void ChunkedPrefillMatchesOnePass()
    {
        const int n = 20, chunk = 7;
        int v = TinyReference.Vocab;
        var whole = new float[n * v];
        using (var s = gpu.Model.CreateSequence(256)) s.Forward(Tokens.AsSpan(0, n), whole, allLogits: true);
        using var chunked = gpu.Model.CreateSequence(256);
        var logits = new float[n * v];
        for (int done = 0; done < n; done += chunk)
        {
            int count = Math.Min(chunk, n - done);
            chunked.Forward(Tokens.AsSpan(done, count), logits.AsSpan(done * v, count * v), allLogits: true);
        }
        var rows = Enumerable.Range(0, n).Select(r => TinyReference.RowDeviation(logits.AsSpan(r * v, v), whole.AsSpan(r * v, v))).ToList();
        Assert.True(rows.Max() <= 1e-2f, $"worst row {rows.Max()}");
    }

    [Fact]
    public void ForkIsADeepCopyOnTheDeviceAndTruncationContinuesLikeAFreshRun()
    {
        using var s = gpu.Model.CreateSequence(256, KvCacheFormat.Q8_0);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, 14), logits);
        using var fork = s.Fork();
        Assert.Equal(14, fork.Length);
        s.Forward(Tokens.AsSpan(40, 5), logits);   // the original goes on with other tokens
        var forkLogits = new float[TinyReference.Vocab];
        fork.Forward(Tokens.AsSpan(14, 4), forkLogits);
        Assert.Equal(Fresh(18, KvCacheFormat.Q8_0), forkLogits);

        Assert.True(s.CanTruncateTo(14));
        s.TruncateTo(14);   // back past a CSA block end (12) to the fork point
        s.Forward(Tokens.AsSpan(14, 4), logits);
        Assert.Equal(forkLogits, logits);
    }

    [Fact]
    public void ACancelledPassLongerThanTheSlackLeavesTheSequenceAsBefore()
    {
        using var s = gpu.Model.CreateSequence(256);
        var logits = new float[TinyReference.Vocab];
        s.Forward(Tokens.AsSpan(0, 6), logits);
        using var cts = new CancellationTokenSource();
        s.Observer = new CancelAfterBlock(cts, layer: 3, position: 6 + 39);
        Assert.ThrowsAny<OperationCanceledException>(() => s.Forward(Tokens.AsSpan(6, 40), logits, cancellationToken: cts.Token));
        s.Observer = null;
        Assert.Equal(6, s.Length);
        s.Forward(Tokens.AsSpan(6, 4), logits);
        Assert.Equal(Fresh(10), logits);
    }

    [Fact]
    public void CacheStatisticsCountWhatTheCpuCacheHolds()
    {
        using var onGpu = gpu.Model.CreateSequence(256);
        using var onCpu = cpu.Model.CreateSequence(256);
        onGpu.Forward(Tokens.AsSpan(0, 13), new float[TinyReference.Vocab]);
        onCpu.Forward(Tokens.AsSpan(0, 13), new float[TinyReference.Vocab]);
        var g = onGpu.GetStatistics();
        var c = onCpu.GetStatistics();
        Assert.Equal(gpu.Device, g.Device);
        Assert.Equal((c.Tokens, c.WindowBytes, c.CsaEntryBytes, c.IndexerKeyBytes, c.HcaEntryBytes, c.CompressorStateBytes),
            (g.Tokens, g.WindowBytes, g.CsaEntryBytes, g.IndexerKeyBytes, g.HcaEntryBytes, g.CompressorStateBytes));
    }

    private sealed class CancelAfterBlock(CancellationTokenSource cts, int layer, int position) : IForwardObserver
    {
        public void OnBlockOutput(int l, int p, ReadOnlySpan<float> streams)
        {
            if (l == layer && p == position) cts.Cancel();
        }

        public void OnAttentionOutput(int l, int p, ReadOnlySpan<float> heads) { }

        public void OnIndexerSelection(int l, int p, ReadOnlySpan<float> scores, ReadOnlySpan<int> selected) { }
    }
}
