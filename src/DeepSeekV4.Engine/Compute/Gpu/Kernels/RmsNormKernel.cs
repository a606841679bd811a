using DeepSeekV4.Engine.Compute.Gpu.Attention;
using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>The shape of an RMS normalization: <see cref="Rows"/> rows of <see cref="Dim"/> values, and whether a weight multiplies.</summary>
public struct RmsNormShape
{
    public int Rows;
    public int Dim;
    public float Eps;
    public int HasWeight;
}

/// <summary>
/// RMS normalization in place, one warp per row (explicitly grouped, whole warps): the lanes' sums of squares added
/// with shuffles, r = 1/√(Σx²/n + eps) in float, then x·r and (x·r)·w — the CPU's Models.DeepSeekV4.RmsNorm.Apply /
/// Normalize operation for operation; only the order of the additions in Σx² differs.
/// </summary>
public static class RmsNormKernel
{
    public static void Run(ArrayView<float> x, ArrayView<float> weight, RmsNormShape shape)
    {
        int row = Grid.IdxX * (Group.DimX / Warp.WarpSize) + Warp.WarpIdx;
        if (row >= shape.Rows) return;
        int lane = Warp.LaneIdx;
        long o = (long)row * shape.Dim;
        float sum = 0;
        for (int i = lane; i < shape.Dim; i += Warp.WarpSize) sum += x[o + i] * x[o + i];
        float inverse = InverseRms(WarpReduce.Sum(sum), shape.Dim, shape.Eps);
        for (int i = lane; i < shape.Dim; i += Warp.WarpSize)
        {
            float v = x[o + i] * inverse;
            x[o + i] = shape.HasWeight != 0 ? v * weight[i] : v;
        }
    }

    /// <summary>1/√(sumOfSquares/n + eps) as the CPU's RmsNorm.InverseRms rounds it (float division and root).</summary>
    public static float InverseRms(float sumOfSquares, int n, float eps) => 1f / DeviceMath.SqrtF(sumOfSquares / n + eps);
}
