using DeepSeekV4.Engine.Compute.Gpu.Attention;
using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// The weight product on the device, generic over the weight type's decoder: y[t·rows + r] = Σ_c W[r, c]·x[t·cols + c]
/// for every row r and vector t &lt; count, with W kept in its ggml blocks. One warp per row: lane l decodes chunks
/// l, l + warp, … of 32 weights (four parts of eight, in registers) and multiplies each decoded part with up to four
/// vectors at once, so a batch reads the row once per four vectors; the lanes' partial sums are added with warp
/// shuffles (one sum in decode, <see cref="WarpReduce.SumFour"/> for a batch) and the lanes holding them write. Rows beyond the matrix (the last group's spare warps) return at once — a whole warp
/// together, so the shuffles never miss a lane.
/// </summary>
public static class WeightProductKernel
{
    /// <summary>Vectors multiplied per pass over a row.</summary>
    public const int VectorsPerPass = 4;

    /// <summary>The kernel entry (explicitly grouped: launch with groups of whole warps, one warp per row).</summary>
    public static void Run<TDecoder>(WeightTables tables, ArrayView<byte> weights, ArrayView<float> x, ArrayView<float> y, MatMulShape shape)
        where TDecoder : struct, IWeightDecoder
    {
        int warpsPerGroup = Group.DimX / Warp.WarpSize;
        int row = Grid.IdxX * warpsPerGroup + Warp.WarpIdx;
        if (row >= shape.Rows) return;
        int lane = Warp.LaneIdx;
        int cols = shape.Cols;
        long rowStart = row * shape.RowBytes;
        int chunks = (cols + 31) / 32;
        var decoder = default(TDecoder);
        for (int t0 = 0; t0 < shape.Count; t0 += VectorsPerPass)
        {
            int vectors = shape.Count - t0;
            long x0 = (long)t0 * cols;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int c = lane; c < chunks; c += Warp.WarpSize)
            {
                for (int p = 0; p < 4; p++)
                {
                    int first = 32 * c + 8 * p;
                    int valid = cols - first;
                    if (valid <= 0) break;
                    var w = decoder.Decode(tables, weights, rowStart, c, p, valid);
                    s0 += w.Dot(x, x0 + first, valid);
                    if (vectors > 1) s1 += w.Dot(x, x0 + cols + first, valid);
                    if (vectors > 2) s2 += w.Dot(x, x0 + 2L * cols + first, valid);
                    if (vectors > 3) s3 += w.Dot(x, x0 + 3L * cols + first, valid);
                }
            }
            long y0 = (long)t0 * shape.Rows + row;
            if (vectors == 1)
            {
                // A decode step: one sum (`vectors` is the same in every lane, so the whole warp takes each branch).
                s0 = WarpReduce.SumToFirst(s0);
                if (lane == 0) y[y0] = s0;
            }
            else
            {
                float sum = WarpReduce.SumFour(s0, s1, s2, s3, out int v, out float next, out bool writes);
                if (writes && v < vectors) y[y0 + v * (long)shape.Rows] = sum;
                if (writes && Warp.WarpSize == 2 && v + 1 < vectors) y[y0 + (v + 1) * (long)shape.Rows] = next;
            }
        }
    }
}
