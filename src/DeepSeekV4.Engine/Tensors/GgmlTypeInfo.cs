using System.Collections.Frozen;

namespace DeepSeekV4.Engine.Tensors;

/// <summary>One row of the ggml type table: name, elements per block and bytes per block.</summary>
public sealed record GgmlTypeInfo(GgmlType Type, string Name, int BlockSize, int BytesPerBlock)
{
    public double BitsPerWeight => BytesPerBlock * 8.0 / BlockSize;

    /// <summary>Bytes of a row of <paramref name="elements"/> values; the count must be a multiple of the block size.</summary>
    public long RowBytes(long elements) => elements / BlockSize * BytesPerBlock;

    private static readonly GgmlTypeInfo[] All =
    [
        new(GgmlType.F32, "F32", 1, 4),
        new(GgmlType.F16, "F16", 1, 2),
        new(GgmlType.Q4_0, "Q4_0", 32, 18),
        new(GgmlType.Q4_1, "Q4_1", 32, 20),
        new(GgmlType.Q5_0, "Q5_0", 32, 22),
        new(GgmlType.Q5_1, "Q5_1", 32, 24),
        new(GgmlType.Q8_0, "Q8_0", 32, 34),
        new(GgmlType.Q8_1, "Q8_1", 32, 36),
        new(GgmlType.Q2_K, "Q2_K", 256, 84),
        new(GgmlType.Q3_K, "Q3_K", 256, 110),
        new(GgmlType.Q4_K, "Q4_K", 256, 144),
        new(GgmlType.Q5_K, "Q5_K", 256, 176),
        new(GgmlType.Q6_K, "Q6_K", 256, 210),
        new(GgmlType.Q8_K, "Q8_K", 256, 292),
        new(GgmlType.IQ2_XXS, "IQ2_XXS", 256, 66),
        new(GgmlType.IQ2_XS, "IQ2_XS", 256, 74),
        new(GgmlType.IQ3_XXS, "IQ3_XXS", 256, 98),
        new(GgmlType.IQ1_S, "IQ1_S", 256, 50),
        new(GgmlType.IQ4_NL, "IQ4_NL", 32, 18),
        new(GgmlType.IQ3_S, "IQ3_S", 256, 110),
        new(GgmlType.IQ2_S, "IQ2_S", 256, 82),
        new(GgmlType.IQ4_XS, "IQ4_XS", 256, 136),
        new(GgmlType.I8, "I8", 1, 1),
        new(GgmlType.I16, "I16", 1, 2),
        new(GgmlType.I32, "I32", 1, 4),
        new(GgmlType.I64, "I64", 1, 8),
        new(GgmlType.F64, "F64", 1, 8),
        new(GgmlType.IQ1_M, "IQ1_M", 256, 56),
        new(GgmlType.BF16, "BF16", 1, 2),
        new(GgmlType.TQ1_0, "TQ1_0", 256, 54),
        new(GgmlType.TQ2_0, "TQ2_0", 256, 66),
        new(GgmlType.MXFP4, "MXFP4", 32, 17),
        new(GgmlType.NVFP4, "NVFP4", 64, 36),
        new(GgmlType.Q1_0, "Q1_0", 128, 18),
        new(GgmlType.Q2_0, "Q2_0", 64, 18),
    ];

    private static readonly FrozenDictionary<GgmlType, GgmlTypeInfo> ById = All.ToFrozenDictionary(t => t.Type);
    private static readonly FrozenDictionary<string, GgmlTypeInfo> ByName =
        All.ToFrozenDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<GgmlTypeInfo> Table => All;

    public static bool TryGet(uint id, out GgmlTypeInfo info) => ById.TryGetValue((GgmlType)id, out info!);

    public static GgmlTypeInfo Of(GgmlType type) =>
        ById.TryGetValue(type, out var info) ? info : throw new ArgumentOutOfRangeException(nameof(type), type, "not a ggml type id");

    public static bool TryParse(string name, out GgmlTypeInfo info) => ByName.TryGetValue(name, out info!);
}
