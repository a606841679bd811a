using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Cli.Commands;

/// <summary>What `dsv4 gguf-info` reports about a GGUF file, computed once for the text and the JSON form.</summary>
internal sealed class GgufSummary(GgufFile file)
{
    /// <summary>How many leading items of an array are shown.</summary>
    public const int ArrayPreview = 8;

    public sealed record TypeTotal(string Type, int Tensors, long Elements, long Bytes);

    public GgufFile File { get; } = file;

    /// <summary>general.architecture, or null when the file has none.</summary>
    public string? Architecture { get; } = file.GetMetadata("general.architecture")?.Value as string;

    /// <summary>Per tensor type, the largest first.</summary>
    public IReadOnlyList<TypeTotal> Totals { get; } = file.Tensors
        .GroupBy(t => t.Type)
        .Select(g => new TypeTotal(GgmlTypeInfo.Of(g.Key).Name, g.Count(), g.Sum(t => t.ElementCount), g.Sum(t => t.ByteSize)))
        .OrderByDescending(t => t.Bytes).ThenBy(t => t.Type, StringComparer.Ordinal)
        .ToList();

    public static string TypeName(GgmlType type) => GgmlTypeInfo.Of(type).Name;

    /// <summary>The first <see cref="ArrayPreview"/> items of an array.</summary>
    public static IEnumerable<object> Head(GgufArray array)
    {
        var items = array.Items;
        for (int i = 0; i < Math.Min(ArrayPreview, items.Length); i++) yield return items.GetValue(i)!;
    }
}
