using System.Text;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Remote;
using OpenAI.Chat;

namespace DeepSeekV4.Engine.Tests.Remote;

/// <summary>What the client reads from servers and writes to them, without a server: /v1/models, Retry-After, finish reasons, request fields.</summary>
public sealed class RemoteParsingTests
{
    private static readonly Uri Endpoint = new("http://host:8000/v1");

    [Fact]
    public void Models_list_gives_each_servers_context_length_field()
    {
        string json = """
            {"object":"list","data":[
              {"id":"deepseek-ai/DeepSeek-V4-Flash","object":"model","owned_by":"vllm","max_model_len":131072},
              {"id":"llama","object":"model","owned_by":"llamacpp","meta":{"n_ctx_train":8192}},
              {"id":"plain","object":"model"}]}
            """;
        var models = ServedModel.ParseList(Encoding.UTF8.GetBytes(json), Endpoint);
        Assert.Equal([new ServedModel("deepseek-ai/DeepSeek-V4-Flash", "vllm", 131072), new ServedModel("llama", "llamacpp", 8192), new ServedModel("plain", null, null)], models);
    }

    [Fact]
    public void A_models_answer_that_is_no_list_is_invalid_data_naming_the_endpoint()
    {
        var e = Assert.Throws<InvalidDataException>(() => ServedModel.ParseList(Encoding.UTF8.GetBytes("{\"hello\":1}"), Endpoint));
        Assert.Contains("http://host:8000/v1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Picking_a_model_takes_the_one_asked_or_the_only_one_and_lists_what_is_served_otherwise()
    {
        ServedModel[] two = [new("a", null, null), new("b", null, null)];
        Assert.Equal("b", ServedModel.Pick(two, "b", Endpoint).Id);
        Assert.Equal("a", ServedModel.Pick([two[0]], null, Endpoint).Id);
        Assert.Contains("pick one with -Model", Assert.Throws<ArgumentException>(() => ServedModel.Pick(two, null, Endpoint)).Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ModelNotLoadedException>(() => ServedModel.Pick(two, "c", Endpoint));
        Assert.Contains("it serves: a, b", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://host:8000/v1", "http://host:8000/v1")]
    [InlineData("http://host:8000/v1/", "http://host:8000/v1")]
    [InlineData("http://host:8000", "http://host:8000/v1")]
    [InlineData("https://gw.example/team/v1", "https://gw.example/team/v1")]
    public void The_base_address_gets_v1_only_when_it_has_no_path(string given, string used) =>
        Assert.Equal(new Uri(used), new RemoteEndpointOptions { Uri = new Uri(given) }.BaseUri);

    [Theory]
    [InlineData("http://host:8000/v1", "http://host:8000/metrics")]
    [InlineData("https://gw.example/team/v1", "https://gw.example/team/metrics")]
    public void Metrics_live_beside_the_api_base(string api, string metrics) =>
        Assert.Equal(new Uri(metrics), RemoteServerStats.MetricsAddress(new Uri(api)));

    [Fact]
    public void Bad_options_are_refused_with_the_value()
    {
        Assert.Contains("ftp://x/", Assert.Throws<ArgumentException>(() => new RemoteEndpointOptions { Uri = new Uri("ftp://x/") }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("MaxConcurrency = 0", Assert.Throws<ArgumentOutOfRangeException>(() =>
            new RemoteEndpointOptions { Uri = Endpoint, MaxConcurrency = 0 }.Validate()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChatFinishReason.Stop, null, 3, 8, FinishReason.EndOfSequence)]
    [InlineData(ChatFinishReason.Stop, "###", 3, 8, FinishReason.StopString)]
    [InlineData(ChatFinishReason.Length, null, 8, 8, FinishReason.MaxTokens)]
    [InlineData(ChatFinishReason.Length, null, 5, 8, FinishReason.ContextFull)]
    public void Finish_reasons_map_to_the_engines(ChatFinishReason finish, string? stopReason, int made, int max, FinishReason expected) =>
        Assert.Equal(expected, RemoteModel.MapFinish(finish, stopReason, made, max));

    [Fact]
    public void The_request_carries_the_sampler_fields_vllm_and_sglang_read_and_the_thinking_switch()
    {
        var request = new CompletionRequest
        {
            Prompt = "p", Instruction = "i", SystemPrompt = "s", Think = true, MaxTokens = 33, Stop = ["END"],
            Sampling = new Engine.Sampling.SamplerSettings { Temperature = 0.5, TopP = 0.9, TopK = 40, MinP = 0.05, RepetitionPenalty = 1.1 },
        };
        var json = System.Text.Json.JsonDocument.Parse(System.ClientModel.Primitives.ModelReaderWriter.Write(RemoteChatRequest.Options(request, 12345)).ToString()).RootElement;
        Assert.Equal(33, json.GetProperty("max_tokens").GetInt32());
        Assert.Equal(33, json.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(0.5, json.GetProperty("temperature").GetDouble(), 6);
        Assert.Equal(0.9, json.GetProperty("top_p").GetDouble(), 6);
        Assert.Equal(40, json.GetProperty("top_k").GetInt32());
        Assert.Equal(0.05, json.GetProperty("min_p").GetDouble(), 9);
        Assert.Equal(1.1, json.GetProperty("repetition_penalty").GetDouble(), 9);
        Assert.Equal(12345UL, json.GetProperty("seed").GetUInt64());
        Assert.True(json.GetProperty("chat_template_kwargs").GetProperty("thinking").GetBoolean());
        Assert.Equal("END", json.GetProperty("stop")[0].GetString());
        var messages = RemoteChatRequest.Messages(request);
        Assert.Equal(2, messages.Count);
        Assert.IsType<SystemChatMessage>(messages[0]);
        Assert.Equal("i\n\np", Assert.IsType<UserChatMessage>(messages[1]).Content[0].Text);
    }

    [Fact]
    public void Json_output_goes_as_response_format_with_the_schema_and_without_it_nothing_is_sent()
    {
        const string schema = """{"type":"object","properties":{"Urgency":{"enum":["low","high"]}},"required":["Urgency"]}""";
        var request = new CompletionRequest { Prompt = "p", JsonOutput = Engine.Sampling.Constraints.JsonOutputFormat.FromSchema(schema) };
        var json = System.Text.Json.JsonDocument.Parse(System.ClientModel.Primitives.ModelReaderWriter.Write(RemoteChatRequest.Options(request, 1)).ToString()).RootElement;
        var format = json.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        var sent = format.GetProperty("json_schema").GetProperty("schema");
        Assert.Equal(["low", "high"], sent.GetProperty("properties").GetProperty("Urgency").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Urgency", sent.GetProperty("required")[0].GetString());

        var free = new CompletionRequest { Prompt = "p", JsonOutput = Engine.Sampling.Constraints.JsonOutputFormat.AnyObject };
        var freeJson = System.Text.Json.JsonDocument.Parse(System.ClientModel.Primitives.ModelReaderWriter.Write(RemoteChatRequest.Options(free, 1)).ToString()).RootElement;
        Assert.Equal("json_object", freeJson.GetProperty("response_format").GetProperty("type").GetString());

        var plain = System.Text.Json.JsonDocument.Parse(System.ClientModel.Primitives.ModelReaderWriter.Write(
            RemoteChatRequest.Options(new CompletionRequest { Prompt = "p" }, 1)).ToString()).RootElement;
        Assert.False(plain.TryGetProperty("response_format", out _));
    }
}
