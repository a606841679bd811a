namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>The 6-bit scale/min pairs of Q4_K and Q5_K: 8 pairs packed in 12 bytes (ggml's <c>get_scale_min_k4</c>).</summary>
internal static class KQuantScales
{
    public static (int Scale, int Min) Get(ReadOnlySpan<byte> q, int j) => j < 4
        ? (q[j] & 63, q[j + 4] & 63)
        : ((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4));

    /// <summary>
    /// The shared first half of Q4_K/Q5_K reference quantization: per 32 elements a scale/min search (weights
    /// av_x + |x|), 6-bit scale and min codes packed into bytes 4..15, f16 d and dmin at 0 and 2, then the codes
    /// L in [0, nmax] recomputed from the stored scales.
    /// </summary>
    public static void QuantizeScaleMinBlock(ReadOnlySpan<float> x, Span<byte> block, Span<byte> L, int nmax, float rmin, float rdelta, int nstep)
    {
        Span<byte> laux = stackalloc byte[32];
        Span<float> weights = stackalloc float[32];
        Span<float> mins = stackalloc float[8];
        Span<float> scales = stackalloc float[8];
        float maxScale = 0, maxMin = 0;
        for (int j = 0; j < 8; j++)
        {
            var xj = x.Slice(32 * j, 32);
            float sumX2 = 0;
            for (int l = 0; l < 32; l++) sumX2 += xj[l] * xj[l];
            float avX = MathF.Sqrt(sumX2 / 32);
            for (int l = 0; l < 32; l++) weights[l] = avX + MathF.Abs(xj[l]);
            scales[j] = KQuantSearch.MakeQkx2Quants(nmax, xj, weights, L.Slice(32 * j, 32), out mins[j], laux, rmin, rdelta, nstep, false);
            if (scales[j] > maxScale) maxScale = scales[j];
            if (mins[j] > maxMin) maxMin = mins[j];
        }
        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        var packed = block.Slice(4, 12);
        for (int j = 0; j < 8; j++)
        {
            int ls = Math.Min(63, (int)(byte)BlockFormat.NearestInt(invScale * scales[j]));
            int lm = Math.Min(63, (int)(byte)BlockFormat.NearestInt(invMin * mins[j]));
            if (j < 4)
            {
                packed[j] = (byte)ls;
                packed[j + 4] = (byte)lm;
            }
            else
            {
                packed[j + 4] = (byte)((ls & 0xF) | ((lm & 0xF) << 4));
                packed[j - 4] |= (byte)((ls >> 4) << 6);
                packed[j] |= (byte)((lm >> 4) << 6);
            }
        }
        BlockFormat.WriteHalf(block, 0, maxScale / 63f);
        BlockFormat.WriteHalf(block, 2, maxMin / 63f);
        float dAll = BlockFormat.ReadHalf(block, 0);
        float dminAll = BlockFormat.ReadHalf(block, 2);
        for (int j = 0; j < 8; j++)
        {
            var (sc, m) = Get(packed, j);
            float d = dAll * sc;
            if (d == 0) continue;
            float dm = dminAll * m;
            for (int i = 0; i < 32; i++) L[32 * j + i] = (byte)Math.Max(0, Math.Min(nmax, BlockFormat.NearestInt((x[32 * j + i] + dm) / d)));
        }
    }
}
