using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// The model's own indexer key (KvCache/NativeIndexerKeyCodec): FP4 e2m1 codes packed two per byte (the even element in
/// the low nibble), then one UE8M0 scale byte per 32 values. A unit is one scale block.
/// </summary>
public struct NativeIndexerKeyFormat : IKvRowFormat
{
    private const int Block = 32;

    public readonly int Units(KvRowShape shape) => shape.Dim / Block;

    public readonly void EncodeUnit(ArrayView<float> source, long sourceOffset, ArrayView<byte> rows, long rowOffset, KvRowShape shape, int unit)
    {
        long first = sourceOffset + unit * Block;
        float amax = 0f;
        for (int i = 0; i < Block; i++)
        {
            float a = DeviceRounding.Abs(source[first + i]);
            if (a > amax || DeviceRounding.IsNaN(a)) amax = a;
            if (DeviceRounding.IsNaN(amax)) break;
        }
        int k = DeviceFp4E2M1.ScaleExponent(amax);
        long packed = rowOffset + unit * (Block / 2);
        for (int i = 0; i < Block; i += 2)
        {
            uint low = DeviceFp4E2M1.Encode(DeviceRounding.ScaleB(source[first + i], -k));
            uint high = DeviceFp4E2M1.Encode(DeviceRounding.ScaleB(source[first + i + 1], -k));
            rows[packed + i / 2] = (byte)(low | high << 4);
        }
        rows[rowOffset + shape.Dim / 2 + unit] = (byte)(k + 127);
    }

    public readonly float Decode(ArrayView<byte> rows, long rowOffset, KvRowShape shape, int index)
    {
        uint b = rows[rowOffset + index / 2];
        uint code = (index & 1) == 0 ? b & 0xFu : b >> 4;
        return DeviceFp4E2M1.Decode(code) * DeviceRounding.Ue8M0Scale(rows[rowOffset + shape.Dim / 2 + index / Block]);
    }
}
