namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>Q2_0 (18 bytes / 64): f16 d; 2-bit codes, four per byte (LSB first). y = (q − 1)·d.</summary>
public sealed class Q2_0Format() : BlockFormat(GgmlType.Q2_0)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = ReadHalf(block, 0);
        for (int j = 0; j < 64; j++) y[j] = (((block[2 + j / 4] >> (2 * (j % 4))) & 3) - 1) * d;
    }

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        float amax = 0;
        foreach (float v in x)
            if (MathF.Abs(v) > amax) amax = MathF.Abs(v);
        float d = amax;
        float id = d > 0 ? 1.0f / d : 0.0f;
        WriteHalf(block, 0, d);
        block[2..].Clear();
        for (int j = 0; j < 64; j++)
        {
            int q = Math.Clamp((int)RoundAway(x[j] * id) + 1, 0, 3);
            block[2 + j / 4] |= (byte)(q << (2 * (j % 4)));
        }
    }
}
