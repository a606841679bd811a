using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// The lightning indexer's scores for a batch of query tokens (Models/DeepSeekV4/LightningIndexer): score_tj =
/// Σ_h w_th·ReLU(q_th·K_j) with K_j decoded from the stored key rows (row j at j·rowBytes), for the keys each token sees.
/// One warp per (token, key): the lanes decode the key's elements and dot them with every head's query; lane 0 adds the
/// heads in order and writes scores[t·ScoreStride + j]. q is [tokens × heads × dim], the weights [tokens × heads].
/// </summary>
public static class IndexerScoreKernel
{
    /// <summary>Explicitly grouped: groups of whole warps, one warp per (token, key); <paramref name="counts"/> (per token) may be an empty view.</summary>
    public static void Run<TFormat>(ArrayView<float> q, ArrayView<float> weights, ArrayView<byte> keys, ArrayView<int> counts, ArrayView<float> scores, IndexerShape shape)
        where TFormat : struct, IKvRowFormat
    {
        int warps = Group.DimX / Warp.WarpSize;
        long pair = (long)Grid.IdxX * warps + Warp.WarpIdx;
        int t = (int)(pair / shape.Count), j = (int)(pair % shape.Count);
        if (t >= shape.Tokens || j >= (counts.Length > 0 ? counts[t] : shape.Count)) return;
        int lane = Warp.LaneIdx, dim = shape.Key.Dim, heads = shape.Heads;
        long row = (long)j * shape.Key.RowBytes, qBase = (long)t * heads * dim;
        var format = default(TFormat);
        float score = 0f;
        for (int h = 0; h < heads; h++)
        {
            float partial = 0f;
            for (int d = lane; d < dim; d += Warp.WarpSize) partial += q[qBase + (long)h * dim + d] * format.Decode(keys, row, shape.Key, d);
            float dot = WarpReduce.SumToFirst(partial);
            if (dot > 0f) score += dot * weights[(long)t * heads + h];
        }
        if (lane == 0) scores[(long)t * shape.ScoreStride + j] = score;
    }
}
