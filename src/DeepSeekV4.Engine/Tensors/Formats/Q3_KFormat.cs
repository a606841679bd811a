namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// Q3_K (110 bytes / 256): hmask[32] (high bits), qs[64] (low 2 bits), 16 signed 6-bit scales packed in 12 bytes,
/// f16 d. y = d·(sc − 32)·(q − 4·!high).
/// </summary>
public sealed class Q3_KFormat() : BlockFormat(GgmlType.Q3_K)
{
    /// <summary>Scale i (0..15) unpacked, still offset by 32.</summary>
    internal static int Scale(ReadOnlySpan<byte> packed, int i)
    {
        int low = i < 8 ? packed[i] & 0xF : packed[i - 8] >> 4;
        int high = (packed[8 + i % 4] >> (2 * (i / 4))) & 3;
        return low | (high << 4);
    }

    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        var hm = block[..32];
        var scales = block.Slice(96, 12);
        float dAll = ReadHalf(block, 108);
        int o = 0, s = 0, m = 1;
        for (int half = 0; half < 2; half++)
        {
            var q = block.Slice(32 + 32 * half, 32);
            for (int shift = 0; shift < 8; shift += 2)
            {
                for (int part = 0; part < 2; part++)
                {
                    float dl = dAll * (Scale(scales, s++) - 32);
                    for (int l = 16 * part; l < 16 * part + 16; l++)
                        y[o++] = dl * (((q[l] >> shift) & 3) - ((hm[l] & m) != 0 ? 0 : 4));
                }
                m <<= 1;
            }
        }
    }
}
