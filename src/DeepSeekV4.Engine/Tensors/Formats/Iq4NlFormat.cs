using DeepSeekV4.Engine.Tensors.Tables;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>IQ4_NL (18 bytes / 32): f16 d; nibbles as Q4_0, indices into the non-linear codebook. y = d·kvalues[q].</summary>
public sealed class Iq4NlFormat() : BlockFormat(GgmlType.IQ4_NL)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y) =>
        WriteNibbles(block.Slice(2, 16), ReadHalf(block, 0), y);

    /// <summary>y[j] = scale·kvalues[low nibble j], y[j+16] = scale·kvalues[high nibble j].</summary>
    internal static void WriteNibbles(ReadOnlySpan<byte> qs, float scale, Span<float> y)
    {
        var k = GgmlTables.KValuesIq4Nl;
        for (int j = 0; j < 16; j++)
        {
            y[j] = scale * k[qs[j] & 0xF];
            y[j + 16] = scale * k[qs[j] >> 4];
        }
    }
}
