namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// Q6_K (210 bytes / 256): ql[128] low nibbles, qh[64] high 2-bit pairs, scales[16] int8 (per 16 elements), f16 d.
/// y = (d·sc)·(q − 32), in that order (ggml's; d·(sc·q) differs in the last bit).
/// </summary>
public sealed class Q6_KFormat() : BlockFormat(GgmlType.Q6_K)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = ReadHalf(block, 208);
        for (int half = 0; half < 2; half++)
        {
            var ql = block.Slice(64 * half, 64);
            var qh = block.Slice(128 + 32 * half, 32);
            var sc = block.Slice(192 + 8 * half, 8);
            var yh = y.Slice(128 * half, 128);
            for (int l = 0; l < 32; l++)
            {
                int s = l / 16;
                int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                yh[l] = d * (sbyte)sc[s] * q1;
                yh[l + 32] = d * (sbyte)sc[s + 2] * q2;
                yh[l + 64] = d * (sbyte)sc[s + 4] * q3;
                yh[l + 96] = d * (sbyte)sc[s + 6] * q4;
            }
        }
    }
}
