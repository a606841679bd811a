using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// Decodes stored rows to floats, generic over the row format: output row i ([rows × dim]) is the row in slot
/// (firstSlot + i) mod slotCount of <c>source</c>. One thread per element.
/// </summary>
public static class KvRowDecodeKernel
{
    /// <summary>Implicitly grouped: index.X the element, index.Y the output row.</summary>
    public static void Run<TFormat>(Index2D index, ArrayView<byte> source, ArrayView<float> destination, KvRowShape shape, int firstSlot, int slotCount)
        where TFormat : struct, IKvRowFormat
    {
        int row = index.Y;
        long slot = ((long)firstSlot + row) % slotCount;
        destination[(long)row * shape.Dim + index.X] = default(TFormat).Decode(source, slot * shape.RowBytes, shape, index.X);
    }
}
