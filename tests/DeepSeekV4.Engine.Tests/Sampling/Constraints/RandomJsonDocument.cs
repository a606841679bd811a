using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DeepSeekV4.Engine.Tests.Sampling.Constraints;

/// <summary>
/// Writes random compact documents that satisfy a schema, read straight from the schema's JSON (independently of
/// the engine's compiler): properties in schema order, optional ones present or not, strings mixing ASCII, escapes
/// (short and \u), accents, CJK and emoji, numbers with fractions and exponents. A string's first minLength
/// characters are printable ASCII, as the engine documents.
/// </summary>
public sealed class RandomJsonDocument(int seed)
{
    private static readonly string[] Pieces = ["a", "Z", " ", "7", "\"", "\\", "/", "\n", "\t", "é", "ß", "中文", "😀", "e\u0301", "\u0001", "{", "}", ",", ":"];

    private readonly Random _random = new(seed);

    public string Write(JsonElement schema)
    {
        var text = new StringBuilder();
        Value(schema, text);
        return text.ToString();
    }

    private void Value(JsonElement schema, StringBuilder text)
    {
        if (schema.TryGetProperty("const", out var c)) { text.Append(c.GetRawText()); return; }
        if (schema.TryGetProperty("enum", out var e))
        {
            var values = e.EnumerateArray().ToArray();
            text.Append(values[_random.Next(values.Length)].GetRawText());
            return;
        }
        string[] types = schema.TryGetProperty("type", out var t)
            ? t.ValueKind == JsonValueKind.Array ? [.. t.EnumerateArray().Select(x => x.GetString()!)] : [t.GetString()!]
            : ["object"];
        switch (types[_random.Next(types.Length)])
        {
            case "object": Object(schema, text); break;
            case "array": Array(schema, text); break;
            case "string": String(schema, text); break;
            case "integer": text.Append(_random.Next(-1_000_000, 1_000_000).ToString(CultureInfo.InvariantCulture)); break;
            case "number": Number(text); break;
            case "boolean": text.Append(_random.Next(2) == 0 ? "true" : "false"); break;
            default: text.Append("null"); break;
        }
    }

    private void Object(JsonElement schema, StringBuilder text)
    {
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
        text.Append('{');
        bool first = true;
        if (schema.TryGetProperty("properties", out var props))
        {
            foreach (var p in props.EnumerateObject())
            {
                if (!required.Contains(p.Name) && _random.Next(2) == 0) continue;
                if (!first) text.Append(',');
                first = false;
                Quoted(p.Name, text);
                text.Append(':');
                Value(p.Value, text);
            }
        }
        text.Append('}');
    }

    private void Array(JsonElement schema, StringBuilder text)
    {
        int min = schema.TryGetProperty("minItems", out var a) ? a.GetInt32() : 0;
        int max = schema.TryGetProperty("maxItems", out var b) ? b.GetInt32() : min + 3;
        int n = _random.Next(min, Math.Min(max, min + 3) + 1);
        text.Append('[');
        for (int i = 0; i < n; i++)
        {
            if (i > 0) text.Append(',');
            Value(schema.GetProperty("items"), text);
        }
        text.Append(']');
    }

    private void String(JsonElement schema, StringBuilder text)
    {
        int min = schema.TryGetProperty("minLength", out var a) ? a.GetInt32() : 0;
        int max = schema.TryGetProperty("maxLength", out var b) ? b.GetInt32() : min + 12;
        var s = new StringBuilder();
        for (int i = 0; i < min; i++)
        {
            char ch = (char)_random.Next(0x20, 0x7F);
            s.Append(ch is '"' or '\\' ? 'q' : ch);
        }
        int target = _random.Next(min, Math.Min(max, min + 12) + 1);
        while (CodePoints(s.ToString()) < target)
        {
            string piece = Pieces[_random.Next(Pieces.Length)];
            if (CodePoints(s.ToString()) + CodePoints(piece) <= target) s.Append(piece);
            else s.Append('x');
        }
        Quoted(s.ToString(), text);
    }

    private void Number(StringBuilder text)
    {
        if (_random.Next(4) == 0) text.Append('-');
        text.Append(_random.Next(3) == 0 ? "0" : _random.Next(1, 100_000).ToString(CultureInfo.InvariantCulture));
        if (_random.Next(2) == 0) text.Append('.').Append(_random.Next(0, 1000).ToString("D3", CultureInfo.InvariantCulture));
        if (_random.Next(4) == 0) text.Append(_random.Next(2) == 0 ? "e" : "E").Append(_random.Next(3) switch { 0 => "+", 1 => "-", _ => "" }).Append(_random.Next(0, 40));
    }

    /// <summary>A JSON string: quote, backslash and controls escaped (short forms or \u00XX), other BMP characters sometimes as \uXXXX, the rest raw UTF-8.</summary>
    private void Quoted(string s, StringBuilder text)
    {
        text.Append('"');
        foreach (var rune in s.EnumerateRunes())
        {
            int v = rune.Value;
            if (v == '"') text.Append("\\\"");
            else if (v == '\\') text.Append("\\\\");
            else if (v == '\n') text.Append("\\n");
            else if (v < 0x20 || (v is >= 0x80 and < 0x10000 && _random.Next(4) == 0)) text.Append("\\u").Append(v.ToString(_random.Next(2) == 0 ? "x4" : "X4", CultureInfo.InvariantCulture));
            else if (v == '/' && _random.Next(2) == 0) text.Append("\\/");
            else text.Append(rune.ToString());
        }
        text.Append('"');
    }

    private static int CodePoints(string s) => s.EnumerateRunes().Count();
}
