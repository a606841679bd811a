namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>The inner step of ggml's 2- and 3-bit i-quant decoders: scale · grid byte · sign, in that order.</summary>
internal static class IqGrid
{
    /// <summary>y[j] = (scale · byte j of <paramref name="gridRow"/>) · (bit j of <paramref name="signs"/> ? −1 : +1), j &lt; y.Length.</summary>
    public static void Write(ulong gridRow, int signs, float scale, Span<float> y)
    {
        for (int j = 0; j < y.Length; j++)
            y[j] = scale * (byte)(gridRow >> (8 * j)) * ((signs >> j & 1) != 0 ? -1f : 1f);
    }
}
