using System.Buffers.Binary;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// ggml's reference Q8_0 / Q4_0 block encoders and decoders for the KV cache, kept here only until Tensors/ provides
/// quantizers for these types (then <see cref="GgmlKvRowCodec"/> switches to them and this file goes).
/// </summary>
internal static class InterimBlockQuantizer
{
    public static void Quantize(GgmlType type, ReadOnlySpan<float> x, Span<byte> y)
    {
        for (int b = 0; b < x.Length / 32; b++)
        {
            var block = x.Slice(b * 32, 32);
            if (type == GgmlType.Q8_0) QuantizeQ8_0(block, y.Slice(b * 34, 34));
            else if (type == GgmlType.Q4_0) QuantizeQ4_0(block, y.Slice(b * 18, 18));
            else throw new NotSupportedException($"no KV-cache quantizer for {type}");
        }
    }

    public static void Dequantize(GgmlType type, ReadOnlySpan<byte> x, Span<float> y)
    {
        for (int b = 0; b < y.Length / 32; b++)
        {
            var block = y.Slice(b * 32, 32);
            if (type == GgmlType.Q8_0)
            {
                var src = x.Slice(b * 34, 34);
                float d = FloatFormats.HalfToFloat(BinaryPrimitives.ReadUInt16LittleEndian(src));
                for (int i = 0; i < 32; i++) block[i] = (sbyte)src[2 + i] * d;
            }
            else if (type == GgmlType.Q4_0)
            {
                var src = x.Slice(b * 18, 18);
                float d = FloatFormats.HalfToFloat(BinaryPrimitives.ReadUInt16LittleEndian(src));
                for (int i = 0; i < 16; i++)
                {
                    block[i] = ((src[2 + i] & 0xF) - 8) * d;
                    block[i + 16] = ((src[2 + i] >> 4) - 8) * d;
                }
            }
            else throw new NotSupportedException($"no KV-cache dequantizer for {type}");
        }
    }

    private static void QuantizeQ8_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        float amax = 0;
        for (int i = 0; i < 32; i++) amax = MathF.Max(amax, MathF.Abs(x[i]));
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        BinaryPrimitives.WriteUInt16LittleEndian(y, FloatFormats.FloatToHalf(d));
        for (int i = 0; i < 32; i++) y[2 + i] = (byte)(sbyte)MathF.Round(x[i] * id, MidpointRounding.AwayFromZero);
    }

    private static void QuantizeQ4_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        float amax = 0, max = 0;
        for (int i = 0; i < 32; i++)
        {
            if (amax < MathF.Abs(x[i]))
            {
                amax = MathF.Abs(x[i]);
                max = x[i];
            }
        }
        float d = max / -8f;
        float id = d != 0 ? 1f / d : 0f;
        BinaryPrimitives.WriteUInt16LittleEndian(y, FloatFormats.FloatToHalf(d));
        for (int i = 0; i < 16; i++)
        {
            int q0 = Math.Min(15, (int)(sbyte)(x[i] * id + 8.5f));
            int q1 = Math.Min(15, (int)(sbyte)(x[i + 16] * id + 8.5f));
            y[2 + i] = (byte)(q0 | (q1 << 4));
        }
    }
}
