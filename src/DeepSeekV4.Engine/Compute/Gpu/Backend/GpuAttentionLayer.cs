using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// One layer's attention for a pass on the device, in the CPU's order (Models/DeepSeekV4/AttentionLayer.cs): batched
/// projections, then the pass in sub-batches small enough that no ring row a token reads is overwritten by a later one
/// (truncation slack + 1 tokens): the sub-batch's window rows are encoded into the ring, its compressor rows stored and
/// completed blocks pooled into entries (norm, RoPE at the block's first position, FP8 or Hadamard + FP4 rounding,
/// encoded), the CSA indexer's top-k chosen per token, and all of its tokens attend in one launch; then the inverse RoPE
/// and the grouped low-rank output projection.
/// </summary>
internal sealed class GpuAttentionLayer(DeepSeekV4Model model, GpuModelCompute compute, GpuPassBuffers b, GpuSequenceCache cache, GpuDownloads host)
{
    private readonly DeepSeekV4Config _c = model.Config;
    private readonly GpuModelOps _ops = compute.Ops;
    private readonly GpuAttentionOps _attention = compute.Attention;
    private readonly GpuUploads _w = compute.Weights;
    private readonly bool _round = model.Rounding.RoundsActivations;
    private readonly bool _simulate = model.Rounding.SimulatesKvQuantization;

    public void Forward(int layer, int tokens, int firstPosition, IForwardObserver? observer)
    {
        var c = _c;
        var w = model.Weights.Layers[layer].Attention;
        int d = c.HiddenSize, hd = c.HeadDim, heads = c.HeadCount, rope = c.RopeDim, nope = c.NopeDim;
        int ratio = w.Ratio;
        var cos = ratio > 0 ? b.CompressedCos : b.WindowCos;
        var sin = ratio > 0 ? b.CompressedSin : b.WindowSin;
        var gpu = compute.Gpu;

        var x = b.Hidden;
        var xRounded = Rounded(x, b.RoundedHidden, tokens, d);
        gpu.Multiply(_w.Matrix(w.QueryA), xRounded, b.QueryLatent, tokens);
        gpu.Multiply(_w.Matrix(w.KeyValue), xRounded, b.KeyValue, tokens);
        _ops.RmsNormRows(b.QueryLatent, tokens, c.QLoraRank, _w.Floats(w.QueryNorm), c.RmsNormEps);
        var qLatent = Rounded(b.QueryLatent, b.RoundedQueryLatent, tokens, c.QLoraRank);
        gpu.Multiply(_w.Matrix(w.QueryB), qLatent, b.Query, tokens);
        _ops.RmsNormRows(b.Query, tokens * heads, hd, ArrayView<float>.Empty, c.RmsNormEps);
        _ops.Rotate(b.Query, tokens * heads, hd, nope, rope, cos, sin, heads, inverse: false);
        _ops.RmsNormRows(b.KeyValue, tokens, hd, _w.Floats(w.KeyValueNorm), c.RmsNormEps);
        _ops.Rotate(b.KeyValue, tokens, hd, nope, rope, cos, sin, 1, inverse: false);
        if (_simulate) _ops.SimulateFp8(b.KeyValue, tokens, hd, nope, NativeKvRowCodec.ScaleBlock);

        if (w.Compressor is { } compressor)
        {
            gpu.Multiply(_w.Matrix(compressor.Values), x, b.CompressorValues, tokens);
            gpu.Multiply(_w.Matrix(compressor.Gate), x, b.CompressorLogits, tokens);
        }
        int iHeads = c.IndexerHeadCount, iDim = c.IndexerHeadDim;
        if (w.Indexer is { } indexer)
        {
            gpu.Multiply(_w.Matrix(indexer.Compressor.Values), x, b.IndexerValues, tokens);
            gpu.Multiply(_w.Matrix(indexer.Compressor.Gate), x, b.IndexerLogits, tokens);
            gpu.Multiply(_w.Matrix(indexer.Query), qLatent, b.IndexerQuery, tokens);
            _ops.Rotate(b.IndexerQuery, tokens * iHeads, iDim, iDim - rope, rope, cos, sin, iHeads, inverse: false);
            _ops.Hadamard(b.IndexerQuery, tokens * iHeads, iDim);
            if (_simulate) _ops.SimulateFp4(b.IndexerQuery, tokens * iHeads, iDim, iDim, NativeIndexerKeyCodec.ScaleBlock);
            gpu.Multiply(_w.Matrix(indexer.HeadWeights), x, b.IndexerWeights, tokens);
            _ops.Scale(b.IndexerWeights, (long)tokens * iHeads, (float)(Math.Pow(iDim, -0.5) * Math.Pow(iHeads, -0.5)));
        }

        var layerCache = cache[layer];
        for (int s = 0; s < tokens; s += cache.SubBatchTokens)
        {
            int n = Math.Min(cache.SubBatchTokens, tokens - s);
            int first = firstPosition + s;
            _attention.EncodeRows(cache.KvRow, b.KeyValue.SubView((long)s * hd, (long)n * hd), n, layerCache.WindowRing, first % layerCache.WindowRingRows, layerCache.WindowRingRows);
            int added = 0;
            if (w.Compressor is { } main)
                added = Compress(main, layerCache, s, n, first, indexerKey: false);
            if (w.Indexer is { } ix)
                Compress(ix.Compressor, layerCache, s, n, first, indexerKey: true);
            layerCache.EntryCount += added;
            Attend(w, layer, layerCache, s, n, first, observer);
        }

        _ops.Rotate(b.AttentionOutput, tokens * heads, hd, nope, rope, cos, sin, heads, inverse: true);
        if (observer is not null)
        {
            var output = host.Floats(b.AttentionOutput, (long)tokens * heads * hd);
            for (int t = 0; t < tokens; t++) observer.OnAttentionOutput(layer, firstPosition + t, output.AsSpan(t * heads * hd, heads * hd));
        }

        int groupWidth = c.HeadsPerGroup * hd, groups = c.OutputGroupCount, rank = c.OutputLoraRank;
        _ops.GatherGroups(b.AttentionOutput, b.GroupInput, tokens, groups, groupWidth);
        for (int g = 0; g < groups; g++)
            gpu.Multiply(_w.Matrix(w.OutputAGroups[g]), b.GroupInput.SubView((long)g * tokens * groupWidth, (long)tokens * groupWidth),
                b.GroupOutput.SubView((long)g * tokens * rank, (long)tokens * rank), tokens);
        _ops.ScatterGroups(b.GroupOutput, b.LowRank, groups, tokens, rank);
        var lowRank = Rounded(b.LowRank, b.RoundedLowRank, tokens, groups * rank);
        gpu.Multiply(_w.Matrix(w.OutputB), lowRank, b.SublayerOutput, tokens);
    }

    // Reference numerics on an FP8/FP4 release: FP8 rounding per 128 before a product whose release weight is FP8/FP4; else the input as it is.
    private ArrayView<float> Rounded(ArrayView<float> x, ArrayView<float> rounded, int rows, int dim)
    {
        if (!_round) return x;
        _ops.RoundActivations(x, rounded, rows, dim);
        return rounded;
    }

    /// <summary>Stores the sub-batch's compressor rows and turns the blocks it completes into encoded entries; returns how many.</summary>
    private int Compress(CompressorWeights cw, GpuLayerCache layer, int s, int n, int first, bool indexerKey)
    {
        int ratio = cw.Ratio, dim = cw.Dim, width = cw.Width, rope = _c.RopeDim;
        var values = (indexerKey ? b.IndexerValues : b.CompressorValues).SubView((long)s * width, (long)n * width);
        var logits = (indexerKey ? b.IndexerLogits : b.CompressorLogits).SubView((long)s * width, (long)n * width);
        var stateValues = indexerKey ? layer.IndexerStateValues : layer.StateValues;
        var stateLogits = indexerKey ? layer.IndexerStateLogits : layer.StateLogits;
        _attention.CompressorStore(values, logits, _w.Floats(cw.Ape), ratio, dim, first, n, stateValues, stateLogits, layer.CompressorRingRows);

        int last = first + n - 1;
        int firstEnd = (first + ratio) / ratio * ratio - 1;
        if (firstEnd > last) return 0;
        int blocks = (last - firstEnd) / ratio + 1;
        var entries = b.Entries.SubView(0, (long)blocks * dim);
        _attention.CompressorPool(stateValues, stateLogits, ratio, dim, firstEnd, blocks, layer.CompressorRingRows, last, entries);
        _ops.RmsNormRows(entries, blocks, dim, _w.Floats(cw.Norm), _c.RmsNormEps);
        var positions = new int[blocks];
        for (int j = 0; j < blocks; j++) positions[j] = firstEnd + j * ratio + 1 - ratio;
        b.Upload(positions, b.EntryPositions);
        _ops.AnglesFor(b.EntryPositions, blocks, _w.Floats(model.CompressedRotary.Frequencies), rope, b.EntryCos, b.EntrySin);
        _ops.Rotate(entries, blocks, dim, dim - rope, rope, b.EntryCos, b.EntrySin, 1, inverse: false);
        if (indexerKey)
        {
            _ops.Hadamard(entries, blocks, dim);
            if (_simulate) _ops.SimulateFp4(entries, blocks, dim, dim, NativeIndexerKeyCodec.ScaleBlock);
            _attention.EncodeRows(cache.IndexerRow!, entries, blocks, layer.IndexerKeys, layer.EntryCount, layer.MaxEntries);
        }
        else
        {
            if (_simulate) _ops.SimulateFp8(entries, blocks, dim, dim - rope, NativeKvRowCodec.ScaleBlock);
            _attention.EncodeRows(cache.KvRow, entries, blocks, layer.Entries, layer.EntryCount, layer.MaxEntries);
        }
        return blocks;
    }

    // The sub-batch's tokens attend in one launch: window rows from the ring, and all entries visible at their position
    // (HCA) or the indexer's top-k of them (CSA, chosen token by token).
    private void Attend(AttentionWeights w, int layer, GpuLayerCache layerCache, int s, int n, int first, IForwardObserver? observer)
    {
        var c = _c;
        int heads = c.HeadCount, hd = c.HeadDim, ratio = w.Ratio;
        var q = b.Query.SubView((long)s * heads * hd, (long)n * heads * hd);
        var output = b.AttentionOutput.SubView((long)s * heads * hd, (long)n * heads * hd);
        var sinks = _w.Floats(w.Sinks);
        if (ratio == 0)
        {
            _attention.Attend(cache.KvRow, heads, q, sinks, output, layerCache.WindowRing, layerCache.WindowRingRows, layerCache.Window, first, n,
                ArrayView<byte>.Empty, 0);
            return;
        }
        var counts = new int[n];
        for (int t = 0; t < n; t++) counts[t] = (first + t + 1) / ratio;
        if (ratio == 4)
        {
            int iHeads = c.IndexerHeadCount, iDim = c.IndexerHeadDim, topK = c.IndexerTopK;
            for (int t = 0; t < n; t++)
            {
                int visible = counts[t];
                counts[t] = Math.Min(topK, visible);
                if (visible == 0) continue;
                int row = s + t;
                _attention.IndexerScores(cache.IndexerRow!, b.IndexerQuery.SubView((long)row * iHeads * iDim, (long)iHeads * iDim),
                    b.IndexerWeights.SubView((long)row * iHeads, iHeads), iHeads, layerCache.IndexerKeys, visible, b.IndexerScores);
                var selected = b.Selected.SubView((long)t * topK, topK);
                _attention.TopK(b.IndexerScores, visible, topK, selected);
                if (observer is not null)
                    observer.OnIndexerSelection(layer, first + t, host.Floats(b.IndexerScores, visible), host.Ints(selected, counts[t]));
            }
            b.Upload(counts, b.EntryCounts);
            _attention.Attend(cache.KvRow, heads, q, sinks, output, layerCache.WindowRing, layerCache.WindowRingRows, layerCache.Window, first, n,
                layerCache.Entries, topK, b.Selected, topK, b.EntryCounts);
            return;
        }
        b.Upload(counts, b.EntryCounts);
        _attention.Attend(cache.KvRow, heads, q, sinks, output, layerCache.WindowRing, layerCache.WindowRingRows, layerCache.Window, first, n,
            layerCache.Entries, counts[^1], entryCounts: b.EntryCounts);
    }
}
