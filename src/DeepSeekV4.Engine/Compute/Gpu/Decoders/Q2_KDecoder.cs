using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Decoders;

/// <summary>
/// Q2_K (84 bytes / 256): scales[16] (low nibble scale, high nibble min, per 16 weights), qs[64] of 2-bit codes,
/// f16 d, f16 dmin. Chunk j of a block: half h = j/4 reads qs[32·h ..] shifted by 2·(j%4); its two 16-weight halves
/// use scale bytes 8h + 2(j%4) and the next. w = (d·sc)·q − dmin·m.
/// </summary>
public struct Q2_KDecoder : IWeightDecoder
{
    public readonly Weights8 Decode(WeightTables tables, ArrayView<byte> weights, long row, int chunk, int part, int valid)
    {
        long b = row + 84L * (chunk >> 3);
        int sub = chunk & 7;
        int half = sub >> 2, step = sub & 3, sixteen = part >> 1;
        int sc = weights[b + 8 * half + 2 * step + sixteen];
        float d = DeviceBytes.F16(weights, b + 80);
        float dmin = DeviceBytes.F16(weights, b + 82);
        float dl = d * (sc & 0xF), ml = dmin * (sc >> 4);
        long q = b + 16 + 32 * half + 16 * sixteen + 8 * (part & 1);
        int shift = 2 * step;
        return new(W(weights, q, 0, shift, dl, ml), W(weights, q, 1, shift, dl, ml), W(weights, q, 2, shift, dl, ml), W(weights, q, 3, shift, dl, ml),
                   W(weights, q, 4, shift, dl, ml), W(weights, q, 5, shift, dl, ml), W(weights, q, 6, shift, dl, ml), W(weights, q, 7, shift, dl, ml));
    }

    private static float W(ArrayView<byte> weights, long q, int j, int shift, float dl, float ml) => dl * ((weights[q + j] >> shift) & 3) - ml;
}
