using System.Text.Json;
using System.Text.Json.Nodes;
using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// The JSON form of `dsv4 gguf-info`: one object with file, version, architecture, alignment, data_offset,
/// file_size, metadata (key → {type, value} or {type: "ARRAY", element_type, count, head}), tensors ({name, type,
/// shape, offset, bytes}) and totals ({type, tensors, elements, bytes}).
/// </summary>
internal static class GgufInfoJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    public static void Write(GgufSummary s, TextWriter output)
    {
        var file = s.File;
        var metadata = new JsonObject();
        foreach (var key in file.MetadataKeys) metadata[key] = Value(file.Metadata[key]);
        var doc = new JsonObject
        {
            ["file"] = file.Path,
            ["version"] = file.Version,
            ["architecture"] = s.Architecture,
            ["alignment"] = file.Alignment,
            ["data_offset"] = file.DataStart,
            ["file_size"] = file.FileSize,
            ["metadata"] = metadata,
            ["tensors"] = new JsonArray(file.Tensors.Select(t => (JsonNode)new JsonObject
            {
                ["name"] = t.Name,
                ["type"] = GgufSummary.TypeName(t.Type),
                ["shape"] = new JsonArray(t.Dimensions.Select(d => (JsonNode)d).ToArray()),
                ["offset"] = t.Offset,
                ["bytes"] = t.ByteSize,
            }).ToArray()),
            ["totals"] = new JsonArray(s.Totals.Select(t => (JsonNode)new JsonObject
            {
                ["type"] = t.Type,
                ["tensors"] = t.Tensors,
                ["elements"] = t.Elements,
                ["bytes"] = t.Bytes,
            }).ToArray()),
        };
        if (file.ShardPaths.Count > 1)
        {
            doc["shards"] = new JsonArray(file.ShardPaths.Select(p => (JsonNode)p).ToArray());
            var shardOf = file.Tensors.ToDictionary(t => t.Name, t => t.Shard);
            foreach (var node in doc["tensors"]!.AsArray()) node!["shard"] = shardOf[(string)node["name"]!] + 1;
        }
        output.WriteLine(doc.ToJsonString(Options));
    }

    private static JsonObject Value(GgufMetadataValue v) => v.Array is { } a
        ? Array(a)
        : new JsonObject { ["type"] = GgufValueTypes.SpecName(v.Type), ["value"] = Item(v.Value) };

    private static JsonObject Array(GgufArray a) => new()
    {
        ["type"] = "ARRAY",
        ["element_type"] = GgufValueTypes.SpecName(a.ElementType),
        ["count"] = a.Count,
        ["head"] = new JsonArray(GgufSummary.Head(a).Select(Item).ToArray()),
    };

    /// <summary>Non-finite floats (NaN, ±Infinity), which JSON numbers cannot hold, are written as strings.</summary>
    private static JsonNode? Item(object value) => value switch
    {
        GgufArray a => Array(a),
        float f when !float.IsFinite(f) => f.ToString(System.Globalization.CultureInfo.InvariantCulture),
        double d when !double.IsFinite(d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        float f => JsonValue.Create(f),
        double d => JsonValue.Create(d),
        byte v => JsonValue.Create(v),
        sbyte v => JsonValue.Create(v),
        ushort v => JsonValue.Create(v),
        short v => JsonValue.Create(v),
        uint v => JsonValue.Create(v),
        int v => JsonValue.Create(v),
        ulong v => JsonValue.Create(v),
        long v => JsonValue.Create(v),
        bool v => JsonValue.Create(v),
        string v => JsonValue.Create(v),
        _ => throw new InvalidOperationException($"no JSON form for a {value.GetType().Name}"),
    };
}
