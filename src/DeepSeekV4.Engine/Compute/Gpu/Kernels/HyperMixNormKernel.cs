using DeepSeekV4.Engine.Compute.Gpu.Attention;
using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// The normalization of the hyper-connection mixes after their weight product, one warp per token (explicitly grouped):
/// mixes[t] ·= 1/rms(streams[t]) with the RMS of the token's flattened hc·D streams — HyperConnection.Mixes' second step.
/// </summary>
public static class HyperMixNormKernel
{
    public static void Run(ArrayView<float> streams, ArrayView<float> mixes, int tokens, int width, int outputs, float eps)
    {
        int t = Grid.IdxX * (Group.DimX / Warp.WarpSize) + Warp.WarpIdx;
        if (t >= tokens) return;
        int lane = Warp.LaneIdx;
        long o = (long)t * width;
        float sum = 0;
        for (int i = lane; i < width; i += Warp.WarpSize) sum += streams[o + i] * streams[o + i];
        float inverse = RmsNormKernel.InverseRms(WarpReduce.Sum(sum), width, eps);
        for (int i = lane; i < outputs; i += Warp.WarpSize) mixes[(long)t * outputs + i] *= inverse;
    }
}
