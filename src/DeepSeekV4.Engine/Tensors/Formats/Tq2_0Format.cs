namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>TQ2_0 (66 bytes / 256), ternary: qs[64] 2-bit codes (element 32·(4c+l)+m at byte 32c+m, bits 2l), f16 d. y = (q − 1)·d.</summary>
public sealed class Tq2_0Format() : BlockFormat(GgmlType.TQ2_0)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = ReadHalf(block, 64);
        int o = 0;
        for (int c = 0; c < 2; c++)
            for (int l = 0; l < 4; l++)
                for (int m = 0; m < 32; m++) y[o++] = (float)(((block[32 * c + m] >> (2 * l)) & 3) - 1) * d;
    }

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        float d = Tq1_0Format.TernaryScale(x);
        float id = d != 0 ? 1.0f / d : 0.0f;
        WriteHalf(block, 64, d);
        for (int c = 0; c < 2; c++)
            for (int m = 0; m < 32; m++)
            {
                int q = 0;
                for (int n = 0; n < 4; n++) q += (((int)RoundAway(x[128 * c + 32 * n + m] * id) + 1) & 3) << (2 * n);
                block[32 * c + m] = (byte)q;
            }
    }
}
