using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu;

/// <summary>
/// A CSA layer's cache work for 14 tokens, on the device in passes of several tokens (EncodeRows into the window ring,
/// CompressorStore/Pool for the main and the indexer compressor, EncodeRows appending entries and keys, then one
/// IndexerScores, one TopK and one Attend per pass with per-token key counts and selections), against the same steps on
/// the CPU with a SequenceKvCache, token by token as AttentionLayer runs them (norm and RoPE of entries, other kernels'
/// work, are left out on both sides). The stored window rows are byte for byte the CPU's, the entries and keys decode to the CPU's within
/// the pooling's ulps, and the outputs agree within float tolerance.
/// </summary>
[Trait("Category", "GpuSimulator")]
public sealed class ComposedAttentionTests
{
    private const int Heads = 2, HeadDim = 128, RopeDim = 64, IndexerHeads = 2, IndexerDim = 64, Window = 4, Ratio = 4, TopK = 2, Tokens = 14;

    public static TheoryData<GpuDeviceKind, int, KvCacheFormat> Formats()
    {
        var data = new TheoryData<GpuDeviceKind, int, KvCacheFormat>();
        foreach (var device in GpuTestBuffers.Devices())
            foreach (var format in Enum.GetValues<KvCacheFormat>()) data.Add(device.Kind, device.Index, format);
        return data;
    }

    private static float[] Random(Random random, int n, float magnitude = 1f) =>
        Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * magnitude).ToArray();

    // Pooled entries differ from the CPU's by ulps: stored exactly (F32) they differ in the last bits; rounded to a
    // coarser format they are the same unless an ulp crosses a rounding boundary (none does with these seeds).
    private static void SameEntry(KvRowCodec codec, ReadOnlySpan<byte> cpu, ReadOnlySpan<byte> device, string label)
    {
        var (expected, actual) = (new float[codec.Dim], new float[codec.Dim]);
        codec.Decode(cpu, expected);
        codec.Decode(device, actual);
        for (int i = 0; i < codec.Dim; i++)
            Assert.True(MathF.Abs(actual[i] - expected[i]) <= 1e-5f * MathF.Max(1f, MathF.Abs(expected[i])), $"{label} value {i}: {actual[i]:R} vs CPU {expected[i]:R}");
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void APrefillInPassesMatchesTheCpuTokenByToken(GpuDeviceKind kind, int index, KvCacheFormat format)
    {
        var random = new Random(900 + (int)format);
        var geometry = new KvCacheGeometry(Heads, HeadDim, RopeDim, IndexerDim, Window, [Ratio], TruncationSlack: 4);
        int width = KvCacheGeometry.CompressorWidth(Ratio, HeadDim), indexerWidth = KvCacheGeometry.CompressorWidth(Ratio, IndexerDim);
        var main = new CompressorWeights { Ratio = Ratio, Dim = HeadDim, Values = null!, Gate = null!, Ape = Random(random, Ratio * width), Norm = [] };
        var keys = new CompressorWeights { Ratio = Ratio, Dim = IndexerDim, Values = null!, Gate = null!, Ape = Random(random, Ratio * indexerWidth), Norm = [] };
        var kv = Random(random, Tokens * HeadDim, 2f);
        var (u, g) = (Random(random, Tokens * width), Random(random, Tokens * width, 3f));
        var (iu, ig) = (Random(random, Tokens * indexerWidth), Random(random, Tokens * indexerWidth, 3f));
        var q = Random(random, Tokens * Heads * HeadDim);
        var iq = Random(random, Tokens * IndexerHeads * IndexerDim);
        var iw = Random(random, Tokens * IndexerHeads);
        var sinks = Random(random, Heads);

        // The CPU, token by token.
        var cache = new SequenceKvCache(geometry, format, contextLength: 64);
        var layer = cache[0];
        var (compressor, indexer) = (new Compressor(HeadDim), new LightningIndexer(IndexerHeads, IndexerDim, 16, TopK));
        var attention = new SinkAttention(Heads, HeadDim, blockRows: 8);
        var (entry, keyEntry, block) = (new float[HeadDim], new float[IndexerDim], new float[8 * HeadDim]);
        var expected = new float[Tokens * Heads * HeadDim];
        for (int p = 0; p < Tokens; p++)
        {
            cache.KvCodec.Encode(kv.AsSpan(p * HeadDim, HeadDim), layer.WindowRing.RowForWrite(p));
            if (compressor.Push(layer.Compressor!, main, p, u.AsSpan(p * width, width), g.AsSpan(p * width, width), entry))
                cache.KvCodec.Encode(entry, layer.Compressed!.Append());
            if (compressor.Push(layer.IndexerCompressor!, keys, p, iu.AsSpan(p * indexerWidth, indexerWidth), ig.AsSpan(p * indexerWidth, indexerWidth), keyEntry))
                cache.IndexerCodec!.Encode(keyEntry, layer.IndexerKeys!.Append());
            layer.Advance();
            attention.Begin();
            int rows = 0;
            for (int w = Math.Max(0, p - Window + 1); w <= p; w++) cache.KvCodec.Decode(layer.WindowRing.Row(w), block.AsSpan(rows++ * HeadDim, HeadDim));
            if (layer.Compressed!.Count > 0)
                foreach (int e in indexer.Select(iq.AsMemory(p * IndexerHeads * IndexerDim, IndexerHeads * IndexerDim), iw.AsMemory(p * IndexerHeads, IndexerHeads),
                             layer.IndexerKeys!, cache.IndexerCodec!, layer.IndexerKeys!.Count, TopK))
                    cache.KvCodec.Decode(layer.Compressed.Row(e), block.AsSpan(rows++ * HeadDim, HeadDim));
            var qt = q.AsMemory(p * Heads * HeadDim, Heads * HeadDim);
            attention.Add(qt, block, rows);
            attention.Finish(sinks, expected.AsSpan(p * Heads * HeadDim, Heads * HeadDim));
        }

        // The device, in passes.
        var gpu = GpuDevices.Get(kind, index);
        var ops = new GpuAttentionOps(gpu);
        var kvRow = GpuKvRow.ForKv(format, HeadDim, RopeDim);
        var keyRow = GpuKvRow.ForIndexerKey(format, IndexerDim);
        int ringRows = geometry.WindowRingRows, stateRows = geometry.CompressorRingRows(Ratio), maxEntries = 16;
        using var kvs = GpuTestBuffers.Upload(gpu, kv);
        using var us = GpuTestBuffers.Upload(gpu, u);
        using var gs = GpuTestBuffers.Upload(gpu, g);
        using var ius = GpuTestBuffers.Upload(gpu, iu);
        using var igs = GpuTestBuffers.Upload(gpu, ig);
        using var qs = GpuTestBuffers.Upload(gpu, q);
        using var iqs = GpuTestBuffers.Upload(gpu, iq);
        using var iws = GpuTestBuffers.Upload(gpu, iw);
        using var sinkBuffer = GpuTestBuffers.Upload(gpu, sinks);
        using var mainApe = GpuTestBuffers.Upload(gpu, main.Ape);
        using var keyApe = GpuTestBuffers.Upload(gpu, keys.Ape);
        using var ring = GpuTestBuffers.Filled(gpu, (long)ringRows * kvRow.RowBytes, (byte)0);
        using var entries = GpuTestBuffers.Filled(gpu, (long)maxEntries * kvRow.RowBytes, (byte)0);
        using var keyRows = GpuTestBuffers.Filled(gpu, (long)maxEntries * keyRow.RowBytes, (byte)0);
        using var stateValues = gpu.Allocate((long)stateRows * width);
        using var stateLogits = gpu.Allocate((long)stateRows * width);
        using var keyValues = gpu.Allocate((long)stateRows * indexerWidth);
        using var keyLogits = gpu.Allocate((long)stateRows * indexerWidth);
        using var pooled = gpu.Allocate(4L * HeadDim);
        using var pooledKeys = gpu.Allocate(4L * IndexerDim);
        using var scores = gpu.Allocate(4L * maxEntries);
        using var selected = GpuTestBuffers.Filled(gpu, 4L * TopK, 0);
        using var counts = GpuTestBuffers.Filled(gpu, 4, 0);
        using var output = GpuTestBuffers.Filled(gpu, expected.Length, float.NaN);
        int held = 0;
        int position = 0;
        foreach (int n in new[] { 3, 1, 4, 2, 4 })
        {
            ops.EncodeRows(kvRow, kvs.View.SubView((long)position * HeadDim, (long)n * HeadDim), n, ring.View, position % ringRows, ringRows);
            ops.CompressorStore(us.View.SubView((long)position * width, (long)n * width), gs.View.SubView((long)position * width, (long)n * width), mainApe.View,
                Ratio, HeadDim, position, n, stateValues.View, stateLogits.View, stateRows);
            ops.CompressorStore(ius.View.SubView((long)position * indexerWidth, (long)n * indexerWidth), igs.View.SubView((long)position * indexerWidth, (long)n * indexerWidth),
                keyApe.View, Ratio, IndexerDim, position, n, keyValues.View, keyLogits.View, stateRows);
            int last = position + n - 1, firstEnd = (position / Ratio + 1) * Ratio - 1;
            int blocks = last >= firstEnd ? (last - firstEnd) / Ratio + 1 : 0;
            if (blocks > 0)
            {
                ops.CompressorPool(stateValues.View, stateLogits.View, Ratio, HeadDim, firstEnd, blocks, stateRows, last, pooled.View);
                ops.EncodeRows(kvRow, pooled.View, blocks, entries.View, held, maxEntries);
                ops.CompressorPool(keyValues.View, keyLogits.View, Ratio, IndexerDim, firstEnd, blocks, stateRows, last, pooledKeys.View);
                ops.EncodeRows(keyRow, pooledKeys.View, blocks, keyRows.View, held, maxEntries);
                held += blocks;
            }
            // The pass's indexer work in one launch each: token t scores the (p + 1) / ratio keys it sees and keeps the best TopK.
            var visible = Enumerable.Range(position, n).Select(p => (p + 1) / Ratio).ToArray();
            gpu.Run(a => counts.View.SubView(0, n).CopyFromCPU(a.DefaultStream, visible));
            if (visible[^1] > 0)
            {
                ops.IndexerScores(keyRow, iqs.View.SubView((long)position * IndexerHeads * IndexerDim, (long)n * IndexerHeads * IndexerDim),
                    iws.View.SubView((long)position * IndexerHeads, (long)n * IndexerHeads), IndexerHeads, keyRows.View, visible[^1], scores.View,
                    tokens: n, scoreStride: maxEntries, counts: counts.View.SubView(0, n));
                ops.TopK(scores.View, visible[^1], TopK, selected.View, tokens: n, scoreStride: maxEntries, selectedStride: TopK, counts: counts.View.SubView(0, n));
            }
            var tokenCounts = visible.Select(v => Math.Min(TopK, v)).ToArray();
            gpu.Run(a => counts.View.SubView(0, n).CopyFromCPU(a.DefaultStream, tokenCounts));
            ops.Attend(kvRow, Heads, qs.View.SubView((long)position * Heads * HeadDim, (long)n * Heads * HeadDim), sinkBuffer.View,
                output.View.SubView((long)position * Heads * HeadDim, (long)n * Heads * HeadDim), ring.View, ringRows, Window, position, n,
                entries.View, 0, selected.View, TopK, counts.View.SubView(0, n));
            position += n;
        }

        var ringBytes = GpuTestBuffers.Download(gpu, ring);
        for (int p = Tokens - ringRows; p < Tokens; p++)
            Assert.Equal(layer.WindowRing.Row(p).ToArray(), ringBytes.AsSpan(p % ringRows * kvRow.RowBytes, kvRow.RowBytes).ToArray());
        Assert.Equal(layer.Compressed!.Count, held);
        var entryBytes = GpuTestBuffers.Download(gpu, entries);
        var keyBytes = GpuTestBuffers.Download(gpu, keyRows);
        for (int e = 0; e < held; e++)
        {
            SameEntry(cache.KvCodec, layer.Compressed.Row(e), entryBytes.AsSpan(e * kvRow.RowBytes, kvRow.RowBytes), $"{format} entry {e}");
            SameEntry(cache.IndexerCodec!, layer.IndexerKeys!.Row(e), keyBytes.AsSpan(e * keyRow.RowBytes, keyRow.RowBytes), $"{format} indexer key {e}");
        }
        var actual = GpuTestBuffers.Download(gpu, output);
        float maxValue = kv.Max(MathF.Abs) + 1f;
        for (int i = 0; i < expected.Length; i++)
            Assert.True(float.IsFinite(actual[i]) && MathF.Abs(actual[i] - expected[i]) <= 2e-5f * maxValue,
                $"{format}: token {i / (Heads * HeadDim)} head {i / HeadDim % Heads} dim {i % HeadDim}: {actual[i]:R} vs CPU {expected[i]:R}");
    }
}
