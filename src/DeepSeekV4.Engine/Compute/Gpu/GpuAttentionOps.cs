using DeepSeekV4.Engine.Compute.Gpu.Attention;
using DeepSeekV4.Engine.KvCache;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// Launchers of the KV-cache and attention kernels on one accelerator: encoding and decoding cache rows in every cache
/// format, the compressors' store and pooling steps, the lightning indexer's scores and top-k, and sink attention over
/// the window ring and the compressed entries. Each call checks its arguments (a clear error with the numbers) and
/// enqueues its kernel on the accelerator's stream without waiting; kernels are compiled and loaded once per device.
/// </summary>
public sealed class GpuAttentionOps(GpuAccelerator gpu)
{
    public GpuAccelerator Gpu { get; } = gpu;

    /// <summary>
    /// Encodes <paramref name="rows"/> rows of <paramref name="source"/> ([rows × dim]) into <paramref name="destination"/>:
    /// row i to slot (firstSlot + i) mod slotCount (slot s at s·rowBytes), bit for bit as the CPU codec.
    /// </summary>
    public void EncodeRows(GpuKvRow row, ArrayView<float> source, int rows, ArrayView<byte> destination, int firstSlot, int slotCount)
    {
        CheckSlots(row, "encode", rows, firstSlot, slotCount, destination.Length);
        Need(source.Length, (long)rows * row.Dim, $"encode {rows} rows of {row.Dim}: the source");
        if (rows == 0) return;
        Gpu.Run(a => Gpu.Kernel(row.Format.EncodeName, row.Format.LoadEncode)(
            new Index2D(row.Format.UnitsOf(row.Shape), rows), source, destination, row.Shape, firstSlot, slotCount));
    }

    /// <summary>Decodes <paramref name="rows"/> stored rows, slots (firstSlot + i) mod slotCount, into <paramref name="destination"/> ([rows × dim]).</summary>
    public void DecodeRows(GpuKvRow row, ArrayView<byte> source, int firstSlot, int slotCount, int rows, ArrayView<float> destination)
    {
        CheckSlots(row, "decode", rows, firstSlot, slotCount, source.Length);
        Need(destination.Length, (long)rows * row.Dim, $"decode {rows} rows of {row.Dim}: the destination");
        if (rows == 0) return;
        Gpu.Run(a => Gpu.Kernel(row.Format.DecodeName, row.Format.LoadDecode)(
            new Index2D(row.Dim, rows), source, destination, row.Shape, firstSlot, slotCount));
    }

    /// <summary>
    /// The state half of the compressor's step for <paramref name="tokens"/> consecutive positions from
    /// <paramref name="position"/>: values u and logits g + ape[p mod ratio] ([tokens × width] each, width 2·dim for
    /// ratio 4) into the state ring's slot p mod ringRows.
    /// </summary>
    public void CompressorStore(ArrayView<float> values, ArrayView<float> logits, ArrayView<float> ape, int ratio, int dim, int position, int tokens,
        ArrayView<float> stateValues, ArrayView<float> stateLogits, int ringRows)
    {
        var shape = CompressorShapeOf(ratio, dim, ringRows, position, stateValues, stateLogits);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        if (tokens > ringRows)
            throw new ArgumentException($"compressor store: {tokens} tokens in one pass would overwrite each other in a ring of {ringRows} rows");
        Need(values.Length, (long)tokens * shape.Width, $"compressor store of {tokens} tokens × {shape.Width}: the values");
        Need(logits.Length, (long)tokens * shape.Width, $"compressor store of {tokens} tokens × {shape.Width}: the logits");
        Need(ape.Length, (long)ratio * shape.Width, $"compressor store: ape [{ratio} × {shape.Width}]");
        if (tokens == 0) return;
        Gpu.Run(a => StoreKernel()(new Index2D(shape.Width, tokens), values, logits, ape, stateValues, stateLogits, shape));
    }

    /// <summary>
    /// The pooling half: <paramref name="blocks"/> consecutive entries, the first for the block ending at
    /// <paramref name="blockLastPosition"/> (a multiple of ratio, minus one), into <paramref name="entries"/> ([blocks × dim], raw).
    /// <paramref name="newestStoredPosition"/> is the last position stored in the ring: every pooled row must still be held there.
    /// </summary>
    public void CompressorPool(ArrayView<float> stateValues, ArrayView<float> stateLogits, int ratio, int dim, int blockLastPosition, int blocks,
        int ringRows, int newestStoredPosition, ArrayView<float> entries)
    {
        var shape = CompressorShapeOf(ratio, dim, ringRows, blockLastPosition, stateValues, stateLogits);
        ArgumentOutOfRangeException.ThrowIfNegative(blocks);
        if ((blockLastPosition + 1) % ratio != 0)
            throw new ArgumentException($"compressor pool: position {blockLastPosition} does not end a block of {ratio}");
        if (blocks == 0) return;
        int lastEnd = blockLastPosition + (blocks - 1) * ratio;
        int start = blockLastPosition + 1 - ratio;
        int earliest = shape.Overlap && start >= ratio ? start - ratio : start;
        if (newestStoredPosition < lastEnd || earliest <= newestStoredPosition - ringRows)
            throw new ArgumentException($"compressor pool: blocks ending at {blockLastPosition}…{lastEnd} need positions {earliest}…{lastEnd} in the ring, " +
                                        $"which holds {Math.Max(0, newestStoredPosition - ringRows + 1)}…{newestStoredPosition} ({ringRows} rows)");
        Need(entries.Length, (long)blocks * dim, $"compressor pool of {blocks} entries × {dim}: the entries");
        Gpu.Run(a => PoolKernel()(new Index2D(dim, blocks), stateValues, stateLogits, entries, shape));
    }

    /// <summary>
    /// score_tj = Σ_h w_th·ReLU(q_th·K_j) for <paramref name="tokens"/> query tokens (q [tokens × heads × dim], weights
    /// [tokens × heads]) over keys 0..count−1 stored in <paramref name="keys"/> (row j at j·rowBytes) — or 0..counts[t]−1
    /// (each at most count) when <paramref name="counts"/> is given — into scores[t·scoreStride + j] (stride count by default).
    /// </summary>
    public void IndexerScores(GpuKvRow key, ArrayView<float> q, ArrayView<float> weights, int heads, ArrayView<byte> keys, int count, ArrayView<float> scores,
        int tokens = 1, int scoreStride = 0, ArrayView<int> counts = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        if (scoreStride == 0) scoreStride = count;
        if (scoreStride < count) throw new ArgumentException($"indexer scores: a score stride of {scoreStride} cannot hold {count} scores per token");
        bool counted = counts.IsValid && counts.Length > 0;
        Need(q.Length, (long)tokens * heads * key.Dim, $"indexer scores: q [{tokens} × {heads} × {key.Dim}]");
        Need(weights.Length, (long)tokens * heads, $"indexer scores: the head weights [{tokens} × {heads}]");
        Need(keys.Length, (long)count * key.RowBytes, $"indexer scores: {count} keys of {key.RowBytes} bytes");
        Need(scores.Length, (long)(tokens - 1) * scoreStride + count, $"indexer scores: the scores [{tokens} × {scoreStride}]");
        if (counted) Need(counts.Length, tokens, $"indexer scores: the key counts [{tokens}]");
        if (count == 0 || tokens == 0) return;
        var shape = new IndexerShape { Key = key.Shape, Heads = heads, Count = count, Tokens = tokens, ScoreStride = scoreStride };
        long groups = ((long)tokens * count + Gpu.WarpsPerGroup - 1) / Gpu.WarpsPerGroup;
        Gpu.Run(a => Gpu.Kernel(key.Format.IndexerScoresName, key.Format.LoadIndexerScores)(
            new KernelConfig(checked((int)groups), Gpu.WarpsPerGroup * Gpu.WarpSize), q, weights, keys, counted ? counts : ArrayView<int>.Empty, scores, shape));
    }

    /// <summary>
    /// The indices of the <paramref name="k"/> best of <paramref name="count"/> scores into <paramref name="selected"/>
    /// (min(k, count) of them, in increasing index order): the set the CPU's indexer selects, ties to the lower index.
    /// For a batch, token t's scores are at t·scoreStride (counts[t] of them when <paramref name="counts"/> is given,
    /// each at most count) and its selection at t·selectedStride (min(k, count) by default).
    /// </summary>
    public void TopK(ArrayView<float> scores, int count, int k, ArrayView<int> selected,
        int tokens = 1, int scoreStride = 0, int selectedStride = 0, ArrayView<int> counts = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        int chosen = Math.Min(k, count);
        if (scoreStride == 0) scoreStride = count;
        if (selectedStride == 0) selectedStride = chosen;
        if (scoreStride < count || selectedStride < chosen)
            throw new ArgumentException($"top-{k} of {count}: strides of {scoreStride} scores and {selectedStride} selected per token are too small");
        bool counted = counts.IsValid && counts.Length > 0;
        Need(scores.Length, (long)tokens * scoreStride, $"top-{k} of {count}: the scores [{tokens} × {scoreStride}]");
        Need(selected.Length, (long)tokens * selectedStride, $"top-{k} of {count}: the selection [{tokens} × {selectedStride}]");
        if (counted) Need(counts.Length, tokens, $"top-{k}: the score counts [{tokens}]");
        if (count == 0 || tokens == 0) return;
        var shape = new TopKShape { Count = count, K = k, Tokens = tokens, ScoreStride = scoreStride, SelectedStride = selectedStride };
        int threads = Math.Min(TopKKernel.MaxGroupSize, Math.Min(256, Gpu.Accelerator.MaxNumThreadsPerGroup)) / Gpu.WarpSize * Gpu.WarpSize;
        Gpu.Run(a => TopKKernelLauncher()(new KernelConfig(tokens, threads), scores, selected, counted ? counts : ArrayView<int>.Empty, shape));
    }

    /// <summary>
    /// Sink attention for <paramref name="tokens"/> query tokens at positions position, position + 1, …: q and output
    /// [tokens × heads × hd]; candidates are the window rows read from <paramref name="ring"/> (position p in slot
    /// p mod ringRows) and the compressed entries in <paramref name="entries"/> — entryCount for every token, or
    /// <paramref name="entryCounts"/>[t] when that view is given; entries 0..count−1, or the token's
    /// <paramref name="selected"/>[t·selectedStride + i] when that view is given. The window rows of every token must
    /// still be in the ring (tokens − 1 + window ≤ ringRows).
    /// </summary>
    public void Attend(GpuKvRow row, int heads, ArrayView<float> q, ArrayView<float> sinks, ArrayView<float> output,
        ArrayView<byte> ring, int ringRows, int window, int position, int tokens,
        ArrayView<byte> entries, int entryCount, ArrayView<int> selected = default, int selectedStride = 0, ArrayView<int> entryCounts = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ringRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        ArgumentOutOfRangeException.ThrowIfNegative(entryCount);
        int hd = row.Dim;
        long values = (long)tokens * heads * hd;
        Need(q.Length, values, $"attention of {tokens} tokens × {heads} heads × {hd}: q");
        Need(output.Length, values, $"attention of {tokens} tokens × {heads} heads × {hd}: the output");
        Need(sinks.Length, heads, $"attention: the sinks [{heads}]");
        Need(ring.Length, (long)ringRows * row.RowBytes, $"attention: the window ring of {ringRows} rows × {row.RowBytes} bytes");
        int oldest = Math.Max(0, position - window + 1), newest = position + tokens - 1;
        if (tokens > 0 && oldest <= newest - ringRows)
            throw new ArgumentException($"attention: tokens at {position}…{newest} read window rows from {oldest}, but a ring of {ringRows} rows holds only {newest - ringRows + 1}…{newest}");
        bool listed = selected.IsValid && selected.Length > 0, counted = entryCounts.IsValid && entryCounts.Length > 0;
        if (listed)
        {
            if (selectedStride < (counted ? 1 : entryCount))
                throw new ArgumentException($"attention: a selection stride of {selectedStride} cannot hold {entryCount} selected entries per token");
            Need(selected.Length, (long)tokens * selectedStride, $"attention: the selection [{tokens} × {selectedStride}]");
        }
        else if (!counted) Need(entries.Length, (long)entryCount * row.RowBytes, $"attention: {entryCount} entries of {row.RowBytes} bytes");
        if (counted) Need(entryCounts.Length, tokens, $"attention: the entry counts [{tokens}]");
        if (tokens == 0) return;
        var shape = new SinkAttentionShape
        {
            Row = row.Shape, Heads = heads, RingRows = ringRows, Window = window, Scale = (float)Math.Pow(hd, -0.5),
            Tokens = tokens, Position = position, EntryCount = entryCount, SelectedStride = selectedStride,
        };
        int warps = Gpu.WarpsPerGroup, groups = (tokens * heads + warps - 1) / warps;
        var config = new KernelConfig(groups, warps * Gpu.WarpSize, SharedMemoryConfig.RequestDynamic<float>(warps * SinkAttentionKernel.SharedFloatsPerWarp(hd)));
        var entryRows = entries.IsValid && entries.Length > 0 ? entries : ArrayView<byte>.Empty;
        Gpu.Run(a => Gpu.Kernel(row.Format.AttentionName, row.Format.LoadAttention)(
            config, q, ring, entryRows, listed ? selected : ArrayView<int>.Empty, counted ? entryCounts : ArrayView<int>.Empty, sinks, output, shape));
    }

    /// <summary>Compiles and loads every attention and KV-cache kernel now, so that a first token does not pay the compiles.</summary>
    public void LoadAllKernels() => Gpu.Run(a =>
    {
        foreach (var format in GpuKvRowFormat.All)
        {
            Gpu.Kernel(format.EncodeName, format.LoadEncode);
            Gpu.Kernel(format.DecodeName, format.LoadDecode);
        }
        foreach (var format in GpuKvRowFormat.IndexerKeyFormats) Gpu.Kernel(format.IndexerScoresName, format.LoadIndexerScores);
        foreach (var format in GpuKvRowFormat.KvFormats) Gpu.Kernel(format.AttentionName, format.LoadAttention);
        StoreKernel();
        PoolKernel();
        TopKKernelLauncher();
    });

    // The non-generic kernels' launchers (the caller holds the accelerator's gate).
    private Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, CompressorShape> StoreKernel() =>
        Gpu.Kernel(GpuAttentionKernels.CompressorStore, a =>
            a.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, CompressorShape>(CompressorStoreKernel.Run));

    private Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, CompressorShape> PoolKernel() =>
        Gpu.Kernel(GpuAttentionKernels.CompressorPool, a =>
            a.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, CompressorShape>(CompressorPoolKernel.Run));

    private Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<int>, TopKShape> TopKKernelLauncher() =>
        Gpu.Kernel(GpuAttentionKernels.TopK, a => a.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<int>, TopKShape>(TopKKernel.Run));

    private static CompressorShape CompressorShapeOf(int ratio, int dim, int ringRows, int position, ArrayView<float> stateValues, ArrayView<float> stateLogits)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratio);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ringRows);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        int width = KvCacheGeometry.CompressorWidth(ratio, dim);
        Need(stateValues.Length, (long)ringRows * width, $"compressor state values [{ringRows} × {width}]");
        Need(stateLogits.Length, (long)ringRows * width, $"compressor state logits [{ringRows} × {width}]");
        return new CompressorShape { Ratio = ratio, Dim = dim, Width = width, RingRows = ringRows, Position = position };
    }

    private static void CheckSlots(GpuKvRow row, string what, int rows, int firstSlot, int slotCount, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(firstSlot);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slotCount);
        if (rows > slotCount)
            throw new ArgumentException($"{what} {rows} rows: only {slotCount} slots, rows would overwrite each other");
        Need(bytes, (long)slotCount * row.RowBytes, $"{what}: {slotCount} slots of {row.RowBytes} bytes ({row})");
    }

    private static void Need(long have, long need, string what)
    {
        if (have < need) throw new ArgumentException($"{what} needs {need} elements, the view has {have}");
    }
}
