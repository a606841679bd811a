using System.Net;
using System.Text.Json;
using DeepSeekV4.Cli.Serving;
using DeepSeekV4.Engine.Sampling.Constraints;

namespace DeepSeekV4.Engine.Tests.Cli.Serving;

/// <summary>`dsv4 serve` reads structured-output requests the way vLLM, SGLang and llama.cpp's server take them.</summary>
public class OpenAiRequestJsonTests
{
    private static OpenAiRequest Parse(string json) => OpenAiRequest.Parse(JsonDocument.Parse(json).RootElement, chat: false, contextLength: 512);

    [Fact]
    public void Response_format_and_guided_json_become_the_requests_json_output()
    {
        Assert.Null(Parse("""{"prompt":"x"}""").Completion.JsonOutput);
        Assert.Null(Parse("""{"prompt":"x","response_format":{"type":"text"}}""").Completion.JsonOutput);
        Assert.Same(JsonOutputFormat.AnyObject, Parse("""{"prompt":"x","response_format":{"type":"json_object"}}""").Completion.JsonOutput);
        var schema = Parse("""{"prompt":"x","response_format":{"type":"json_schema","json_schema":{"name":"t","schema":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}}}}""");
        Assert.Equal(JsonValueKind.Object, schema.Completion.JsonOutput!.Schema!.Value.ValueKind);
        Assert.NotNull(Parse("""{"prompt":"x","guided_json":{"type":"object"}}""").Completion.JsonOutput);
        Assert.NotNull(Parse("""{"prompt":"x","guided_json":"{\"type\":\"object\"}"}""").Completion.JsonOutput);
    }

    [Fact]
    public void The_engines_own_request_form_reads_back_as_the_same_schema()
    {
        var format = JsonOutputFormat.FromSchema("""{"type":"object","properties":{"b":{"type":"boolean"}},"required":["b"]}""");
        var body = new System.Text.Json.Nodes.JsonObject { ["prompt"] = "x", ["response_format"] = format.ToResponseFormat() };
        var parsed = Parse(body.ToJsonString()).Completion.JsonOutput!;
        Assert.Equal(format.Schema!.Value.GetRawText(), parsed.Schema!.Value.GetRawText());
    }

    [Theory]
    [InlineData("""{"prompt":"x","response_format":{"type":"json_schema","json_schema":{"schema":{"type":"string","pattern":"a"}}}}""", "response_format", "'pattern'")]
    [InlineData("""{"prompt":"x","response_format":{"type":"yaml"}}""", "response_format", "'yaml'")]
    [InlineData("""{"prompt":"x","response_format":{"type":"json_schema"}}""", "response_format", "json_schema.schema")]
    [InlineData("""{"prompt":"x","guided_json":{"anyOf":[]}}""", "guided_json", "'anyOf'")]
    public void Unsupported_formats_are_400_naming_the_field(string json, string param, string part)
    {
        var e = Assert.Throws<OpenAiError>(() => Parse(json));
        Assert.Equal((int)HttpStatusCode.BadRequest, e.Status);
        Assert.Equal(param, e.Param);
        Assert.Contains(part, e.Message);
    }
}
