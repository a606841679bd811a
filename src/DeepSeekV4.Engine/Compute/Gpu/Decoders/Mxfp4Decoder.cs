using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Decoders;

/// <summary>
/// MXFP4 (17 bytes / 32): E8M0 exponent byte e, 16 bytes of E2M1 codes (weight j &lt; 16 is the low nibble of byte j,
/// weight 16 + j the high nibble). w = kvalue·2^(e−128). A chunk is one block.
/// </summary>
public struct Mxfp4Decoder : IWeightDecoder
{
    public readonly Weights8 Decode(WeightTables tables, ArrayView<byte> weights, long row, int chunk, int part, int valid)
    {
        long b = row + 17L * chunk;
        float scale = tables.Mxfp4Scale[(int)weights[b]];
        long q = b + 1 + 8 * (part & 1);
        int shift = (part >> 1) * 4;
        var k = tables.KValuesMxfp4;
        return new(W(weights, k, q, 0, shift, scale), W(weights, k, q, 1, shift, scale), W(weights, k, q, 2, shift, scale), W(weights, k, q, 3, shift, scale),
                   W(weights, k, q, 4, shift, scale), W(weights, k, q, 5, shift, scale), W(weights, k, q, 6, shift, scale), W(weights, k, q, 7, shift, scale));
    }

    private static float W(ArrayView<byte> weights, ArrayView<sbyte> k, long q, int j, int shift, float scale) => k[(weights[q + j] >> shift) & 0xF] * scale;
}
