using DeepSeekV4.Engine.Tensors.Tables;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// IQ1_S (50 bytes / 256): f16 d; qs[32] low 8 bits of 11-bit grid indices (one per 8 elements); 8 u16 qh per 32
/// elements: 3 high index bits per 8, a 3-bit scale s (bits 12..14) and the sign of the delta (bit 15).
/// y = d·(2s + 1) · (grid ± 0.125).
/// </summary>
public sealed class Iq1SFormat() : BlockFormat(GgmlType.IQ1_S)
{
    internal const float Delta = 0.125f;

    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        var grid = GgmlTables.Iq1SGrid;
        float d = ReadHalf(block, 0);
        var qs = block.Slice(2, 32);
        for (int ib = 0; ib < 8; ib++)
        {
            int qh = ReadUInt16(block, 34 + 2 * ib);
            float dl = d * (2 * ((qh >> 12) & 7) + 1);
            float delta = (qh & 0x8000) != 0 ? -Delta : Delta;
            for (int l = 0; l < 4; l++)
                WriteGroup(grid[qs[4 * ib + l] | (((qh >> (3 * l)) & 7) << 8)], dl, delta, y.Slice(32 * ib + 8 * l, 8));
        }
    }

    /// <summary>y[j] = scale · (int8 byte j of the grid row + delta).</summary>
    internal static void WriteGroup(ulong gridRow, float scale, float delta, Span<float> y)
    {
        for (int j = 0; j < 8; j++) y[j] = scale * ((sbyte)(gridRow >> (8 * j)) + delta);
    }
}
