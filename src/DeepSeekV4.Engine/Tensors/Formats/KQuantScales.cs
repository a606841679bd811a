namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>The 6-bit scale/min pairs of Q4_K and Q5_K: 8 pairs packed in 12 bytes (ggml's <c>get_scale_min_k4</c>).</summary>
internal static class KQuantScales
{
    public static (int Scale, int Min) Get(ReadOnlySpan<byte> q, int j) => j < 4
        ? (q[j] & 63, q[j + 4] & 63)
        : ((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4));
}
