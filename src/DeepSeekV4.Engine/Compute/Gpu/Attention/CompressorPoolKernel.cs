using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// The pooling half of a compressor step (Models/DeepSeekV4/Compressor.Push) for consecutive blocks: block b ends at
/// Position + b·ratio, and entry b channel c is the softmax over the block's rows of logit channel c weighting value
/// channel c — for the overlapping compressor the previous block's rows through channel c and the block's own through
/// channel d + c. Entries are written raw ([blocks × d]); norm, RoPE and rounding are the caller's. One thread per (channel, block).
/// </summary>
public static class CompressorPoolKernel
{
    /// <summary>Implicitly grouped: index.X the channel (&lt; Dim), index.Y the block.</summary>
    public static void Run(Index2D index, ArrayView<float> stateValues, ArrayView<float> stateLogits, ArrayView<float> entries, CompressorShape shape)
    {
        int c = index.X, m = shape.Ratio, width = shape.Width;
        int position = shape.Position + index.Y * m;
        int start = position + 1 - m;
        int firstPrevious = shape.Overlap && start >= m ? start - m : start;
        int own = shape.Overlap ? shape.Dim + c : c;
        float max = float.NegativeInfinity;
        for (int p = firstPrevious; p <= position; p++)
        {
            float logit = stateLogits[Slot(p, shape) + (p < start ? c : own)];
            max = logit > max ? logit : max;
        }
        float sum = 0f, acc = 0f;
        for (int p = firstPrevious; p <= position; p++)
        {
            long o = Slot(p, shape) + (p < start ? c : own);
            float weight = Kernels.DeviceMath.ExpF(stateLogits[o] - max);
            sum += weight;
            acc += stateValues[o] * weight;
        }
        entries[(long)index.Y * shape.Dim + c] = acc / sum;
    }

    private static long Slot(int position, CompressorShape shape) => (long)(position % shape.RingRows) * shape.Width;
}
