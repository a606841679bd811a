using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// Sink attention (Models/DeepSeekV4/SinkAttention with AttentionLayer's candidates) for a batch of query tokens:
/// per token and head, one softmax over the window rows [max(0, p − window + 1), p] read from the ring and the
/// compressed entries (all of the token's count, or its selected ones), with the head's sink logit in the denominator
/// only; K = V, both decoded from the cache's format. One warp per (token, head) with a running maximum: lane l owns
/// dims l, l + warp, … of the accumulator and of the decoded candidate (the group's dynamic shared memory, two head-dim
/// rows per warp; a lane only reads back what it wrote, so no barrier is needed), each candidate is decoded once, and its
/// score is the warp's broadcast sum, so every lane rescales alike. Inputs q [tokens × heads × hd], output the same.
/// </summary>
public static class SinkAttentionKernel
{
    /// <summary>
    /// Explicitly grouped: groups of whole warps with <see cref="SharedFloatsPerWarp"/> floats of dynamic shared memory per warp.
    /// <paramref name="entryCounts"/> (per token) and <paramref name="selected"/> ([tokens × stride]) may be empty views.
    /// </summary>
    public static void Run<TFormat>(ArrayView<float> q, ArrayView<byte> ring, ArrayView<byte> entries, ArrayView<int> selected,
        ArrayView<int> entryCounts, ArrayView<float> sinks, ArrayView<float> output, SinkAttentionShape shape)
        where TFormat : struct, IKvRowFormat
    {
        int warps = Group.DimX / Warp.WarpSize;
        int pair = Grid.IdxX * warps + Warp.WarpIdx;
        if (pair >= shape.Tokens * shape.Heads) return;
        int t = pair / shape.Heads, h = pair % shape.Heads;
        int lane = Warp.LaneIdx, hd = shape.Row.Dim;
        var shared = SharedMemory.GetDynamic<float>().SubView((long)Warp.WarpIdx * SharedFloatsPerWarp(hd), SharedFloatsPerWarp(hd));
        var acc = shared.SubView(0, hd);
        var candidate = shared.SubView(hd, hd);
        long qBase = (long)pair * hd;
        for (int d = lane; d < hd; d += Warp.WarpSize) acc[d] = 0f;
        var softmax = new RunningSoftmax { Max = float.NegativeInfinity, Sum = 0f };

        int position = shape.Position + t;
        int first = position - shape.Window + 1;
        for (int p = first > 0 ? first : 0; p <= position; p++)
            softmax = Add<TFormat>(softmax, q, qBase, ring, (long)(p % shape.RingRows) * shape.Row.RowBytes, acc, candidate, shape);
        int count = entryCounts.Length > 0 ? entryCounts[t] : shape.EntryCount;
        for (int i = 0; i < count; i++)
        {
            long e = selected.Length > 0 ? selected[(long)t * shape.SelectedStride + i] : i;
            softmax = Add<TFormat>(softmax, q, qBase, entries, e * shape.Row.RowBytes, acc, candidate, shape);
        }

        float sink = sinks[h];
        float mu = softmax.Max > sink ? softmax.Max : sink;
        float keep = softmax.Max == float.NegativeInfinity ? 0f : Kernels.DeviceMath.ExpF(softmax.Max - mu);
        float factor = keep / (softmax.Sum * keep + Kernels.DeviceMath.ExpF(sink - mu));
        for (int d = lane; d < hd; d += Warp.WarpSize) output[qBase + d] = acc[d] * factor;
    }

    /// <summary>Shared floats per warp: the accumulator and the decoded candidate.</summary>
    public static int SharedFloatsPerWarp(int headDim) => 2 * headDim;

    private struct RunningSoftmax
    {
        public float Max;
        public float Sum;
    }

    // One candidate row: its score (scaled q·k), the running maximum and sum, and the accumulator rescaled and added to.
    private static RunningSoftmax Add<TFormat>(RunningSoftmax softmax, ArrayView<float> q, long qBase, ArrayView<byte> rows, long rowOffset,
        ArrayView<float> acc, ArrayView<float> candidate, SinkAttentionShape shape) where TFormat : struct, IKvRowFormat
    {
        var format = default(TFormat);
        int lane = Warp.LaneIdx, hd = shape.Row.Dim;
        float partial = 0f;
        for (int d = lane; d < hd; d += Warp.WarpSize)
        {
            float k = format.Decode(rows, rowOffset, shape.Row, d);
            candidate[d] = k;
            partial += q[qBase + d] * k;
        }
        float score = WarpReduce.Sum(partial) * shape.Scale;
        if (score > softmax.Max)
        {
            if (softmax.Sum != 0f)
            {
                float rescale = Kernels.DeviceMath.ExpF(softmax.Max - score);
                softmax.Sum *= rescale;
                for (int d = lane; d < hd; d += Warp.WarpSize) acc[d] *= rescale;
            }
            softmax.Max = score;
        }
        float weight = Kernels.DeviceMath.ExpF(score - softmax.Max);
        softmax.Sum += weight;
        for (int d = lane; d < hd; d += Warp.WarpSize) acc[d] += weight * candidate[d];
        return softmax;
    }
}
