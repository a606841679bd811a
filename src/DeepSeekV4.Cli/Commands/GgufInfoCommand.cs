using System.Text.Json;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Cli.Commands;

/// <summary>`dsv4 gguf-info FILE [--json]`: architecture, metadata, tensor table and totals by type.</summary>
public sealed class GgufInfoCommand : ICliCommand, IFlagDeclaringCommand
{
    private const int ArrayPreview = 8;
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Name => "gguf-info";
    public string Usage => "gguf-info FILE [--json]";
    public IEnumerable<string> Flags => ["json"];

    public int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.Count != 1) throw new CliUsageException("expects exactly one FILE");
        bool json = args.Has("json");
        using var file = GgufFile.Open(args.Positional[0]);
        var totals = file.Tensors
            .GroupBy(t => t.Type)
            .Select(g => (Type: GgmlTypeInfo.Of(g.Key).Name, Count: g.Count(), Elements: g.Sum(t => t.ElementCount), Bytes: g.Sum(t => t.ByteSize)))
            .OrderByDescending(t => t.Bytes)
            .ToList();
        string architecture = file.GetMetadata("general.architecture")?.Value as string ?? "(none)";
        if (json)
            WriteJson(file, architecture, totals, output);
        else
            WriteText(file, architecture, totals, output);
        return 0;
    }

    private static void WriteText(GgufFile file, string architecture, List<(string Type, int Count, long Elements, long Bytes)> totals, TextWriter o)
    {
        o.WriteLine($"file:         {file.Path}");
        o.WriteLine($"version:      {file.Version}");
        o.WriteLine($"architecture: {architecture}");
        o.WriteLine($"alignment:    {file.Alignment}");
        o.WriteLine($"data offset:  {file.DataStart}");
        o.WriteLine($"file size:    {file.FileSize}");
        o.WriteLine();
        o.WriteLine($"metadata ({file.MetadataKeys.Count} keys):");
        foreach (var key in file.MetadataKeys)
        {
            var v = file.Metadata[key];
            o.WriteLine($"  {key} = {Describe(v)}");
        }
        o.WriteLine();
        o.WriteLine($"tensors ({file.Tensors.Count}):");
        int width = Math.Max(4, file.Tensors.Count == 0 ? 4 : file.Tensors.Max(t => t.Name.Length));
        o.WriteLine($"  {"name".PadRight(width)}  {"type",-8} {"shape",-24} {"bytes",14}");
        foreach (var t in file.Tensors)
            o.WriteLine($"  {t.Name.PadRight(width)}  {GgmlTypeInfo.Of(t.Type).Name,-8} {t.ShapeText,-24} {t.ByteSize,14}");
        o.WriteLine();
        o.WriteLine("totals by type:");
        foreach (var t in totals)
            o.WriteLine($"  {t.Type,-8} {t.Count,6} tensors {t.Elements,16} elements {t.Bytes,16} bytes");
        o.WriteLine($"  {"all",-8} {file.Tensors.Count,6} tensors {totals.Sum(t => t.Elements),16} elements {totals.Sum(t => t.Bytes),16} bytes");
    }

    private static string Describe(GgufMetadataValue v)
    {
        if (v.Array is not { } array) return v.Type == GgufValueType.String ? JsonSerializer.Serialize((string)v.Value, Relaxed) : $"{v} ({v.Type})";
        var items = array.Items.Cast<object>().Take(ArrayPreview).Select(x => x is string s ? JsonSerializer.Serialize(s, Relaxed) : Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture));
        string more = array.Count > ArrayPreview ? $", … ({array.Count - ArrayPreview} more)" : "";
        return $"[{string.Join(", ", items)}{more}] (ARRAY of {array.ElementType}, {array.Count})";
    }

    private static void WriteJson(GgufFile file, string architecture, List<(string Type, int Count, long Elements, long Bytes)> totals, TextWriter output)
    {
        var metadata = new Dictionary<string, object?>();
        foreach (var key in file.MetadataKeys)
        {
            var v = file.Metadata[key];
            metadata[key] = v.Array is { } a
                ? new { type = "ARRAY", element_type = a.ElementType.ToString().ToUpperInvariant(), count = a.Count, head = a.Items.Cast<object>().Take(ArrayPreview).ToArray() }
                : new { type = v.Type.ToString().ToUpperInvariant(), value = v.Value };
        }
        var doc = new
        {
            file = file.Path,
            version = file.Version,
            architecture,
            alignment = file.Alignment,
            data_offset = file.DataStart,
            file_size = file.FileSize,
            metadata,
            tensors = file.Tensors.Select(t => new { name = t.Name, type = GgmlTypeInfo.Of(t.Type).Name, shape = t.Dimensions, offset = t.Offset, bytes = t.ByteSize }),
            totals = totals.Select(t => new { type = t.Type, tensors = t.Count, elements = t.Elements, bytes = t.Bytes }),
        };
        output.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    }
}
