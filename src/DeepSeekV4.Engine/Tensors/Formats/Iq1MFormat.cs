namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// IQ1_M (56 bytes / 256): qs[32] low 8 bits of grid indices; qh[16] (3 high index bits and a delta sign per 8
/// elements); 4 u16 scale words holding two 3-bit scales per 32 elements and, in their top nibbles, the f16 d.
/// y = d·(2s + 1) · (grid ± 0.125).
/// </summary>
public sealed class Iq1MFormat() : BlockFormat(GgmlType.IQ1_M)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        var grid = Tables.GgmlTables.Iq1SGrid;
        var qs = block[..32];
        var qh = block.Slice(32, 16);
        Span<int> sc = [ReadUInt16(block, 48), ReadUInt16(block, 50), ReadUInt16(block, 52), ReadUInt16(block, 54)];
        ushort scaleBits = (ushort)((sc[0] >> 12) | ((sc[1] >> 8) & 0x00F0) | ((sc[2] >> 4) & 0x0F00) | (sc[3] & 0xF000));
        float d = (float)BitConverter.UInt16BitsToHalf(scaleBits);
        for (int ib = 0; ib < 8; ib++)
        {
            float dl1 = d * (2 * ((sc[ib / 2] >> (6 * (ib % 2))) & 7) + 1);
            float dl2 = d * (2 * ((sc[ib / 2] >> (6 * (ib % 2) + 3)) & 7) + 1);
            int h0 = qh[2 * ib], h1 = qh[2 * ib + 1];
            ReadOnlySpan<int> index =
            [
                qs[4 * ib] | ((h0 << 8) & 0x700), qs[4 * ib + 1] | ((h0 << 4) & 0x700),
                qs[4 * ib + 2] | ((h1 << 8) & 0x700), qs[4 * ib + 3] | ((h1 << 4) & 0x700),
            ];
            ReadOnlySpan<float> delta =
            [
                (h0 & 0x08) != 0 ? -Iq1SFormat.Delta : Iq1SFormat.Delta, (h0 & 0x80) != 0 ? -Iq1SFormat.Delta : Iq1SFormat.Delta,
                (h1 & 0x08) != 0 ? -Iq1SFormat.Delta : Iq1SFormat.Delta, (h1 & 0x80) != 0 ? -Iq1SFormat.Delta : Iq1SFormat.Delta,
            ];
            for (int l = 0; l < 4; l++)
                Iq1SFormat.WriteGroup(grid[index[l]], l < 2 ? dl1 : dl2, delta[l], y.Slice(32 * ib + 8 * l, 8));
        }
    }
}
