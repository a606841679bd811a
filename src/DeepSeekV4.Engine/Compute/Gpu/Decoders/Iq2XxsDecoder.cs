using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Decoders;

/// <summary>
/// IQ2_XXS (66 bytes / 256): f16 d; per 32 weights (a chunk) two u32: four grid indices (bytes of the first), four
/// 7-bit sign indices and a 4-bit scale s (top bits of the second). Part l uses grid index l and sign index l.
/// w = (d·(0.5 + s)·0.25 · grid byte) · ±1.
/// </summary>
public struct Iq2XxsDecoder : IWeightDecoder
{
    public readonly Weights8 Decode(WeightTables tables, ArrayView<byte> weights, long row, int chunk, int part, int valid)
    {
        long b = row + 66L * (chunk >> 3);
        int ib = chunk & 7;
        float d = DeviceBytes.F16(weights, b);
        uint indices = DeviceBytes.U32(weights, b + 2 + 8 * ib);
        uint aux = DeviceBytes.U32(weights, b + 6 + 8 * ib);
        float db = d * (0.5f + (aux >> 28)) * 0.25f;
        ulong grid = tables.Iq2XxsGrid[(int)((indices >> (8 * part)) & 0xFF)];
        int signs = tables.KSignsIq2Xs[(int)((aux >> (7 * part)) & 127)];
        return new(W(grid, signs, 0, db), W(grid, signs, 1, db), W(grid, signs, 2, db), W(grid, signs, 3, db),
                   W(grid, signs, 4, db), W(grid, signs, 5, db), W(grid, signs, 6, db), W(grid, signs, 7, db));
    }

    private static float W(ulong grid, int signs, int j, float db) => db * (byte)(grid >> (8 * j)) * ((signs >> j & 1) != 0 ? -1f : 1f);
}
