using DeepSeekV4.Engine.Sampling.Constraints;

namespace DeepSeekV4.Engine.Tests.Sampling.Constraints;

public class JsonSchemaCompilerTests
{
    [Theory]
    [InlineData("""{"type":"string","pattern":"^a+$"}""", "pattern", "#/pattern")]
    [InlineData("""{"type":"object","properties":{"n":{"type":"integer","minimum":3}}}""", "minimum", "#/properties/n/minimum")]
    [InlineData("""{"anyOf":[{"type":"string"},{"type":"integer"}]}""", "anyOf", "#/anyOf")]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"#/$defs/x"}}}""", "$ref", "#/properties/a/$ref")]
    [InlineData("""{"type":"string","format":"date"}""", "format", "#/format")]
    [InlineData("""{"type":"array","items":{"type":"string"},"uniqueItems":true}""", "uniqueItems", "#/uniqueItems")]
    [InlineData("""{"type":"object","additionalProperties":{"type":"string"}}""", "additionalProperties", "#/additionalProperties")]
    [InlineData("""{"type":"array","items":[{"type":"string"}]}""", "items", "#/items")]
    public void Unsupported_keyword_is_refused_naming_it(string schema, string keyword, string location)
    {
        var e = Assert.Throws<UnsupportedSchemaException>(() => JsonOutputFormat.FromSchema(schema));
        Assert.Equal(keyword, e.Keyword);
        Assert.Equal(location, e.Location);
        Assert.Contains(keyword, e.Message);
    }

    [Theory]
    [InlineData("""{"type":"array","minItems":3,"maxItems":2}""", "minItems", "3 > maxItems 2")]
    [InlineData("""{"type":"string","minLength":5,"maxLength":4}""", "minLength", "5 > maxLength 4")]
    [InlineData("""{"enum":[]}""", "enum", "empty enum")]
    [InlineData("""{"type":"integer","enum":["a"]}""", "enum", "\"a\" is not of the schema's type")]
    [InlineData("""{"type":"object","properties":{"a":{}},"required":["b"]}""", "required", "'b'")]
    [InlineData("""{"type":"banana"}""", "type", "unknown type 'banana'")]
    [InlineData("""{"type":"string","maxLength":-1}""", "maxLength", "non-negative integer, got -1")]
    public void Unsatisfiable_or_malformed_schema_is_refused_with_the_numbers(string schema, string keyword, string detail)
    {
        var e = Assert.Throws<UnsupportedSchemaException>(() => JsonOutputFormat.FromSchema(schema));
        Assert.Equal(keyword, e.Keyword);
        Assert.Contains(detail, e.Message);
    }

    [Fact]
    public void Schema_that_is_not_json_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => JsonOutputFormat.FromSchema("{type: object"));
        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void Annotations_are_ignored_and_every_test_schema_compiles()
    {
        JsonOutputFormat.FromSchema("""{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"t","description":"d","type":"object","properties":{"a":{"type":"string","description":"x","default":"y"}}}""");
        foreach (var s in JsonTestSchemas.All) JsonOutputFormat.FromSchema(s);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","minLength":3}},"required":["a"]}""", 11)] // {"a":"xxx"}
    [InlineData("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"boolean"}},"required":["a","b"]}""", 16)] // {"a":0,"b":true}
    [InlineData("""{"type":"object","properties":{"a":{"type":"integer"}}}""", 2)] // {}
    [InlineData("""{"type":"array","items":{"enum":["xy",7]},"minItems":2}""", 5)] // [7,7]
    [InlineData("""{"type":["null","number"]}""", 1)]
    public void Minimum_bytes_is_the_shortest_document(string schema, int bytes) =>
        Assert.Equal(bytes, JsonOutputFormat.FromSchema(schema).MinimumBytes);

    [Fact]
    public void Remote_request_forms_carry_the_schema()
    {
        var format = JsonOutputFormat.FromSchema(JsonTestSchemas.All[0]);
        var rf = format.ToResponseFormat("ticket");
        Assert.Equal("json_schema", (string?)rf["type"]);
        Assert.Equal("ticket", (string?)rf["json_schema"]!["name"]);
        Assert.Equal("integer", (string?)rf["json_schema"]!["schema"]!["properties"]!["id"]!["type"]);
        Assert.Equal("integer", (string?)format.ToGuidedJson()["properties"]!["id"]!["type"]);
        Assert.Equal("json_object", (string?)JsonOutputFormat.AnyObject.ToResponseFormat()["type"]);
        Assert.Equal("object", (string?)JsonOutputFormat.AnyObject.ToGuidedJson()["type"]);
    }
}
