using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// One layer's attention over a batch of consecutive tokens (reference §5.5–5.7): the projections run batched
/// (each weight row read once for the batch); then, token by token in position order, the token's K=V row enters
/// the window ring, its compressor rows enter the compressor states (emitting entries at block ends), and it attends
/// to its window, and to all compressed entries (HCA) or the lightning indexer's top-k (CSA). Every candidate is read
/// back from the cache in the cache's format, so a batch gives the same result as feeding the tokens one at a time.
/// </summary>
internal static class AttentionLayer
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(DeepSeekV4Model model, AttentionWeights w, int layer, SequenceKvCache cache, ForwardWorkspace ws,
        int tokens, int firstPosition, IForwardObserver? observer)
    {
        var c = model.Config;
        int d = c.HiddenSize, hd = c.HeadDim, heads = c.HeadCount, rope = c.RopeDim, nope = c.NopeDim, half = rope / 2;
        int ratio = w.Ratio;
        var x = ws.Hidden.AsSpan(0, tokens * d);
        var cosTable = ratio > 0 ? ws.CompressedCos : ws.WindowCos;
        var sinTable = ratio > 0 ? ws.CompressedSin : ws.WindowSin;

        // Reference numerics on an FP8/FP4 release: the inputs of q_a, kv, q_b, the indexer's q_b and output b (FP8 in the
        // release) are rounded to FP8 per 128; the compressors, weights_proj and wo_a take them unrounded.
        var rounding = model.Rounding;
        bool exact = rounding.FloatProducts, round = rounding.RoundsActivations, simulate = rounding.SimulatesKvQuantization;
        var xRounded = round ? ActivationRounding.Round(x, tokens, d, ws.RoundedInput) : x;
        var qLatent = ws.QueryLatent.AsSpan(0, tokens * c.QLoraRank);
        MatrixProducts.MatMul(w.QueryA, xRounded, tokens, qLatent, exact);
        var kv = ws.KeyValue.AsSpan(0, tokens * hd);
        MatrixProducts.MatMul(w.KeyValue, xRounded, tokens, kv, exact);
        RmsNorm.ApplyRows(qLatent, tokens, w.QueryNorm, c.RmsNormEps);
        // Rounded once for q_b and the indexer's q_b (ws.RoundedInput is not written again before both have read it).
        var qLatentRounded = round ? ActivationRounding.Round(qLatent, tokens, c.QLoraRank, ws.RoundedInput) : qLatent;
        var q = ws.Query.AsSpan(0, tokens * heads * hd);
        MatrixProducts.MatMul(w.QueryB, qLatentRounded, tokens, q, exact);
        for (int t = 0; t < tokens; t++)
        {
            var cos = cosTable.AsSpan(t * half, half);
            var sin = sinTable.AsSpan(t * half, half);
            for (int h = 0; h < heads; h++)
            {
                var head = q.Slice((t * heads + h) * hd, hd);
                RmsNorm.Normalize(head, c.RmsNormEps);
                RotaryEmbedding.Rotate(head[nope..], cos, sin);
            }
            var row = kv.Slice(t * hd, hd);
            RmsNorm.Apply(row, w.KeyValueNorm, c.RmsNormEps);
            RotaryEmbedding.Rotate(row[nope..], cos, sin);
            if (simulate) Fp8E4M3.Simulate(row[..nope], NativeKvRowCodec.ScaleBlock);
        }

        var compressor = w.Compressor;
        var indexer = w.Indexer;
        if (compressor is not null)
        {
            MatrixProducts.MatMul(compressor.Values, x, tokens, ws.CompressorValues.AsSpan(0, tokens * compressor.Width), exact);
            MatrixProducts.MatMul(compressor.Gate, x, tokens, ws.CompressorLogits.AsSpan(0, tokens * compressor.Width), exact);
        }
        int iHeads = c.IndexerHeadCount, iDim = c.IndexerHeadDim;
        if (indexer is not null)
        {
            var ic = indexer.Compressor;
            MatrixProducts.MatMul(ic.Values, x, tokens, ws.IndexerValues.AsSpan(0, tokens * ic.Width), exact);
            MatrixProducts.MatMul(ic.Gate, x, tokens, ws.IndexerLogits.AsSpan(0, tokens * ic.Width), exact);
            var iq = ws.IndexerQuery.AsSpan(0, tokens * iHeads * iDim);
            MatrixProducts.MatMul(indexer.Query, qLatentRounded, tokens, iq, exact);
            for (int t = 0; t < tokens; t++)
            {
                var cos = cosTable.AsSpan(t * half, half);
                var sin = sinTable.AsSpan(t * half, half);
                for (int h = 0; h < iHeads; h++)
                {
                    var head = iq.Slice((t * iHeads + h) * iDim, iDim);
                    RotaryEmbedding.Rotate(head[(iDim - rope)..], cos, sin);
                    HadamardTransform.Apply(head);
                    if (simulate) Fp4E2M1.Simulate(head, NativeIndexerKeyCodec.ScaleBlock);
                }
            }
            var iw = ws.IndexerWeights.AsSpan(0, tokens * iHeads);
            MatrixProducts.MatMul(indexer.HeadWeights, x, tokens, iw, exact);
            Elementwise.Multiply(iw, (float)(Math.Pow(iDim, -0.5) * Math.Pow(iHeads, -0.5)), iw);
        }

        var layerCache = cache[layer];
        var output = ws.AttentionOutput.AsSpan(0, tokens * heads * hd);
        for (int t = 0; t < tokens; t++)
        {
            int position = firstPosition + t;
            cache.KvCodec.Encode(kv.Slice(t * hd, hd), layerCache.WindowRing.RowForWrite(position));
            if (compressor is not null)
                Compress(model, compressor, layerCache.Compressor!, layerCache.Compressed!, cache.KvCodec, ws, position,
                    ws.CompressorValues.AsSpan(t * compressor.Width, compressor.Width), ws.CompressorLogits.AsSpan(t * compressor.Width, compressor.Width), indexerKey: false);
            if (indexer is not null)
            {
                var ic = indexer.Compressor;
                Compress(model, ic, layerCache.IndexerCompressor!, layerCache.IndexerKeys!, cache.IndexerCodec!, ws, position,
                    ws.IndexerValues.AsSpan(t * ic.Width, ic.Width), ws.IndexerLogits.AsSpan(t * ic.Width, ic.Width), indexerKey: true);
            }
            layerCache.Advance();

            var qt = ws.Query.AsMemory(t * heads * hd, heads * hd);
            var attention = ws.Attention;
            attention.Begin();
            AttendWindow(attention, qt, layerCache, cache.KvCodec, ws, position);
            if (ratio == 128)
            {
                AttendEntries(attention, qt, layerCache.Compressed!, cache.KvCodec, ws, default, layerCache.Compressed!.Count);
            }
            else if (ratio == 4 && layerCache.Compressed!.Count > 0)
            {
                var selected = ws.Indexer.Select(ws.IndexerQuery.AsMemory(t * iHeads * iDim, iHeads * iDim), ws.IndexerWeights.AsMemory(t * iHeads, iHeads),
                    layerCache.IndexerKeys!, cache.IndexerCodec!, layerCache.IndexerKeys!.Count, c.IndexerTopK);
                observer?.OnIndexerSelection(layer, position, ws.Indexer.Scores, selected);
                AttendEntries(attention, qt, layerCache.Compressed!, cache.KvCodec, ws, selected, selected.Length);
            }
            var ot = output.Slice(t * heads * hd, heads * hd);
            attention.Finish(w.Sinks, ot);
            var cos = cosTable.AsSpan(t * half, half);
            var sin = sinTable.AsSpan(t * half, half);
            for (int h = 0; h < heads; h++) RotaryEmbedding.Rotate(ot.Slice(h * hd + nope, rope), cos, sin, inverse: true);
            observer?.OnAttentionOutput(layer, position, ot);
        }

        // The output groups' low-rank products run in one call: each group's rows are gathered group-major first, so
        // group g reads tokens packed rows from g · tokens · groupWidth and writes them from g · tokens · rank.
        int groupWidth = c.HeadsPerGroup * hd, groups = c.OutputGroupCount, rank = c.OutputLoraRank;
        var byGroup = ws.GroupInput.AsSpan(0, groups * tokens * groupWidth);
        var groupOutput = ws.GroupOutput.AsSpan(0, groups * tokens * rank);
        var lowRank = ws.LowRank.AsSpan(0, tokens * groups * rank);
        var parts = ws.OutputGroupParts;
        for (int g = 0; g < groups; g++)
        {
            for (int t = 0; t < tokens; t++) output.Slice(t * heads * hd + g * groupWidth, groupWidth).CopyTo(byGroup.Slice((g * tokens + t) * groupWidth, groupWidth));
            parts[g] = new(w.OutputAGroups[g], g * tokens * groupWidth, tokens, g * tokens * rank, exact);
        }
        MatrixProducts.MatMulMany(parts, byGroup, groupOutput);
        for (int g = 0; g < groups; g++)
            for (int t = 0; t < tokens; t++) groupOutput.Slice((g * tokens + t) * rank, rank).CopyTo(lowRank.Slice(t * groups * rank + g * rank, rank));
        if (round) ActivationRounding.RoundInPlace(lowRank, tokens, groups * rank);
        MatrixProducts.MatMul(w.OutputB, lowRank, tokens, ws.SublayerOutput.AsSpan(0, tokens * d), exact);
    }

    // Pushes one token into a compressor; a completed block becomes an entry: RMS norm, RoPE at the block's first
    // position, then FP8 rounding of the non-rotary dims (main) or Hadamard + FP4 rounding (indexer keys); Float numerics
    // skips the roundings.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress(DeepSeekV4Model model, CompressorWeights w, CompressorStateRing state, KvRowPages entries, KvRowCodec codec,
        ForwardWorkspace ws, int position, ReadOnlySpan<float> values, ReadOnlySpan<float> logits, bool indexerKey)
    {
        var entry = ws.Entry.AsSpan(0, w.Dim);
        if (!ws.Compressor.Push(state, w, position, values, logits, entry)) return;
        var c = model.Config;
        RmsNorm.Apply(entry, w.Norm, c.RmsNormEps);
        int rope = c.RopeDim;
        model.CompressedRotary.Angles(position + 1 - w.Ratio, ws.EntryCos, ws.EntrySin);
        RotaryEmbedding.Rotate(entry[(w.Dim - rope)..], ws.EntryCos, ws.EntrySin);
        bool simulate = model.Rounding.SimulatesKvQuantization;
        if (indexerKey)
        {
            HadamardTransform.Apply(entry);
            if (simulate) Fp4E2M1.Simulate(entry, NativeIndexerKeyCodec.ScaleBlock);
        }
        else if (simulate)
        {
            Fp8E4M3.Simulate(entry[..(w.Dim - rope)], NativeKvRowCodec.ScaleBlock);
        }
        codec.Encode(entry, entries.Append());
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AttendWindow(SinkAttention attention, ReadOnlyMemory<float> q, LayerKvCache cache, KvRowCodec codec, ForwardWorkspace ws, int position)
    {
        int hd = codec.Dim;
        int first = Math.Max(0, position - cache.Window + 1);
        var block = ws.Candidates;
        int rows = 0;
        for (int p = first; p <= position; p++)
        {
            codec.Decode(cache.WindowRing.Row(p), block.AsSpan(rows * hd, hd));
            if (++rows == ForwardWorkspace.CandidateBlockRows)
            {
                attention.Add(q, block, rows);
                rows = 0;
            }
        }
        attention.Add(q, block, rows);
    }

    // Entries 0..count−1, or the listed ones when <paramref name="selected"/> is not empty.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AttendEntries(SinkAttention attention, ReadOnlyMemory<float> q, KvRowPages entries, KvRowCodec codec, ForwardWorkspace ws,
        ReadOnlySpan<int> selected, int count)
    {
        int hd = codec.Dim;
        var block = ws.Candidates;
        int rows = 0;
        for (int i = 0; i < count; i++)
        {
            codec.Decode(entries.Row(selected.IsEmpty ? i : selected[i]), block.AsSpan(rows * hd, hd));
            if (++rows == ForwardWorkspace.CandidateBlockRows)
            {
                attention.Add(q, block, rows);
                rows = 0;
            }
        }
        attention.Add(q, block, rows);
    }
}
