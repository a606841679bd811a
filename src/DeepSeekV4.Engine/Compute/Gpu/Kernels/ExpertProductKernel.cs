using DeepSeekV4.Engine.Compute.Gpu.Attention;
using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>The shape of an expert product: Slots outputs of Rows values, each from an expert's [Rows × Cols] matrix.</summary>
public struct ExpertProductShape
{
    public int Rows;
    public int Cols;
    public int Slots;
    public int Experts;
    /// <summary>Slot s reads input row s / InputDivisor (k: a token's row for gate/up; 1: the slot's own row for down).</summary>
    public int InputDivisor;
    public long RowBytes;
    public long ExpertBytes;
}

/// <summary>
/// The grouped expert product (ggml's mul_mat_id), generic over the weight decoder, one warp per (slot, row) as the
/// weight product: y[s·rows + r] = W_{chosen[s]}[r, :] · x[s / inputDivisor], the experts stacked in one buffer. An
/// expert index outside the stack gives NaN.
/// </summary>
public static class ExpertProductKernel
{
    public static void Run<TDecoder>(WeightTables tables, ArrayView<byte> weights, ArrayView<int> chosen, ArrayView<float> x, ArrayView<float> y,
        ExpertProductShape shape) where TDecoder : struct, IWeightDecoder
    {
        int warp = Grid.IdxX * (Group.DimX / Warp.WarpSize) + Warp.WarpIdx;
        if (warp >= shape.Rows * shape.Slots) return;
        int s = warp / shape.Rows, r = warp % shape.Rows;
        int expert = chosen[s];
        int lane = Warp.LaneIdx;
        long output = (long)s * shape.Rows + r;
        if (expert < 0 || expert >= shape.Experts)
        {
            if (lane == 0) y[output] = float.NaN;
            return;
        }
        long row = expert * shape.ExpertBytes + r * shape.RowBytes;
        long input = (long)(s / shape.InputDivisor) * shape.Cols;
        int chunks = (shape.Cols + 31) / 32;
        var decoder = default(TDecoder);
        float sum = 0;
        for (int c = lane; c < chunks; c += Warp.WarpSize)
        {
            for (int p = 0; p < 4; p++)
            {
                int first = 32 * c + 8 * p;
                int valid = shape.Cols - first;
                if (valid <= 0) break;
                sum += decoder.Decode(tables, weights, row, c, p, valid).Dot(x, input + first, valid);
            }
        }
        sum = WarpReduce.SumToFirst(sum);
        if (lane == 0) y[output] = sum;
    }
}
