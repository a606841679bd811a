namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>Q5_0 (22 bytes / 32): f16 d; u32 qh (bit e = 5th bit of element e); nibbles as Q4_0. y = d·(q − 16).</summary>
public sealed class Q5_0Format() : BlockFormat(GgmlType.Q5_0)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = ReadHalf(block, 0);
        uint qh = ReadUInt32(block, 2);
        var qs = block.Slice(6, 16);
        for (int j = 0; j < 16; j++)
        {
            int xh0 = (int)((qh >> j) << 4) & 0x10;
            int xh1 = (int)(qh >> (j + 12)) & 0x10;
            y[j] = (((qs[j] & 0x0F) | xh0) - 16) * d;
            y[j + 16] = (((qs[j] >> 4) | xh1) - 16) * d;
        }
    }

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        var (_, max) = LegacyQuantization.SignedAbsMax(x);
        float d = max / -16;
        float id = d != 0 ? 1.0f / d : 0.0f;
        WriteHalf(block, 0, d);
        uint qh = 0;
        for (int j = 0; j < 16; j++)
        {
            int xi0 = Math.Min(31, LegacyQuantization.TruncateToInt8(x[j] * id + 16.5f));
            int xi1 = Math.Min(31, LegacyQuantization.TruncateToInt8(x[j + 16] * id + 16.5f));
            block[6 + j] = (byte)((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
            qh |= (uint)((xi0 & 0x10) >> 4) << j;
            qh |= (uint)((xi1 & 0x10) >> 4) << (j + 16);
        }
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(block[2..], qh);
    }
}
