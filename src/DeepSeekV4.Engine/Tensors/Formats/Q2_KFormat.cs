namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// Q2_K (84 bytes / 256): scales[16] (low nibble scale, high nibble min, per 16 elements), qs[64] 2-bit codes,
/// f16 d, f16 dmin. y = d·sc·q − dmin·m.
/// </summary>
public sealed class Q2_KFormat() : BlockFormat(GgmlType.Q2_K)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        var scales = block[..16];
        float d = ReadHalf(block, 80);
        float min = ReadHalf(block, 82);
        int o = 0, s = 0;
        for (int half = 0; half < 2; half++)
        {
            var q = block.Slice(16 + 32 * half, 32);
            for (int shift = 0; shift < 8; shift += 2)
            {
                for (int part = 0; part < 2; part++)
                {
                    int sc = scales[s++];
                    float dl = d * (sc & 0xF), ml = min * (sc >> 4);
                    for (int l = 0; l < 16; l++) y[o++] = dl * ((q[16 * part + l] >> shift) & 3) - ml;
                }
            }
        }
    }
}
