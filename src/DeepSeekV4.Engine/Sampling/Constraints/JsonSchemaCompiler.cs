using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>
/// Compiles the supported JSON Schema subset to <see cref="SchemaNode"/>s: type (a name or an array of names),
/// properties / required / additionalProperties (boolean), items / minItems / maxItems, minLength / maxLength, enum,
/// const; annotations ($schema, $id, $comment, title, description, default, examples) are ignored. Any other
/// keyword, and any schema no document can satisfy, is refused with the keyword named.
/// </summary>
internal static class JsonSchemaCompiler
{
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "$comment", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly"];

    private static readonly HashSet<string> Supported =
        ["type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems", "minLength", "maxLength", "enum", "const"];

    private static readonly string[] TypeNames = ["object", "array", "string", "number", "integer", "boolean", "null"];

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>Any JSON value: the union of every kind, objects and arrays holding any values again.</summary>
    public static SchemaNode AnyValue()
    {
        var any = new SchemaNode(SchemaKind.Union);
        var obj = new SchemaNode(SchemaKind.FreeObject) { Items = any };
        var arr = new SchemaNode(SchemaKind.Array) { Items = any };
        any.Alternatives = [obj, arr, new SchemaNode(SchemaKind.String), new SchemaNode(SchemaKind.Number), Keywords("true", "false", "null")];
        return any;
    }

    /// <summary>Any JSON object (the free JSON mode).</summary>
    public static SchemaNode AnyObject()
    {
        var node = new SchemaNode(SchemaKind.FreeObject) { Items = AnyValue() };
        node.Prepare();
        return node;
    }

    public static SchemaNode Compile(JsonElement schema)
    {
        var root = CompileNode(schema, "#");
        root.Prepare();
        return root;
    }

    private static SchemaNode CompileNode(JsonElement schema, string at)
    {
        if (schema.ValueKind == JsonValueKind.True) return AnyValue();
        if (schema.ValueKind != JsonValueKind.Object)
            throw new UnsupportedSchemaException("", at, $"a schema must be an object (or true), not {schema.ValueKind.ToString().ToLowerInvariant()}");
        foreach (var p in schema.EnumerateObject())
        {
            if (!Supported.Contains(p.Name) && !Annotations.Contains(p.Name))
                throw new UnsupportedSchemaException(p.Name, $"{at}/{p.Name}", $"keyword '{p.Name}' is not supported " +
                    $"(supported: {string.Join(", ", Supported)}; annotations such as title and description are ignored)");
        }

        if (schema.TryGetProperty("const", out var constant)) return LiteralNode([constant], TypesOf(schema, at), $"{at}/const", "const");
        if (schema.TryGetProperty("enum", out var values))
        {
            if (values.ValueKind != JsonValueKind.Array) throw new UnsupportedSchemaException("enum", $"{at}/enum", "enum must be an array");
            return LiteralNode([.. values.EnumerateArray()], TypesOf(schema, at), $"{at}/enum", "enum");
        }

        var types = TypesOf(schema, at) ?? InferTypes(schema);
        if (types.Contains("number")) types.Remove("integer");
        var members = types.Select(t => NodeOfType(t, schema, at)).ToList();
        if (members.Count == 1) return members[0];
        var literals = members.Where(m => m.Kind == SchemaKind.Literals).ToList();
        if (literals.Count > 1)
        {
            members.RemoveAll(m => m.Kind == SchemaKind.Literals);
            members.Add(new SchemaNode(SchemaKind.Literals) { Literals = [.. literals.SelectMany(l => l.Literals)] });
        }
        return new SchemaNode(SchemaKind.Union) { Alternatives = [.. members] };
    }

    private static HashSet<string> InferTypes(JsonElement schema)
    {
        if (schema.TryGetProperty("properties", out _) || schema.TryGetProperty("required", out _)) return ["object"];
        if (schema.TryGetProperty("items", out _) || schema.TryGetProperty("minItems", out _) || schema.TryGetProperty("maxItems", out _)) return ["array"];
        if (schema.TryGetProperty("minLength", out _) || schema.TryGetProperty("maxLength", out _)) return ["string"];
        return [.. TypeNames.Where(t => t != "integer")];
    }

    private static HashSet<string>? TypesOf(JsonElement schema, string at)
    {
        if (!schema.TryGetProperty("type", out var type)) return null;
        var names = type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!],
            JsonValueKind.Array => type.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
                ? e.GetString()!
                : throw new UnsupportedSchemaException("type", $"{at}/type", "type array entries must be strings")).ToList(),
            _ => throw new UnsupportedSchemaException("type", $"{at}/type", "type must be a string or an array of strings"),
        };
        if (names.Count == 0) throw new UnsupportedSchemaException("type", $"{at}/type", "an empty type array allows nothing");
        foreach (var n in names)
        {
            if (!TypeNames.Contains(n))
                throw new UnsupportedSchemaException("type", $"{at}/type", $"unknown type '{n}' (known: {string.Join(", ", TypeNames)})");
        }
        return [.. names];
    }

    private static SchemaNode NodeOfType(string type, JsonElement schema, string at) => type switch
    {
        "object" => ObjectNode(schema, at),
        "array" => ArrayNode(schema, at),
        "string" => StringNode(schema, at),
        "number" => new SchemaNode(SchemaKind.Number),
        "integer" => new SchemaNode(SchemaKind.Integer),
        "boolean" => Keywords("true", "false"),
        _ => Keywords("null"),
    };

    private static SchemaNode ObjectNode(JsonElement schema, string at)
    {
        if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw new UnsupportedSchemaException("additionalProperties", $"{at}/additionalProperties",
                "only additionalProperties: true or false is supported (a schema for extra properties is not)");
        var required = new List<string>();
        if (schema.TryGetProperty("required", out var req))
        {
            if (req.ValueKind != JsonValueKind.Array) throw new UnsupportedSchemaException("required", $"{at}/required", "required must be an array of names");
            foreach (var r in req.EnumerateArray())
            {
                if (r.ValueKind != JsonValueKind.String) throw new UnsupportedSchemaException("required", $"{at}/required", "required must be an array of names");
                required.Add(r.GetString()!);
            }
        }
        if (!schema.TryGetProperty("properties", out var props))
        {
            if (required.Count > 0)
                throw new UnsupportedSchemaException("required", $"{at}/required", $"required names '{required[0]}', but the schema declares no properties");
            if (additional.ValueKind == JsonValueKind.False) return Keywords("{}");
            return new SchemaNode(SchemaKind.FreeObject) { Items = AnyValue() };
        }
        if (props.ValueKind != JsonValueKind.Object) throw new UnsupportedSchemaException("properties", $"{at}/properties", "properties must be an object");
        var list = new List<SchemaProperty>();
        foreach (var p in props.EnumerateObject())
        {
            string where = $"{at}/properties/{EscapePointer(p.Name)}";
            list.Add(new SchemaProperty(p.Name, KeyBytes(p.Name), CompileNode(p.Value, where), required.Contains(p.Name)));
        }
        foreach (var r in required)
        {
            if (!list.Any(p => p.Name == r))
                throw new UnsupportedSchemaException("required", $"{at}/required", $"required names '{r}', which properties does not declare");
        }
        if (list.Count > SchemaNode.MaxAlternatives)
            throw new UnsupportedSchemaException("properties", $"{at}/properties", $"{list.Count} properties; at most {SchemaNode.MaxAlternatives} per object are supported");
        return new SchemaNode(SchemaKind.Object) { Properties = [.. list] };
    }

    private static SchemaNode ArrayNode(JsonElement schema, string at)
    {
        int min = Count(schema, "minItems", at, 0);
        int max = Count(schema, "maxItems", at, int.MaxValue);
        if (min > max) throw new UnsupportedSchemaException("minItems", $"{at}/minItems", $"minItems {min} > maxItems {max}: no array satisfies both");
        var items = schema.TryGetProperty("items", out var i)
            ? i.ValueKind == JsonValueKind.Object || i.ValueKind == JsonValueKind.True
                ? CompileNode(i, $"{at}/items")
                : throw new UnsupportedSchemaException("items", $"{at}/items", "items must be one schema (tuple forms are not supported)")
            : AnyValue();
        return new SchemaNode(SchemaKind.Array) { Items = items, MinItems = min, MaxItems = max };
    }

    private static SchemaNode StringNode(JsonElement schema, string at)
    {
        int min = Count(schema, "minLength", at, 0);
        int max = Count(schema, "maxLength", at, int.MaxValue);
        if (min > max) throw new UnsupportedSchemaException("minLength", $"{at}/minLength", $"minLength {min} > maxLength {max}: no string satisfies both");
        return new SchemaNode(SchemaKind.String) { MinLength = min, MaxLength = max };
    }

    private static int Count(JsonElement schema, string keyword, string at, int absent)
    {
        if (!schema.TryGetProperty(keyword, out var v)) return absent;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out decimal d) || d < 0 || d != Math.Floor(d))
            throw new UnsupportedSchemaException(keyword, $"{at}/{keyword}", $"{keyword} must be a non-negative integer, got {v.GetRawText()}");
        return d > int.MaxValue ? int.MaxValue : (int)d;
    }

    private static SchemaNode LiteralNode(List<JsonElement> values, HashSet<string>? types, string at, string keyword)
    {
        if (values.Count == 0) throw new UnsupportedSchemaException(keyword, at, "an empty enum allows no value");
        if (values.Count > SchemaNode.MaxAlternatives)
            throw new UnsupportedSchemaException(keyword, at, $"{values.Count} values; at most {SchemaNode.MaxAlternatives} are supported");
        var literals = new List<byte[]>();
        foreach (var v in values)
        {
            if (types != null && !types.Contains(TypeName(v)) && !(TypeName(v) == "integer" && types.Contains("number")) && !(IsWholeNumber(v) && types.Contains("integer")))
                throw new UnsupportedSchemaException(keyword, at, $"value {v.GetRawText()} is not of the schema's type ({string.Join(", ", types)}): no document can satisfy both");
            byte[] text = CompactJson(v);
            if (!literals.Any(l => l.AsSpan().SequenceEqual(text))) literals.Add(text);
        }
        return new SchemaNode(SchemaKind.Literals) { Literals = [.. literals] };
    }

    private static string TypeName(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => IsWholeNumber(v) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static bool IsWholeNumber(JsonElement v) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out decimal d) && d == Math.Floor(d);

    private static SchemaNode Keywords(params string[] words) =>
        new(SchemaKind.Literals) { Literals = [.. words.Select(Encoding.UTF8.GetBytes)] };

    private static byte[] CompactJson(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact)) value.WriteTo(writer);
        return buffer.ToArray();
    }

    private static byte[] KeyBytes(string name)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact)) writer.WriteStringValue(name);
        buffer.WriteByte((byte)':');
        return buffer.ToArray();
    }

    private static string EscapePointer(string name) => name.Replace("~", "~0").Replace("/", "~1");
}
