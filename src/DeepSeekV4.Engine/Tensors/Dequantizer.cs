using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors.Formats;

namespace DeepSeekV4.Engine.Tensors;

/// <summary>
/// Dequantization of rows of any supported ggml type to float32 (ggml's reference semantics, bit for bit), and the one
/// place that maps a type to the code of its format.
/// </summary>
public static class Dequantizer
{
    private static readonly BlockFormat?[] Formats = BuildTable(
    [
        new F32Format(), new F16Format(), new BF16Format(),
        new Q4_0Format(), new Q4_1Format(), new Q5_0Format(), new Q5_1Format(), new Q8_0Format(),
        new Q2_KFormat(), new Q3_KFormat(), new Q4_KFormat(), new Q5_KFormat(), new Q6_KFormat(), new Q8_KFormat(),
        new Iq2XxsFormat(), new Iq2XsFormat(), new Iq2SFormat(), new Iq3XxsFormat(), new Iq3SFormat(),
        new Iq1SFormat(), new Iq1MFormat(), new Iq4NlFormat(), new Iq4XsFormat(),
        new Tq1_0Format(), new Tq2_0Format(), new Mxfp4Format(), new Nvfp4Format(), new Q1_0Format(), new Q2_0Format(),
    ]);

    private static BlockFormat?[] BuildTable(BlockFormat[] formats)
    {
        Kernels.KernelStatics.Initialize(); // before the formats' kernels are first compiled
        var table = new BlockFormat?[formats.Max(f => (int)f.Type) + 1];
        foreach (var f in formats) table[(int)f.Type] = f;
        return table;
    }

    public static bool IsSupported(GgmlType type) => (uint)type < (uint)Formats.Length && Formats[(int)type] != null;

    /// <summary>The format code of <paramref name="type"/>; throws <see cref="NotSupportedException"/> naming the type when there is none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static BlockFormat FormatOf(GgmlType type) =>
        (uint)type < (uint)Formats.Length && Formats[(int)type] is { } format ? format
            : throw new NotSupportedException($"tensor type {Describe(type)} is not supported");

    /// <summary>
    /// Decodes <paramref name="source"/> (whole blocks of <paramref name="type"/>) into <paramref name="destination"/>,
    /// whose length gives the element count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DequantizeRow(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        var format = FormatOf(type);
        CheckLengths(format.Info, destination.Length, source.Length);
        format.Dequantize(source, destination);
    }

    internal static void CheckLengths(GgmlTypeInfo info, int elements, int bytes)
    {
        if (elements % info.BlockSize != 0)
            throw new ArgumentException($"{info.Name}: {elements} elements is not a multiple of the block size {info.BlockSize}");
        long needed = info.RowBytes(elements);
        if (bytes < needed)
            throw new ArgumentException($"{info.Name}: {elements} elements need {needed} bytes, got {bytes}");
    }

    internal static string Describe(GgmlType type) =>
        GgmlTypeInfo.TryGet((uint)type, out var info) ? $"{info.Name} (id {(uint)type})" : $"id {(uint)type}";
}
