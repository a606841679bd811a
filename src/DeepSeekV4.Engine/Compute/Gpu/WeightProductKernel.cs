using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// The weight product on the device, generic over the weight type's decoder: y[t·rows + r] = Σ_c W[r, c]·x[t·cols + c]
/// for every row r and vector t &lt; count, with W kept in its ggml blocks. One warp per row: lane l decodes chunks
/// l, l + warp, … of 32 weights (four parts of eight, in registers) and multiplies each decoded part with up to four
/// vectors at once, so a batch reads the row once per four vectors; the lanes' partial sums are added with warp
/// shuffles and lane 0 writes. Rows beyond the matrix (the last group's spare warps) return at once — a whole warp
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
            s0 = WarpSum(s0);
            s1 = WarpSum(s1);
            s2 = WarpSum(s2);
            s3 = WarpSum(s3);
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

    /// <summary>The sum of <paramref name="value"/> over the warp, complete in lane 0.</summary>
    private static float WarpSum(float value)
    {
        for (int offset = Warp.WarpSize / 2; offset > 0; offset >>= 1)
            value += Warp.ShuffleDown(value, offset);
        return value;
    }
}
