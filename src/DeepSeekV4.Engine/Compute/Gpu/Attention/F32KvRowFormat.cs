using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>F32 rows: the floats' bits, little-endian.</summary>
public struct F32KvRowFormat : IKvRowFormat
{
    public readonly int Units(KvRowShape shape) => PlainKvRowFormat.Units(shape);

    public readonly void EncodeUnit(ArrayView<float> source, long sourceOffset, ArrayView<byte> rows, long rowOffset, KvRowShape shape, int unit)
    {
        for (int i = unit * PlainKvRowFormat.Run, end = PlainKvRowFormat.RunEnd(shape, unit); i < end; i++)
        {
            uint bits = Interop.FloatAsInt(source[sourceOffset + i]);
            PlainKvRowFormat.Write16(rows, rowOffset + 4 * i, bits & 0xFFFFu);
            PlainKvRowFormat.Write16(rows, rowOffset + 4 * i + 2, bits >> 16);
        }
    }

    public readonly float Decode(ArrayView<byte> rows, long rowOffset, KvRowShape shape, int index) => DeviceBytes.F32(rows, rowOffset + 4 * index);
}
