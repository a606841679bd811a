using System.Globalization;
using System.Text.Json;
using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Cli.Commands;

/// <summary>The human-readable form of `dsv4 gguf-info`.</summary>
internal static class GgufInfoText
{
    /// <summary>Strings longer than this are cut in the listing (the JSON form has them whole).</summary>
    private const int StringPreview = 120;
    private static readonly JsonSerializerOptions Quoting = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(GgufSummary s, TextWriter o)
    {
        var file = s.File;
        o.WriteLine($"file:         {file.Path}");
        o.WriteLine($"version:      {file.Version}");
        o.WriteLine($"architecture: {s.Architecture ?? "(none)"}");
        o.WriteLine($"alignment:    {file.Alignment}");
        o.WriteLine($"data offset:  {file.DataStart}");
        o.WriteLine($"file size:    {file.FileSize}");
        if (file.ShardPaths.Count > 1)
        {
            o.WriteLine($"split set:    {file.ShardPaths.Count} shards, {file.Tensors.Count} tensors");
            for (int i = 0; i < file.ShardPaths.Count; i++)
                o.WriteLine($"  shard {i + 1}: {file.ShardPaths[i]} ({file.Tensors.Count(t => t.Shard == i)} tensors)");
        }
        o.WriteLine();
        o.WriteLine($"metadata ({file.MetadataKeys.Count} keys):");
        foreach (var key in file.MetadataKeys) o.WriteLine($"  {key} = {Describe(file.Metadata[key])}");
        o.WriteLine();
        o.WriteLine($"tensors ({file.Tensors.Count}):");
        int nameWidth = Math.Max(4, file.Tensors.Count == 0 ? 0 : file.Tensors.Max(t => t.Name.Length));
        int shapeWidth = Math.Max(5, file.Tensors.Count == 0 ? 0 : file.Tensors.Max(t => t.ShapeText.Length));
        o.WriteLine($"  {"name".PadRight(nameWidth)}  {"type",-8} {"shape".PadRight(shapeWidth)} {"bytes",14}");
        foreach (var t in file.Tensors)
            o.WriteLine($"  {t.Name.PadRight(nameWidth)}  {GgufSummary.TypeName(t.Type),-8} {t.ShapeText.PadRight(shapeWidth)} {t.ByteSize,14}");
        o.WriteLine();
        o.WriteLine("totals by type:");
        foreach (var t in s.Totals)
            o.WriteLine($"  {t.Type,-8} {t.Tensors,6} tensors {t.Elements,16} elements {t.Bytes,16} bytes");
        o.WriteLine($"  {"all",-8} {file.Tensors.Count,6} tensors {s.Totals.Sum(t => t.Elements),16} elements {s.Totals.Sum(t => t.Bytes),16} bytes");
    }

    private static string Describe(GgufMetadataValue v) =>
        v.Array is { } a ? DescribeArray(a) : $"{Item(v.Value)} ({GgufValueTypes.SpecName(v.Type)})";

    private static string DescribeArray(GgufArray a)
    {
        string more = a.Count > GgufSummary.ArrayPreview ? $", … ({a.Count - GgufSummary.ArrayPreview} more)" : "";
        return $"[{string.Join(", ", GgufSummary.Head(a).Select(Item))}{more}] (ARRAY of {GgufValueTypes.SpecName(a.ElementType)}, {a.Count})";
    }

    private static string Item(object value) => value switch
    {
        string s when s.Length > StringPreview => JsonSerializer.Serialize(s[..StringPreview], Quoting) + $"… ({s.Length} chars)",
        string s => JsonSerializer.Serialize(s, Quoting),
        GgufArray a => DescribeArray(a),
        bool b => b ? "true" : "false",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
