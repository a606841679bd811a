using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>
/// Structured output for a completion: a JSON Schema (the supported subset, see <see cref="JsonSchemaCompiler"/>)
/// compiled once, or any JSON object (<see cref="AnyObject"/>). Generation then writes one compact JSON document
/// that satisfies it. Refused schemas throw <see cref="UnsupportedSchemaException"/> naming the keyword.
/// </summary>
public sealed class JsonOutputFormat
{
    private JsonOutputFormat(SchemaNode root, JsonElement? schema)
    {
        Root = root;
        Schema = schema;
    }

    /// <summary>Any JSON object (free JSON mode).</summary>
    public static JsonOutputFormat AnyObject { get; } = new(JsonSchemaCompiler.AnyObject(), null);

    /// <summary>The schema as given; null in free JSON mode.</summary>
    public JsonElement? Schema { get; }

    /// <summary>Bytes of the shortest document the schema accepts.</summary>
    public int MinimumBytes => Root.MinBytes;

    internal SchemaNode Root { get; }

    /// <summary>Compiles a schema given as JSON text.</summary>
    public static JsonOutputFormat FromSchema(string schemaJson)
    {
        ArgumentNullException.ThrowIfNull(schemaJson);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(schemaJson);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the JSON schema is not valid JSON: {e.Message}", nameof(schemaJson), e);
        }
        using (document) return FromSchema(document.RootElement);
    }

    public static JsonOutputFormat FromSchema(JsonElement schema)
    {
        var copy = schema.Clone();
        return new JsonOutputFormat(JsonSchemaCompiler.Compile(copy), copy);
    }

    /// <summary>
    /// The OpenAI chat-completions <c>response_format</c> for this output (vLLM, SGLang and llama.cpp's server accept
    /// it): <c>{"type":"json_schema","json_schema":{"name":…,"strict":true,"schema":…}}</c>, or <c>{"type":"json_object"}</c>
    /// in free JSON mode.
    /// </summary>
    public JsonObject ToResponseFormat(string name = "output")
    {
        if (Schema is not { } schema) return new JsonObject { ["type"] = "json_object" };
        return new JsonObject
        {
            ["type"] = "json_schema",
            ["json_schema"] = new JsonObject { ["name"] = name, ["strict"] = true, ["schema"] = JsonNode.Parse(schema.GetRawText()) },
        };
    }

    /// <summary>vLLM's <c>guided_json</c> request field (older vLLM and SGLang servers): the schema itself, or <c>{"type":"object"}</c> in free JSON mode.</summary>
    public JsonNode ToGuidedJson() => Schema is { } schema ? JsonNode.Parse(schema.GetRawText())! : new JsonObject { ["type"] = "object" };

    internal JsonConstraint CreateConstraint(Inference.IChatTokenizer tokenizer, int logitCount) =>
        new(Root, ConstraintVocabulary.For(tokenizer), logitCount, tokenizer.EndOfGenerationIds);
}
