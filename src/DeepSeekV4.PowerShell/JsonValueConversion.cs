using System.Globalization;
using System.Management.Automation;
using System.Text.Json;

namespace DeepSeekV4.PowerShell;

/// <summary>
/// A JSON document as PowerShell objects: objects become PSCustomObjects (properties in document order), arrays
/// object[], strings, booleans and null as such; numbers are int, long or double as their text says, and double
/// where the schema says "number", so a column of a schema type has one .NET type.
/// </summary>
internal static class JsonValueConversion
{
    public static object? ToPowerShell(JsonElement value, JsonElement? schema)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var result = new PSObject();
                foreach (var p in value.EnumerateObject())
                    result.Properties.Add(new PSNoteProperty(p.Name, ToPowerShell(p.Value, Sub(schema, "properties", p.Name))));
                return result;
            case JsonValueKind.Array:
                var items = Sub(schema, "items", null);
                return value.EnumerateArray().Select(e => ToPowerShell(e, items)).ToArray();
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                if (!IsNumberOnly(schema))
                {
                    if (value.TryGetInt32(out int i)) return i;
                    if (value.TryGetInt64(out long l)) return l;
                }
                return double.Parse(value.GetRawText(), CultureInfo.InvariantCulture);
            default:
                return null;
        }
    }

    private static JsonElement? Sub(JsonElement? schema, string keyword, string? name)
    {
        if (schema is not { ValueKind: JsonValueKind.Object } s || !s.TryGetProperty(keyword, out var k)) return null;
        if (name == null) return k;
        return k.ValueKind == JsonValueKind.Object && k.TryGetProperty(name, out var p) ? p : null;
    }

    /// <summary>True when the schema's type allows "number" and not "integer".</summary>
    private static bool IsNumberOnly(JsonElement? schema)
    {
        if (schema is not { ValueKind: JsonValueKind.Object } s || !s.TryGetProperty("type", out var t)) return false;
        var names = t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(e => e.ToString()).ToList() : [t.ToString()];
        return names.Contains("number") && !names.Contains("integer");
    }
}
