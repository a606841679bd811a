namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>Pinned copies of the ggml tables the i-quant kernels index with raw pointers (no bounds checks in the hot loops).</summary>
internal static unsafe class IqTables
{
    private static readonly List<object> Keep = []; // first: static fields initialize in order

    public static readonly ulong* Iq2XxsGrid = Pin(Tables.GgmlTables.Iq2XxsGrid);
    public static readonly ulong* Iq2XsGrid = Pin(Tables.GgmlTables.Iq2XsGrid);
    public static readonly uint* Iq3XxsGrid = Pin(Tables.GgmlTables.Iq3XxsGrid);
    public static readonly ulong* KSigns64 = Pin(Tables.GgmlTables.KSigns64);
    public static readonly byte* KSigns = Pin(Tables.GgmlTables.KSignsIq2Xs);
    public static readonly sbyte* KValuesIq4Nl = Pin(Tables.GgmlTables.KValuesIq4Nl);

    private static T* Pin<T>(T[] table) where T : unmanaged
    {
        var pinned = GC.AllocateUninitializedArray<T>(table.Length, pinned: true);
        table.CopyTo(pinned, 0);
        Keep.Add(pinned);
        fixed (T* p = pinned) return p;
    }
}
