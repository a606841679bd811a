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

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        Span<sbyte> L = stackalloc sbyte[256];
        Span<float> scales = stackalloc float[16];
        float maxScale = 0, amax = 0;
        for (int j = 0; j < 16; j++)
        {
            scales[j] = KQuantSearch.MakeQ3Quants(4, x.Slice(16 * j, 16), L.Slice(16 * j, 16));
            float scale = MathF.Abs(scales[j]);
            if (scale > amax)
            {
                amax = scale;
                maxScale = scales[j];
            }
        }
        var packed = block.Slice(96, 12);
        packed.Clear();
        if (maxScale != 0)
        {
            float iscale = -32f / maxScale;
            for (int j = 0; j < 16; j++)
            {
                int l = Math.Max(-32, Math.Min(31, (int)(sbyte)NearestInt(iscale * scales[j]))) + 32;
                if (j < 8) packed[j] = (byte)(l & 0xF);
                else packed[j - 8] |= (byte)((l & 0xF) << 4);
                packed[8 + j % 4] |= (byte)((l >> 4) << (2 * (j / 4)));
            }
            WriteHalf(block, 108, 1 / iscale);
        }
        else WriteHalf(block, 108, 0f);
        float dAll = ReadHalf(block, 108);
        for (int j = 0; j < 16; j++)
        {
            float d = dAll * (Scale(packed, j) - 32);
            if (d == 0) continue;
            for (int i = 0; i < 16; i++) L[16 * j + i] = (sbyte)(Math.Max(-4, Math.Min(3, NearestInt(x[16 * j + i] / d))) + 4);
        }
        var hmask = block[..32];
        hmask.Clear();
        Span<byte> low = stackalloc byte[256];
        for (int j = 0; j < 256; j++)
        {
            int l = L[j];
            if (l > 3)
            {
                hmask[j % 32] |= (byte)(1 << (j / 32));
                l -= 4;
            }
            low[j] = (byte)l;
        }
        KQuantSearch.Pack2Bit(low, block.Slice(32, 64));
    }
}
