using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu;

/// <summary>
/// The sink attention kernel against the CPU's SinkAttention fed as AttentionLayer feeds it (window rows from the ring,
/// then entries, decoded by the cache's codec, in blocks of four so the CPU's running maximum crosses blocks), for every
/// K=V format: a batch of tokens with per-token entry counts, a batch with per-token selections (one empty), a single
/// token at position 0 with no entries, and scores in the hundreds. Tolerance: a score's float error is at most
/// Δ = 2·hd·u·max Σ|q·k|·scale, which moves each softmax weight by a factor within e^±2Δ, so an output moves by at most
/// (e^(4Δ) − 1)·max|v|; plus 1e-6·max|v| for the sums.
/// </summary>
[Trait("Category", "GpuSimulator")]
public sealed class SinkAttentionKernelTests
{
    private const int Heads = 3, HeadDim = 128, RopeDim = 64, RingRows = 7, Window = 4;

    public static TheoryData<GpuDeviceKind, int, KvCacheFormat> Formats()
    {
        var data = new TheoryData<GpuDeviceKind, int, KvCacheFormat>();
        foreach (var device in GpuTestBuffers.Devices())
            foreach (var format in Enum.GetValues<KvCacheFormat>()) data.Add(device.Kind, device.Index, format);
        return data;
    }

    /// <summary>What one test feeds both sides: the cache as stored bytes, the queries, the sinks.</summary>
    private sealed class Case
    {
        public required KvRowCodec Codec { get; init; }
        public required GpuKvRow Row { get; init; }
        public required byte[] Ring { get; init; }
        public required byte[] Entries { get; init; }
        public required float[] Sinks { get; init; }
    }

    private static Case Build(KvCacheFormat format, int positions, int entries, Random random)
    {
        var codec = KvRowCodec.ForKv(format, HeadDim, RopeDim);
        var ring = new byte[RingRows * codec.RowBytes];
        for (int p = 0; p < positions; p++) codec.Encode(RandomRow(random, 2f), ring.AsSpan(p % RingRows * codec.RowBytes, codec.RowBytes));
        var stored = new byte[Math.Max(1, entries) * codec.RowBytes];
        for (int e = 0; e < entries; e++) codec.Encode(RandomRow(random, 1f), stored.AsSpan(e * codec.RowBytes, codec.RowBytes));
        return new Case
        {
            Codec = codec, Row = GpuKvRow.ForKv(format, HeadDim, RopeDim), Ring = ring, Entries = stored,
            Sinks = Enumerable.Range(0, Heads).Select(h => (float)(random.NextDouble() * 4 - 2)).ToArray(),
        };
    }

    private static float[] RandomRow(Random random, float magnitude) =>
        Enumerable.Range(0, HeadDim).Select(_ => (float)(random.NextDouble() * 2 - 1) * magnitude).ToArray();

    /// <summary>The CPU path for one token: AttentionLayer's candidate order, SinkAttention's arithmetic.</summary>
    private static float[] Cpu(Case c, float[] q, int position, IEnumerable<int> entryIds, out double tolerance)
    {
        var attention = new SinkAttention(Heads, HeadDim, blockRows: 4);
        var block = new float[4 * HeadDim];
        var candidates = new List<float[]>();
        int rows = 0;
        attention.Begin();
        void Add(ReadOnlySpan<byte> stored)
        {
            c.Codec.Decode(stored, block.AsSpan(rows * HeadDim, HeadDim));
            candidates.Add(block.AsSpan(rows * HeadDim, HeadDim).ToArray());
            if (++rows == 4)
            {
                attention.Add(q, block, rows);
                rows = 0;
            }
        }
        for (int p = Math.Max(0, position - Window + 1); p <= position; p++) Add(c.Ring.AsSpan(p % RingRows * c.Codec.RowBytes, c.Codec.RowBytes));
        foreach (int e in entryIds) Add(c.Entries.AsSpan(e * c.Codec.RowBytes, c.Codec.RowBytes));
        attention.Add(q, block, rows);
        var output = new float[Heads * HeadDim];
        attention.Finish(c.Sinks, output);

        double scale = Math.Pow(HeadDim, -0.5), maxDot = 0, maxValue = 0;
        foreach (var k in candidates)
        {
            maxValue = Math.Max(maxValue, k.Max(v => Math.Abs((double)v)));
            for (int h = 0; h < Heads; h++) maxDot = Math.Max(maxDot, Enumerable.Range(0, HeadDim).Sum(d => Math.Abs((double)q[h * HeadDim + d] * k[d])));
        }
        double delta = 2.0 * HeadDim * Math.ScaleB(1.0, -24) * maxDot * scale;
        tolerance = (Math.Exp(4 * delta) - 1 + 1e-6) * maxValue + 1e-30;
        return output;
    }

    private static void Check(float[] actual, int token, float[] expected, double tolerance, string label)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            float a = actual[token * Heads * HeadDim + i];
            Assert.True(float.IsFinite(a) && Math.Abs(a - expected[i]) <= tolerance,
                $"{label}: token {token} head {i / HeadDim} dim {i % HeadDim}: {a:R} vs CPU {expected[i]:R} (tolerance {tolerance:E2})");
        }
    }

    private sealed class Device(GpuAccelerator gpu, Case c) : IDisposable
    {
        public readonly ILGPU.Runtime.MemoryBuffer1D<byte, ILGPU.Stride1D.Dense> Ring = GpuTestBuffers.Upload(gpu, c.Ring);
        public readonly ILGPU.Runtime.MemoryBuffer1D<byte, ILGPU.Stride1D.Dense> Entries = GpuTestBuffers.Upload(gpu, c.Entries);
        public readonly ILGPU.Runtime.MemoryBuffer1D<float, ILGPU.Stride1D.Dense> Sinks = GpuTestBuffers.Upload(gpu, c.Sinks);

        public void Dispose()
        {
            Ring.Dispose();
            Entries.Dispose();
            Sinks.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void BatchesOverAllEntriesAndSelectionsMatchTheCpu(GpuDeviceKind kind, int index, KvCacheFormat format)
    {
        var gpu = GpuDevices.Get(kind, index);
        var ops = new GpuAttentionOps(gpu);
        var random = new Random(400 + (int)format);
        const int tokens = 3, first = 6; // positions 6, 7, 8: the window of 6 starts at 3, the ring (7 rows) holds 2…8
        var c = Build(format, first + tokens, entries: 6, random);
        using var device = new Device(gpu, c);
        var q = Enumerable.Range(0, tokens * Heads * HeadDim).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        using var qs = GpuTestBuffers.Upload(gpu, q);
        using var output = GpuTestBuffers.Filled(gpu, q.Length, float.NaN);

        int[] counts = [2, 6, 4];
        using var countBuffer = GpuTestBuffers.Upload(gpu, counts);
        ops.Attend(c.Row, Heads, qs.View, device.Sinks.View, output.View, device.Ring.View, RingRows, Window, first, tokens,
            device.Entries.View, entryCount: 0, entryCounts: countBuffer.View);
        var all = GpuTestBuffers.Download(gpu, output);

        int[][] selections = [[4, 1, 3], [], [0, 2, 5, 4, 1]];
        const int stride = 6;
        var flat = new int[tokens * stride];
        for (int t = 0; t < tokens; t++) selections[t].CopyTo(flat, t * stride);
        using var selectedBuffer = GpuTestBuffers.Upload(gpu, flat);
        using var selectedCounts = GpuTestBuffers.Upload(gpu, selections.Select(s => s.Length).ToArray());
        ops.Attend(c.Row, Heads, qs.View, device.Sinks.View, output.View, device.Ring.View, RingRows, Window, first, tokens,
            device.Entries.View, entryCount: 0, selected: selectedBuffer.View, selectedStride: stride, entryCounts: selectedCounts.View);
        var chosen = GpuTestBuffers.Download(gpu, output);

        for (int t = 0; t < tokens; t++)
        {
            var qt = q.AsSpan(t * Heads * HeadDim, Heads * HeadDim).ToArray();
            Check(all, t, Cpu(c, qt, first + t, Enumerable.Range(0, counts[t]), out double tolerance), tolerance, $"{c.Row}, all entries");
            Check(chosen, t, Cpu(c, qt, first + t, selections[t], out tolerance), tolerance, $"{c.Row}, selected entries");
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void SingleTokensAndLargeScoresMatchTheCpu(GpuDeviceKind kind, int index, KvCacheFormat format)
    {
        var gpu = GpuDevices.Get(kind, index);
        var ops = new GpuAttentionOps(gpu);
        var random = new Random(500 + (int)format);
        var c = Build(format, 5, entries: 3, random);
        using var device = new Device(gpu, c);
        foreach (var (position, entries, magnitude) in new[] { (0, 0, 1f), (4, 3, 1f), (4, 3, 300f) })
        {
            var q = Enumerable.Range(0, Heads * HeadDim).Select(_ => (float)(random.NextDouble() * 2 - 1) * magnitude).ToArray();
            using var qs = GpuTestBuffers.Upload(gpu, q);
            using var output = GpuTestBuffers.Filled(gpu, q.Length, float.NaN);
            ops.Attend(c.Row, Heads, qs.View, device.Sinks.View, output.View, device.Ring.View, RingRows, Window, position, 1,
                entries == 0 ? default : device.Entries.View, entries);
            var expected = Cpu(c, q, position, Enumerable.Range(0, entries), out double tolerance);
            Check(GpuTestBuffers.Download(gpu, output), 0, expected, tolerance, $"{c.Row}, position {position}, {entries} entries, |q| ≤ {magnitude}");
        }
    }

    [Fact]
    public void WindowRowsTheRingNoLongerHoldsAreRefused()
    {
        var gpu = GpuDevices.Get(GpuDeviceKind.Simulator);
        var ops = new GpuAttentionOps(gpu);
        var row = GpuKvRow.ForKv(KvCacheFormat.F16, HeadDim, RopeDim);
        using var q = gpu.Allocate(5L * Heads * HeadDim);
        using var ring = GpuTestBuffers.Filled(gpu, (long)RingRows * row.RowBytes, (byte)0);
        var e = Assert.Throws<ArgumentException>(() =>
            ops.Attend(row, Heads, q.View, q.View, q.View, ring.View, RingRows, Window, 10, 5, default, 0));
        Assert.Contains("tokens at 10…14 read window rows from 7, but a ring of 7 rows holds only 8…14", e.Message);
    }
}
