using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>Warp sums for kernels that work one warp per item.</summary>
internal static class WarpReduce
{
    /// <summary>The sum over the warp, complete in lane 0 only.</summary>
    public static float SumToFirst(float value)
    {
        for (int offset = Warp.WarpSize / 2; offset > 0; offset >>= 1)
            value += Warp.ShuffleDown(value, offset);
        return value;
    }

    /// <summary>The sum over the warp, the same bits in every lane (lane 0's sum broadcast, so lanes never disagree by a rounding).</summary>
    public static float Sum(float value) => Warp.Shuffle(SumToFirst(value), 0);
}
