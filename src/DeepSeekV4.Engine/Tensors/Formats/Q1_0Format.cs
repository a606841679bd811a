namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>Q1_0 (18 bytes / 128): f16 d; one sign bit per element (LSB first). y = bit ? d : −d.</summary>
public sealed class Q1_0Format() : BlockFormat(GgmlType.Q1_0)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = ReadHalf(block, 0);
        float negD = -d;
        for (int j = 0; j < 128; j++) y[j] = ((block[2 + j / 8] >> (j % 8)) & 1) != 0 ? d : negD;
    }

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        float sumAbs = 0;
        foreach (float v in x) sumAbs += MathF.Abs(v);
        WriteHalf(block, 0, sumAbs / 128);
        block[2..].Clear();
        for (int j = 0; j < 128; j++)
            if (x[j] >= 0) block[2 + j / 8] |= (byte)(1 << (j % 8));
    }
}
