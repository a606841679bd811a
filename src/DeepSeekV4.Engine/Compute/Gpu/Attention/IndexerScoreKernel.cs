using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// The lightning indexer's scores for one query token (Models/DeepSeekV4/LightningIndexer): score_j = Σ_h w_h·ReLU(q_h·K_j)
/// with K_j decoded from the stored key rows (row j at j·rowBytes). One warp per key: the lanes decode the key's elements
/// and dot them with every head's query; lane 0 adds the heads in order and writes.
/// </summary>
public static class IndexerScoreKernel
{
    /// <summary>Explicitly grouped: groups of whole warps, one warp per key.</summary>
    public static void Run<TFormat>(ArrayView<float> q, ArrayView<float> weights, ArrayView<byte> keys, ArrayView<float> scores, IndexerShape shape)
        where TFormat : struct, IKvRowFormat
    {
        int warps = Group.DimX / Warp.WarpSize;
        int j = Grid.IdxX * warps + Warp.WarpIdx;
        if (j >= shape.Count) return;
        int lane = Warp.LaneIdx, dim = shape.Key.Dim;
        long row = (long)j * shape.Key.RowBytes;
        var format = default(TFormat);
        float score = 0f;
        for (int h = 0; h < shape.Heads; h++)
        {
            float partial = 0f;
            for (int d = lane; d < dim; d += Warp.WarpSize) partial += q[(long)h * dim + d] * format.Decode(keys, row, shape.Key, d);
            float dot = WarpReduce.SumToFirst(partial);
            if (dot > 0f) score += dot * weights[h];
        }
        if (lane == 0) scores[j] = score;
    }
}
