using DeepSeekV4.Engine.Tensors.Tables;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// TQ1_0 (54 bytes / 256), ternary: qs[48] hold 5 trits per byte (as a fixed-point fraction of 3^5), qh[4] hold 4,
/// then f16 d. Trit t of byte q is ((q·3^t mod 256)·3) >> 8; y = (t − 1)·d.
/// </summary>
public sealed class Tq1_0Format() : BlockFormat(GgmlType.TQ1_0)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        var pow3 = GgmlTables.Tq1Pow3;
        float d = ReadHalf(block, 52);
        int o = 0;
        for (int n = 0; n < 5; n++)
            for (int m = 0; m < 32; m++) y[o++] = Trit(block[m], pow3[n]) * d;
        for (int n = 0; n < 5; n++)
            for (int m = 0; m < 16; m++) y[o++] = Trit(block[32 + m], pow3[n]) * d;
        for (int n = 0; n < 4; n++)
            for (int j = 0; j < 4; j++) y[o++] = Trit(block[48 + j], pow3[n]) * d;
    }

    /// <summary>The trit selected by <paramref name="power"/> = 3^n, minus one.</summary>
    private static float Trit(byte packed, byte power) => (float)((((byte)(packed * power) * 3) >> 8) - 1);

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        float d = TernaryScale(x);
        float id = d != 0 ? 1.0f / d : 0.0f;
        WriteHalf(block, 52, d);
        for (int m = 0; m < 32; m++) block[m] = Pack(x[m..], 32, 5, id);
        for (int m = 0; m < 16; m++) block[32 + m] = Pack(x[(160 + m)..], 16, 5, id);
        for (int j = 0; j < 4; j++) block[48 + j] = Pack(x[(240 + j)..], 4, 4, id, shiftToTop: true);
    }

    internal static float TernaryScale(ReadOnlySpan<float> x)
    {
        float amax = 0;
        foreach (float v in x) amax = amax > MathF.Abs(v) ? amax : MathF.Abs(v);
        return amax;
    }

    /// <summary>Trits of x[0], x[stride], … (most significant first), as ggml's ceiling fraction of 3^5.</summary>
    private static byte Pack(ReadOnlySpan<float> x, int stride, int count, float id, bool shiftToTop = false)
    {
        int q = 0;
        for (int n = 0; n < count; n++) q = (byte)(q * 3 + (int)RoundAway(x[n * stride] * id) + 1);
        if (shiftToTop) q = (byte)(q * 3);
        return (byte)((q * 256 + (243 - 1)) / 243);
    }
}
