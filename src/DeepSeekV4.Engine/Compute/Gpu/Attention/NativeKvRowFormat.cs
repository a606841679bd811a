using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// The model's own K=V row (KvCache/NativeKvRowCodec): the non-rotary dims as FP8 e4m3 codes with one UE8M0 scale byte
/// per 64, the scale bytes padded to an even count, then the rotary dims as BF16. Units: one per scale block, and a
/// last one for the padding and the rotary tail.
/// </summary>
public struct NativeKvRowFormat : IKvRowFormat
{
    private const int Block = 64;

    public readonly int Units(KvRowShape shape) => (shape.Dim - shape.RopeDim) / Block + 1;

    public readonly void EncodeUnit(ArrayView<float> source, long sourceOffset, ArrayView<byte> rows, long rowOffset, KvRowShape shape, int unit)
    {
        int nope = shape.Dim - shape.RopeDim, scales = nope / Block;
        if (unit < scales)
        {
            long first = sourceOffset + unit * Block;
            float amax = 0f;
            for (int i = 0; i < Block; i++)
            {
                float a = DeviceRounding.Abs(source[first + i]);
                if (a > amax || DeviceRounding.IsNaN(a)) amax = a;
                if (DeviceRounding.IsNaN(amax)) break;
            }
            int k = DeviceFp8E4M3.ScaleExponent(amax);
            long codes = rowOffset + unit * Block;
            for (int i = 0; i < Block; i++) rows[codes + i] = (byte)DeviceFp8E4M3.Encode(DeviceRounding.ScaleB(source[first + i], -k));
            rows[rowOffset + nope + unit] = (byte)(k + 127);
            return;
        }
        int ropeOffset = RopeOffset(nope);
        for (int o = nope + scales; o < ropeOffset; o++) rows[rowOffset + o] = 0;
        for (int i = 0; i < shape.RopeDim; i++)
        {
            uint bits = DeviceRounding.FloatToBF16(source[sourceOffset + nope + i]);
            long o = rowOffset + ropeOffset + 2 * i;
            rows[o] = (byte)bits;
            rows[o + 1] = (byte)(bits >> 8);
        }
    }

    public readonly float Decode(ArrayView<byte> rows, long rowOffset, KvRowShape shape, int index)
    {
        int nope = shape.Dim - shape.RopeDim;
        if (index < nope)
            return DeviceFp8E4M3.Decode(rows[rowOffset + index]) * DeviceRounding.Ue8M0Scale(rows[rowOffset + nope + index / Block]);
        return DeviceBytes.BF16(rows, rowOffset + RopeOffset(nope) + 2 * (index - nope));
    }

    private static int RopeOffset(int nope) => nope + ((nope / Block + 1) & ~1);
}
