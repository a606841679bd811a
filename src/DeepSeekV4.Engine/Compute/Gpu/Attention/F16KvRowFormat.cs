using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>F16 rows: binary16, narrowed to nearest even; widened exactly, NaNs made quiet as the CPU's widening does.</summary>
public struct F16KvRowFormat : IKvRowFormat
{
    public readonly int Units(KvRowShape shape) => PlainKvRowFormat.Units(shape);

    public readonly void EncodeUnit(ArrayView<float> source, long sourceOffset, ArrayView<byte> rows, long rowOffset, KvRowShape shape, int unit)
    {
        for (int i = unit * PlainKvRowFormat.Run, end = PlainKvRowFormat.RunEnd(shape, unit); i < end; i++)
            PlainKvRowFormat.Write16(rows, rowOffset + 2 * i, DeviceRounding.FloatToHalf(source[sourceOffset + i]));
    }

    public readonly float Decode(ArrayView<byte> rows, long rowOffset, KvRowShape shape, int index)
    {
        float v = DeviceBytes.F16(rows, rowOffset + 2 * index);
        return DeviceRounding.IsNaN(v) ? Interop.IntAsFloat(Interop.FloatAsInt(v) | 0x00400000u) : v;
    }
}
