using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>Q8_0 rows (34 bytes per 32): ggml's reference quantizer — d = amax/127 as f16, q = round-away(x/d). A unit is a block.</summary>
public struct Q8_0KvRowFormat : IKvRowFormat
{
    public readonly int Units(KvRowShape shape) => shape.Dim / 32;

    public readonly void EncodeUnit(ArrayView<float> source, long sourceOffset, ArrayView<byte> rows, long rowOffset, KvRowShape shape, int unit)
    {
        long x = sourceOffset + 32L * unit, block = rowOffset + 34L * unit;
        float amax = 0f;
        for (int j = 0; j < 32; j++)
        {
            float a = DeviceRounding.Abs(source[x + j]);
            amax = amax > a ? amax : a;
        }
        float d = amax / 127f;
        float id = d != 0f ? 1f / d : 0f;
        PlainKvRowFormat.Write16(rows, block, DeviceRounding.FloatToHalf(d));
        for (int j = 0; j < 32; j++)
            rows[block + 2 + j] = (byte)DeviceRounding.TruncateToInt8(DeviceRounding.RoundAwayFromZero(source[x + j] * id));
    }

    public readonly float Decode(ArrayView<byte> rows, long rowOffset, KvRowShape shape, int index)
    {
        long block = rowOffset + 34L * (index / 32);
        return (sbyte)rows[block + 2 + index % 32] * DeviceBytes.F16(rows, block);
    }
}
