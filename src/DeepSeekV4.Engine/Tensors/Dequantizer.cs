namespace DeepSeekV4.Engine.Tensors;

/// <summary>Dequantization of one row of any supported ggml type to float32 (ggml's reference semantics).</summary>
public static class Dequantizer
{
    public static bool IsSupported(GgmlType type) => type switch
    {
        GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 => true,
        _ => false,
    };

    /// <summary>
    /// Decodes <paramref name="source"/> (whole blocks of <paramref name="type"/>) into <paramref name="destination"/>,
    /// whose length gives the element count.
    /// </summary>
    public static void DequantizeRow(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        var info = GgmlTypeInfo.Of(type);
        if (destination.Length % info.BlockSize != 0)
            throw new ArgumentException($"{info.Name}: {destination.Length} elements is not a multiple of the block size {info.BlockSize}");
        long needed = info.RowBytes(destination.Length);
        if (source.Length < needed)
            throw new ArgumentException($"{info.Name}: {destination.Length} elements need {needed} bytes, got {source.Length}");
        switch (type)
        {
            case GgmlType.F32: FloatFormats.DecodeF32(source, destination); break;
            case GgmlType.F16: FloatFormats.DecodeF16(source, destination); break;
            case GgmlType.BF16: FloatFormats.DecodeBF16(source, destination); break;
            default: throw new NotSupportedException($"dequantization of {info.Name} is not supported");
        }
    }
}
