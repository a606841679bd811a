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

    /// <summary>
    /// The warp sums of four values at once (a product pass over four vectors), with fewer exchanges than four sums:
    /// the first exchange leaves values 0 and 1 with the lower half of the warp and 2 and 3 with the upper half, the
    /// second (with 4 lanes or more) one value per quarter, and a butterfly within each quarter completes it — 6
    /// shuffles for a warp of 32 instead of 20, 2 for a warp of 2 instead of 4. Returns which value this lane's sum is
    /// of (<paramref name="value"/>) and whether it writes it: the first lane of each quarter; with warps of 2 each lane
    /// completes two values, <paramref name="value"/> and <paramref name="value"/> + 1 (the second in <paramref name="next"/>).
    /// </summary>
    public static float SumFour(float s0, float s1, float s2, float s3, out int value, out float next, out bool writes)
    {
        int lane = Warp.LaneIdx, half = Warp.WarpSize / 2;
        bool upper = (lane & half) != 0;
        float keep0 = (upper ? s2 : s0) + Warp.ShuffleXor(upper ? s0 : s2, half);
        float keep1 = (upper ? s3 : s1) + Warp.ShuffleXor(upper ? s1 : s3, half);
        value = upper ? 2 : 0;
        if (half == 1)
        {
            next = keep1;
            writes = true;
            return keep0;
        }
        int quarter = half / 2;
        bool second = (lane & quarter) != 0;
        float sum = (second ? keep1 : keep0) + Warp.ShuffleXor(second ? keep0 : keep1, quarter);
        for (int mask = quarter / 2; mask > 0; mask >>= 1)
            sum += Warp.ShuffleXor(sum, mask);
        value += second ? 1 : 0;
        next = 0f;
        writes = (lane & (quarter - 1)) == 0;
        return sum;
    }
}
