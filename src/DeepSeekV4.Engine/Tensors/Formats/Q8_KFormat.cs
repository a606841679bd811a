using System.Buffers.Binary;

namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>
/// Q8_K (292 bytes / 256): f32 d, 256 int8, 16 int16 sums of each 16 quants. y = d·q. The activation partner of the
/// K- and i-quants; ggml has no GGUF use for it.
/// </summary>
public sealed class Q8_KFormat() : BlockFormat(GgmlType.Q8_K)
{
    protected override void DequantizeBlock(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = BinaryPrimitives.ReadSingleLittleEndian(block);
        for (int j = 0; j < 256; j++) y[j] = d * (sbyte)block[4 + j];
    }

    public override bool HasQuantizer => true;

    protected override void QuantizeBlock(ReadOnlySpan<float> x, Span<byte> block)
    {
        float max = 0, amax = 0;
        foreach (float v in x)
        {
            float ax = MathF.Abs(v);
            if (ax > amax)
            {
                amax = ax;
                max = v;
            }
        }
        if (amax == 0)
        {
            block.Clear();
            return;
        }
        float iscale = -127f / max;
        for (int j = 0; j < 256; j++) block[4 + j] = (byte)(sbyte)Math.Min(127, NearestInt(iscale * x[j]));
        for (int g = 0; g < 16; g++)
        {
            int sum = 0;
            for (int i = 0; i < 16; i++) sum += (sbyte)block[4 + 16 * g + i];
            BinaryPrimitives.WriteInt16LittleEndian(block[(260 + 2 * g)..], (short)sum);
        }
        BinaryPrimitives.WriteSingleLittleEndian(block, 1 / iscale);
    }
}
