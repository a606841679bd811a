namespace DeepSeekV4.Engine.Tensors;

/// <summary>
/// ggml's reference quantizers, reproduced byte for byte: F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 (the KV-cache
/// formats), Q8_K (the activation partner of K- and i-quants), the K-quants Q2_K…Q6_K (<c>quantize_row_q*_K_ref</c>,
/// what ggml_quantize_chunk does without an importance matrix), and the closed-form Q1_0, Q2_0, TQ1_0, TQ2_0, MXFP4.
/// Not available: the i-quants (they need ggml's grid searches and, for IQ2_XXS/IQ2_XS/IQ1_S, an importance matrix) and NVFP4.
/// </summary>
public static class Quantizer
{
    public static bool CanQuantize(GgmlType type) => Dequantizer.IsSupported(type) && Dequantizer.FormatOf(type).HasQuantizer;

    /// <summary>Encodes <paramref name="source"/> (a multiple of the block size) into <paramref name="destination"/>.</summary>
    public static void QuantizeRow(GgmlType type, ReadOnlySpan<float> source, Span<byte> destination)
    {
        var format = Dequantizer.FormatOf(type);
        if (!format.HasQuantizer) throw new NotSupportedException($"there is no reference quantizer for {format.Info.Name}");
        Dequantizer.CheckLengths(format.Info, source.Length, destination.Length);
        format.Quantize(source, destination);
    }
}
