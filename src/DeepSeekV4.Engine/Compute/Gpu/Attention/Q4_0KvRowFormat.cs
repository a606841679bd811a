using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// Q4_0 rows (18 bytes per 32): ggml's reference quantizer — d = (signed value of largest magnitude)/−8 as f16,
/// q = min(15, (int8)(x/d + 8.5)), byte j holding elements j (low nibble) and j + 16. A unit is a block.
/// </summary>
public struct Q4_0KvRowFormat : IKvRowFormat
{
    public readonly int Units(KvRowShape shape) => shape.Dim / 32;

    public readonly void EncodeUnit(ArrayView<float> source, long sourceOffset, ArrayView<byte> rows, long rowOffset, KvRowShape shape, int unit)
    {
        long x = sourceOffset + 32L * unit, block = rowOffset + 18L * unit;
        float amax = 0f, max = 0f;
        for (int j = 0; j < 32; j++)
        {
            float v = source[x + j];
            if (amax < DeviceRounding.Abs(v))
            {
                amax = DeviceRounding.Abs(v);
                max = v;
            }
        }
        float d = max / -8f;
        float id = d != 0f ? 1f / d : 0f;
        PlainKvRowFormat.Write16(rows, block, DeviceRounding.FloatToHalf(d));
        for (int j = 0; j < 16; j++)
        {
            int low = Nibble(DeviceRounding.MultiplyRounded(source[x + j], id));
            int high = Nibble(DeviceRounding.MultiplyRounded(source[x + j + 16], id));
            rows[block + 2 + j] = (byte)(low | high << 4);
        }
    }

    // (x·id rounded) + 8.5, truncated and capped at 15.
    private static int Nibble(float scaled)
    {
        int q = DeviceRounding.TruncateToInt8(scaled + 8.5f);
        return q < 15 ? q : 15;
    }

    public readonly float Decode(ArrayView<byte> rows, long rowOffset, KvRowShape shape, int index)
    {
        long block = rowOffset + 18L * (index / 32);
        int j = index % 32;
        uint b = rows[block + 2 + (j & 15)];
        int q = (int)(j < 16 ? b & 0xFu : b >> 4);
        return (q - 8) * DeviceBytes.F16(rows, block);
    }
}
