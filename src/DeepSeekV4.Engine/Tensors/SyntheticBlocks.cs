namespace DeepSeekV4.Engine.Tensors;

/// <summary>
/// Seeded, valid blocks of any supported type for benchmarks and kernel tests: Gaussian values through the reference
/// quantizer where there is one, otherwise random block bytes kept only when the block decodes to finite values of
/// magnitude ≤ 64 (so every code, sign and grid index is exercised).
/// </summary>
public static class SyntheticBlocks
{
    public static void Fill(GgmlType type, Span<byte> destination, Random random)
    {
        var format = Dequantizer.FormatOf(type);
        var info = format.Info;
        if (destination.Length % info.BytesPerBlock != 0)
            throw new ArgumentException($"{info.Name}: {destination.Length} bytes is not a whole number of {info.BytesPerBlock}-byte blocks");
        int blocks = destination.Length / info.BytesPerBlock;
        Span<float> values = stackalloc float[info.BlockSize];
        for (int b = 0; b < blocks; b++)
        {
            var block = destination.Slice(b * info.BytesPerBlock, info.BytesPerBlock);
            if (format.HasQuantizer)
            {
                float scale = (float)Math.Exp(random.NextDouble() * 4 - 3);
                for (int i = 0; i < values.Length; i++) values[i] = scale * Gaussian(random);
                format.Quantize(values, block);
                continue;
            }
            do random.NextBytes(block);
            while (!Acceptable(format, block, values));
        }
    }

    private static bool Acceptable(Formats.BlockFormat format, ReadOnlySpan<byte> block, Span<float> values)
    {
        format.Dequantize(block, values);
        foreach (float v in values)
            if (!float.IsFinite(v) || Math.Abs(v) > 64) return false;
        return true;
    }

    public static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
