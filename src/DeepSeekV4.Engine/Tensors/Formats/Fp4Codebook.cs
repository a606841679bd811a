using DeepSeekV4.Engine.Tensors.Tables;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>The E2M1 (FP4) codebook shared by MXFP4 and NVFP4, stored doubled as int8 (ggml's <c>kvalues_mxfp4</c>).</summary>
internal static class Fp4Codebook
{
    /// <summary>y[j] = kvalues[low nibble j]·scale, y[j + half] = kvalues[high nibble j]·scale.</summary>
    public static void WriteNibbles(ReadOnlySpan<byte> qs, float scale, Span<float> y)
    {
        var k = GgmlTables.KValuesMxfp4;
        int half = qs.Length;
        for (int j = 0; j < half; j++)
        {
            y[j] = k[qs[j] & 0xF] * scale;
            y[j + half] = k[qs[j] >> 4] * scale;
        }
    }

    /// <summary>ggml's <c>best_index_mxfp4</c>: the first code whose |kvalue·e − x| is smallest.</summary>
    public static int BestIndex(float x, float e)
    {
        var k = GgmlTables.KValuesMxfp4;
        int best = 0;
        float bestErr = MathF.Abs(k[0] * e - x);
        for (int i = 1; i < 16; i++)
        {
            float err = MathF.Abs(k[i] * e - x);
            if (err < bestErr)
            {
                best = i;
                bestErr = err;
            }
        }
        return best;
    }
}
