namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>Q4_1 (20 bytes / 32): f16 d, f16 m; nibbles as Q4_0. y = d·q + m.</summary>
public sealed class Q4_1Format() : BlockFormat(GgmlType.Q4_1)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = ReadHalf(block, 0);
        float m = ReadHalf(block, 2);
        var qs = block.Slice(4, 16);
        for (int j = 0; j < 16; j++)
        {
            y[j] = (qs[j] & 0x0F) * d + m;
            y[j + 16] = (qs[j] >> 4) * d + m;
        }
    }

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        var (min, max) = LegacyQuantization.MinMax(x);
        float d = (max - min) / 15;
        float id = d != 0 ? 1.0f / d : 0.0f;
        WriteHalf(block, 0, d);
        WriteHalf(block, 2, min);
        for (int j = 0; j < 16; j++)
        {
            int xi0 = Math.Min(15, LegacyQuantization.TruncateToInt8((x[j] - min) * id + 0.5f));
            int xi1 = Math.Min(15, LegacyQuantization.TruncateToInt8((x[j + 16] - min) * id + 0.5f));
            block[4 + j] = (byte)(xi0 | (xi1 << 4));
        }
    }
}
