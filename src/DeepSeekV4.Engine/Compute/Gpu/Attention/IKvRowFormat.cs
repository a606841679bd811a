using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// A cache row format on the device (an empty struct; kernels are generic over it and call <c>default(TFormat)</c>).
/// A row is encoded as independent units — a scale block, or a run of plain elements — one thread each, bit for bit
/// as the CPU codec (KvCache/KvRowCodec) encodes it; decoding reads any single element.
/// </summary>
public interface IKvRowFormat
{
    /// <summary>Units a row is encoded in.</summary>
    int Units(KvRowShape shape);

    /// <summary>Encodes unit <paramref name="unit"/> of the row at <paramref name="source"/>[<paramref name="sourceOffset"/>…] into the row at <paramref name="rows"/>[<paramref name="rowOffset"/>…].</summary>
    void EncodeUnit(ArrayView<float> source, long sourceOffset, ArrayView<byte> rows, long rowOffset, KvRowShape shape, int unit);

    /// <summary>Element <paramref name="index"/> of the row stored at <paramref name="rows"/>[<paramref name="rowOffset"/>…].</summary>
    float Decode(ArrayView<byte> rows, long rowOffset, KvRowShape shape, int index);
}
