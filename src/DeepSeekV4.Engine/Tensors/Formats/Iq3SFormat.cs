using DeepSeekV4.Engine.Tensors.Tables;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// IQ3_S (110 bytes / 256): f16 d; qs[64] low 8 bits of 9-bit grid indices (one per 4 elements); qh[8] (9th bits);
/// signs[32] (one byte per 8 elements); scales[4] (two 4-bit scales per 64). y = d·(1 + 2s) · grid · ±1.
/// </summary>
public sealed class Iq3SFormat() : BlockFormat(GgmlType.IQ3_S)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        var grid = GgmlTables.Iq3SGrid;
        float d = ReadHalf(block, 0);
        var qs = block.Slice(2, 64);
        var qh = block.Slice(66, 8);
        var signs = block.Slice(74, 32);
        var scales = block.Slice(106, 4);
        for (int ib = 0; ib < 8; ib++)
        {
            int sc = scales[ib / 2];
            float db = d * (1 + 2 * ((ib & 1) == 0 ? sc & 0xF : sc >> 4));
            for (int l = 0; l < 4; l++)
            {
                int index1 = qs[8 * ib + 2 * l] | ((qh[ib] << (8 - 2 * l)) & 256);
                int index2 = qs[8 * ib + 2 * l + 1] | ((qh[ib] << (7 - 2 * l)) & 256);
                int s = signs[4 * ib + l];
                var y8 = y.Slice(32 * ib + 8 * l, 8);
                IqGrid.Write(grid[index1], s, db, y8[..4]);
                IqGrid.Write(grid[index2], s >> 4, db, y8[4..]);
            }
        }
    }
}
