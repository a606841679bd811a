using DeepSeekV4.Engine.Tensors.Tables;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// IQ2_S (82 bytes / 256): f16 d; qs[32] low 8 bits of 10-bit grid indices; signs[32] (one byte per 8 elements);
/// qh[8] (2 high index bits per 8 elements); scales[8] (two 4-bit scales per 32). y = d·(0.5 + s)·0.25 · grid · ±1.
/// </summary>
public sealed class Iq2SFormat() : BlockFormat(GgmlType.IQ2_S)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        var grid = GgmlTables.Iq2SGrid;
        float d = ReadHalf(block, 0);
        var qs = block.Slice(2, 32);
        var signs = block.Slice(34, 32);
        var qh = block.Slice(66, 8);
        var scales = block.Slice(74, 8);
        for (int ib = 0; ib < 8; ib++)
        {
            float db0 = d * (0.5f + (scales[ib] & 0xF)) * 0.25f;
            float db1 = d * (0.5f + (scales[ib] >> 4)) * 0.25f;
            for (int l = 0; l < 4; l++)
            {
                int index = qs[4 * ib + l] | ((qh[ib] << (8 - 2 * l)) & 0x300);
                IqGrid.Write(grid[index], signs[4 * ib + l], l < 2 ? db0 : db1, y.Slice(32 * ib + 8 * l, 8));
            }
        }
    }
}
