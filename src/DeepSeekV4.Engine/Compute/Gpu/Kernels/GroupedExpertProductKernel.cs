using DeepSeekV4.Engine.Compute.Gpu.Attention;
using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// The expert product of a batch, with the slots grouped by expert (<see cref="SlotGroupsKernel"/>): one warp per
/// (expert, row), reading the row once per four of the expert's slots as the weight product does; y[s·rows + r] =
/// W_e[r, :] · x[s / inputDivisor] for each slot s of expert e. The warps of the out-of-range group write NaN.
/// </summary>
public static class GroupedExpertProductKernel
{
    private const int SlotsPerPass = 4;

    public static void Run<TDecoder>(WeightTables tables, ArrayView<byte> weights, ArrayView<int> groups, ArrayView<float> x, ArrayView<float> y,
        ExpertProductShape shape) where TDecoder : struct, IWeightDecoder
    {
        int warp = Grid.IdxX * (Group.DimX / Warp.WarpSize) + Warp.WarpIdx;
        if (warp >= shape.Rows * (shape.Experts + 1)) return;
        int expert = warp / shape.Rows, r = warp % shape.Rows;
        int lane = Warp.LaneIdx, members = 2 * shape.Experts + 3;
        int begin = groups[expert], end = groups[expert + 1];
        if (expert == shape.Experts)
        {
            for (int i = begin + lane; i < end; i += Warp.WarpSize) y[(long)groups[members + i] * shape.Rows + r] = float.NaN;
            return;
        }
        long row = expert * shape.ExpertBytes + r * shape.RowBytes;
        int cols = shape.Cols, chunks = (cols + 31) / 32;
        var decoder = default(TDecoder);
        for (int i = begin; i < end; i += SlotsPerPass)
        {
            int count = end - i < SlotsPerPass ? end - i : SlotsPerPass;
            int s0 = groups[members + i];
            int s1 = count > 1 ? groups[members + i + 1] : s0;
            int s2 = count > 2 ? groups[members + i + 2] : s0;
            int s3 = count > 3 ? groups[members + i + 3] : s0;
            long x0 = (long)(s0 / shape.InputDivisor) * cols, x1 = (long)(s1 / shape.InputDivisor) * cols;
            long x2 = (long)(s2 / shape.InputDivisor) * cols, x3 = (long)(s3 / shape.InputDivisor) * cols;
            float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            for (int c = lane; c < chunks; c += Warp.WarpSize)
            {
                for (int p = 0; p < 4; p++)
                {
                    int first = 32 * c + 8 * p;
                    int valid = cols - first;
                    if (valid <= 0) break;
                    var w = decoder.Decode(tables, weights, row, c, p, valid);
                    a0 += w.Dot(x, x0 + first, valid);
                    if (count > 1) a1 += w.Dot(x, x1 + first, valid);
                    if (count > 2) a2 += w.Dot(x, x2 + first, valid);
                    if (count > 3) a3 += w.Dot(x, x3 + first, valid);
                }
            }
            if (count == 1)
            {
                // `count` is the same in every lane, so the whole warp takes each branch.
                a0 = WarpReduce.SumToFirst(a0);
                if (lane == 0) y[(long)s0 * shape.Rows + r] = a0;
            }
            else
            {
                float sum = WarpReduce.SumFour(a0, a1, a2, a3, out int v, out float next, out bool writes);
                if (writes && v < count) y[(long)Slot(v, s0, s1, s2, s3) * shape.Rows + r] = sum;
                if (writes && Warp.WarpSize == 2 && v + 1 < count) y[(long)Slot(v + 1, s0, s1, s2, s3) * shape.Rows + r] = next;
            }
        }
    }

    private static int Slot(int v, int s0, int s1, int s2, int s3) => v == 0 ? s0 : v == 1 ? s1 : v == 2 ? s2 : s3;
}
