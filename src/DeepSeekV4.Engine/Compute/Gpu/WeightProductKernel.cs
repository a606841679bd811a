using DeepSeekV4.Engine.Compute.Gpu.Attention;
using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// The weight product on the device, generic over the weight type's decoder: y[t·rows + r] = Σ_c W[r, c]·x[t·cols + c]
/// for every row r and vector t &lt; count, with W kept in its ggml blocks. One warp per row: lane l decodes chunks
/// l, l + warp, … of 32 weights (four parts of eight, in registers) and multiplies each decoded part with up to four
/// vectors at once, so a batch reads the row once per four vectors; the lanes' partial sums are added with warp
/// shuffles (only those of the pass's vectors) and lane 0 writes. Rows beyond the matrix (the last group's spare warps) return at once — a whole warp
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
            // Only the vectors of this pass: a decode step sums one value, not four (a shuffle is a barrier on the simulator).
            // `vectors` is the same in every lane, so the whole warp takes each branch.
            s0 = WarpReduce.SumToFirst(s0);
            if (vectors > 1) s1 = WarpReduce.SumToFirst(s1);
            if (vectors > 2) s2 = WarpReduce.SumToFirst(s2);
            if (vectors > 3) s3 = WarpReduce.SumToFirst(s3);
            if (lane == 0)
            {
                long y0 = (long)t0 * shape.Rows + row;
                y[y0] = s0;
                if (vectors > 1) y[y0 + shape.Rows] = s1;
                if (vectors > 2) y[y0 + 2L * shape.Rows] = s2;
                if (vectors > 3) y[y0 + 3L * shape.Rows] = s3;
            }
        }
    }
}
