using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>BF16 rows: the upper 16 bits of each float, rounded to nearest even as ggml does.</summary>
public struct BF16KvRowFormat : IKvRowFormat
{
    public readonly int Units(KvRowShape shape) => PlainKvRowFormat.Units(shape);

    public readonly void EncodeUnit(ArrayView<float> source, long sourceOffset, ArrayView<byte> rows, long rowOffset, KvRowShape shape, int unit)
    {
        for (int i = unit * PlainKvRowFormat.Run, end = PlainKvRowFormat.RunEnd(shape, unit); i < end; i++)
            PlainKvRowFormat.Write16(rows, rowOffset + 2 * i, DeviceRounding.FloatToBF16(source[sourceOffset + i]));
    }

    public readonly float Decode(ArrayView<byte> rows, long rowOffset, KvRowShape shape, int index) => DeviceBytes.BF16(rows, rowOffset + 2 * index);
}
