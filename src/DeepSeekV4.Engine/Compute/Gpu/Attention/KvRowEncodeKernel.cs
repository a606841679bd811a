using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// Encodes rows into a cache store, generic over the row format: source row i ([rows × dim] floats) goes to slot
/// (firstSlot + i) mod slotCount of <c>destination</c> (slot s at s·rowBytes) — a ring when slotCount is its rows,
/// appended rows when firstSlot is the count held and slotCount the capacity. One thread per (unit, row).
/// </summary>
public static class KvRowEncodeKernel
{
    /// <summary>Implicitly grouped: index.X the unit, index.Y the source row.</summary>
    public static void Run<TFormat>(Index2D index, ArrayView<float> source, ArrayView<byte> destination, KvRowShape shape, int firstSlot, int slotCount)
        where TFormat : struct, IKvRowFormat
    {
        int row = index.Y;
        long slot = ((long)firstSlot + row) % slotCount;
        default(TFormat).EncodeUnit(source, (long)row * shape.Dim, destination, slot * shape.RowBytes, shape, index.X);
    }
}
