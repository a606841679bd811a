namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>Q5_1 (24 bytes / 32): f16 d, f16 m; u32 qh; nibbles. y = d·q + m.</summary>
public sealed class Q5_1Format() : BlockFormat(GgmlType.Q5_1)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = ReadHalf(block, 0);
        float m = ReadHalf(block, 2);
        uint qh = ReadUInt32(block, 4);
        var qs = block.Slice(8, 16);
        for (int j = 0; j < 16; j++)
        {
            int xh0 = (int)((qh >> j) << 4) & 0x10;
            int xh1 = (int)(qh >> (j + 12)) & 0x10;
            y[j] = ((qs[j] & 0x0F) | xh0) * d + m;
            y[j + 16] = ((qs[j] >> 4) | xh1) * d + m;
        }
    }

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        var (min, max) = LegacyQuantization.MinMax(x);
        float d = (max - min) / 31;
        float id = d != 0 ? 1.0f / d : 0.0f;
        WriteHalf(block, 0, d);
        WriteHalf(block, 2, min);
        uint qh = 0;
        for (int j = 0; j < 16; j++)
        {
            int xi0 = LegacyQuantization.TruncateToUInt8((x[j] - min) * id + 0.5f);
            int xi1 = LegacyQuantization.TruncateToUInt8((x[j + 16] - min) * id + 0.5f);
            block[8 + j] = (byte)((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
            qh |= (uint)((xi0 & 0x10) >> 4) << j;
            qh |= (uint)((xi1 & 0x10) >> 4) << (j + 16);
        }
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(block[4..], qh);
    }
}
