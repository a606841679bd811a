using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Decoders;

/// <summary>
/// Q4_K (144 bytes / 256): f16 d, f16 dmin, 12 bytes of 6-bit scale/min pairs, qs[128]. Chunk j of a block is
/// sub-block j: nibbles of qs[32·(j/2) ..] (low for even j, high for odd). w = (d·sc)·q − dmin·m.
/// </summary>
public struct Q4_KDecoder : IWeightDecoder
{
    public readonly Weights8 Decode(WeightTables tables, ArrayView<byte> weights, long row, int chunk, int part, int valid)
    {
        long b = row + 144L * (chunk >> 3);
        int sub = chunk & 7;
        float d = DeviceBytes.F16(weights, b);
        float dmin = DeviceBytes.F16(weights, b + 2);
        long s = b + 4;
        int scale, min;
        if (sub < 4)
        {
            scale = weights[s + sub] & 63;
            min = weights[s + sub + 4] & 63;
        }
        else
        {
            scale = (weights[s + sub + 4] & 0xF) | ((weights[s + sub - 4] >> 6) << 4);
            min = (weights[s + sub + 4] >> 4) | ((weights[s + sub] >> 6) << 4);
        }
        float d1 = d * scale, m1 = dmin * min;
        long q = b + 16 + 32 * (sub >> 1) + 8 * part;
        int shift = (sub & 1) * 4;
        return new(W(weights, q, 0, shift, d1, m1), W(weights, q, 1, shift, d1, m1), W(weights, q, 2, shift, d1, m1), W(weights, q, 3, shift, d1, m1),
                   W(weights, q, 4, shift, d1, m1), W(weights, q, 5, shift, d1, m1), W(weights, q, 6, shift, d1, m1), W(weights, q, 7, shift, d1, m1));
    }

    private static float W(ArrayView<byte> weights, long q, int j, int shift, float d1, float m1) => d1 * ((weights[q + j] >> shift) & 0xF) - m1;
}
