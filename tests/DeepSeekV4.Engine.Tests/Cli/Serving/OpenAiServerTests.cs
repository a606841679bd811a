using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DeepSeekV4.Cli.Serving;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Sampling;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Tests.Cli.Serving;

/// <summary>`dsv4 serve`'s server on a loopback port with the dsv4-tiny model, driven over HTTP.</summary>
public sealed class OpenAiServerTests : IClassFixture<OpenAiServerTests.Server>
{
    private const string Key = "test-key-123";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly ModelRegistry Registry = new(DeepSeekV4ModelLoader.Instance, () => long.MaxValue);
    private readonly Server _server;

    public OpenAiServerTests(Server server) => _server = server;

    /// <summary>One server for the class: two slots, a short queue, an API key, a 1 MiB body limit.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public OpenAiServer Instance { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Instance = await OpenAiServer.StartAsync(Options(parallel: 2, queue: 2) with { ApiKey = Key, MaxRequestBodyBytes = 1 << 20 }, Registry)
                .WaitAsync(Timeout);
            Client = NewClient(Instance, Key);
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await Instance.DisposeAsync().AsTask().WaitAsync(Timeout);
        }
    }

    private static ServeOptions Options(int parallel, int queue) => new()
    {
        ModelPath = FixturePaths.TinyModelF16,
        Port = 0,
        Parallel = parallel,
        Queue = queue,
        ContextLength = 512,
        LoadOptions = new ModelLoadOptions { Threads = 1 },
    };

    private static HttpClient NewClient(OpenAiServer server, string? key)
    {
        var client = new HttpClient { BaseAddress = server.Address, Timeout = Timeout };
        if (key != null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static StringContent JsonBody(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static object Chat(bool stream = false, int seed = 7) => new
    {
        model = "dsv4-tiny.f16",
        messages = new object[] { new { role = "system", content = "You are terse." }, new { role = "user", content = "Hello, world" } },
        max_tokens = 12,
        temperature = 0.8,
        top_p = 0.95,
        seed,
        stream,
        stream_options = new { include_usage = true },
    };

    private static async Task<JsonElement> ReadJson(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(Timeout)).RootElement;

    private static async Task<JsonElement> AssertError(HttpResponseMessage response, HttpStatusCode status, string? messagePart = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        var error = (await ReadJson(response)).GetProperty("error");
        string message = error.GetProperty("message").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(message));
        if (messagePart != null) Assert.Contains(messagePart, message);
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
        return error;
    }

    [Fact]
    public async Task Response_format_json_schema_gives_content_that_satisfies_the_schema()
    {
        var schema = new { type = "object", properties = new { n = new { type = "integer" }, ok = new { type = "boolean" } }, required = new[] { "n", "ok" } };
        var body = new
        {
            messages = new object[] { new { role = "user", content = "Give me JSON" } },
            max_tokens = 40,
            seed = 3,
            response_format = new { type = "json_schema", json_schema = new { name = "t", schema } },
        };
        var reply = await ReadJson(await _server.Client.PostAsync("v1/chat/completions", JsonBody(body)).WaitAsync(Timeout));
        var choice = reply.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var doc = JsonDocument.Parse(choice.GetProperty("message").GetProperty("content").GetString()!).RootElement;
        Assert.Equal(JsonValueKind.Number, doc.GetProperty("n").ValueKind);
        Assert.True(doc.GetProperty("ok").ValueKind is JsonValueKind.True or JsonValueKind.False);
    }

    [Fact]
    public async Task Models_lists_the_served_model_with_its_context()
    {
        var response = await _server.Client.GetAsync("v1/models").WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJson(response);
        Assert.Equal("list", body.GetProperty("object").GetString());
        var model = Assert.Single(body.GetProperty("data").EnumerateArray().ToList());
        Assert.Equal("dsv4-tiny.f16", model.GetProperty("id").GetString());
        Assert.Equal(512, model.GetProperty("max_model_len").GetInt32());
    }

    [Fact]
    public async Task Seeded_chat_completion_gives_the_in_process_models_text()
    {
        var response = await _server.Client.PostAsync("v1/chat/completions", JsonBody(Chat())).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJson(response);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        var choice = body.GetProperty("choices")[0];
        string text = choice.GetProperty("message").GetProperty("content").GetString()!;

        using var session = new InferenceSession(Registry);
        var model = session.Import(FixturePaths.TinyModelF16, contextLength: 512);
        var expected = model.Complete(new CompletionRequest
        {
            SystemPrompt = "You are terse.",
            Prompt = "Hello, world",
            MaxTokens = 12,
            Sampling = new SamplerSettings { Temperature = 0.8, TopP = 0.95, Seed = 7 },
        });
        Assert.Equal(expected.Text, text);
        Assert.NotEmpty(text);
        Assert.Equal(expected.PromptTokens, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(expected.CompletionTokens, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(CompletionEndpoint.FinishReasonName(expected.FinishReason), choice.GetProperty("finish_reason").GetString());
        // a different seed gives a different answer: the seed reached the sampler
        var other = await ReadJson(await _server.Client.PostAsync("v1/chat/completions", JsonBody(Chat(seed: 8))).WaitAsync(Timeout));
        Assert.NotEqual(text, other.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Streamed_chunks_add_up_to_the_answer_and_end_with_usage_and_done()
    {
        var plain = await ReadJson(await _server.Client.PostAsync("v1/chat/completions", JsonBody(Chat())).WaitAsync(Timeout));
        string expected = plain.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;

        var response = await _server.Client.PostAsync("v1/chat/completions", JsonBody(Chat(stream: true))).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        string raw = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        var events = raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        var text = new StringBuilder();
        string? finish = null;
        foreach (var chunk in chunks[..^1])
        {
            var choice = chunk.GetProperty("choices")[0];
            if (choice.GetProperty("delta").TryGetProperty("content", out var content)) text.Append(content.GetString());
            if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String) finish = choice.GetProperty("finish_reason").GetString();
        }
        Assert.Equal(expected, text.ToString());
        Assert.Equal(plain.GetProperty("choices")[0].GetProperty("finish_reason").GetString(), finish);
        var usage = chunks[^1];
        Assert.Empty(usage.GetProperty("choices").EnumerateArray());
        Assert.Equal(plain.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Text_completion_answers_with_text_and_maps_max_tokens_to_length()
    {
        var response = await _server.Client.PostAsync("v1/completions", JsonBody(new { prompt = "Once upon a time", max_tokens = 3, temperature = 0 }))
            .WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJson(response);
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal(JsonValueKind.String, choice.GetProperty("text").ValueKind);
        int tokens = body.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
        Assert.Equal(tokens == 3 ? "length" : "stop", choice.GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData("test-key-12")]
    public async Task Missing_or_wrong_api_key_is_401_with_an_error_object(string? key)
    {
        using var client = NewClient(_server.Instance, key);
        var response = await client.PostAsync("v1/chat/completions", JsonBody(Chat())).WaitAsync(Timeout);
        var error = await AssertError(response, HttpStatusCode.Unauthorized, "API key");
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("v1/models").WaitAsync(Timeout)).StatusCode);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413()
    {
        string big = new('x', (1 << 20) + 1000);
        // Expect: 100-continue lets the server refuse before the body is sent (otherwise the refusal races the upload and
        // the client may see the connection closed instead of the 413)
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent($"{{\"messages\":[{{\"role\":\"user\",\"content\":\"{big}\"}}]}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        var response = await _server.Client.SendAsync(request).WaitAsync(Timeout);
        await AssertError(response, HttpStatusCode.RequestEntityTooLarge, "larger than 1048576 bytes");
    }

    [Fact]
    public async Task Malformed_json_is_400_naming_the_problem()
    {
        var response = await _server.Client.PostAsync("v1/chat/completions", new StringContent("{\"messages\": [", Encoding.UTF8, "application/json"))
            .WaitAsync(Timeout);
        await AssertError(response, HttpStatusCode.BadRequest, "not valid JSON");
    }

    [Theory]
    [InlineData("{\"max_tokens\": 4}", "messages")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"temperature\": \"hot\"}", "temperature")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"top_p\": 2}", "top_p")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stop\": 5}", "stop")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"model\": \"gpt-4\"}", "model")]
    public async Task Invalid_fields_are_refused_naming_the_field(string json, string param)
    {
        var response = await _server.Client.PostAsync("v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json")).WaitAsync(Timeout);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{response.StatusCode}");
        var error = (await ReadJson(response)).GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Health_is_200_and_metrics_count_requests_tokens_queue_and_kv_bytes()
    {
        Assert.Equal(HttpStatusCode.OK, (await _server.Client.GetAsync("health").WaitAsync(Timeout)).StatusCode);
        var done = await _server.Client.PostAsync("v1/completions", JsonBody(new { prompt = "Count", max_tokens = 2 })).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        using var open = NewClient(_server.Instance, null); // /metrics needs no key, as in vLLM
        var response = await open.GetAsync("metrics").WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        double Value(string name)
        {
            string line = text.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
            return double.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.True(Value("dsv4_requests_total") >= 1);
        Assert.True(Value("dsv4_completion_tokens_total") >= 1);
        Assert.True(Value("dsv4_prompt_tokens_total") > 0);
        Assert.True(Value("dsv4_kv_cache_bytes") > 0);
        Assert.True(Value("dsv4_decode_tokens_per_second") > 0);
        Assert.Equal(0, Value("dsv4_queue_length"));
        Assert.Contains("# TYPE dsv4_requests_total counter", text);
    }

    [Fact]
    public async Task With_one_slot_and_no_queue_a_second_request_is_503_with_retry_after()
    {
        await using var server = await OpenAiServer.StartAsync(Options(parallel: 1, queue: 0), Registry).WaitAsync(Timeout);
        using var client = NewClient(server, null);
        using (var held = await server.Pool.TryAcquireAsync(CancellationToken.None).WaitAsync(Timeout))
        {
            Assert.NotNull(held);
            var refused = await client.PostAsync("v1/chat/completions", JsonBody(Chat())).WaitAsync(Timeout);
            await AssertError(refused, HttpStatusCode.ServiceUnavailable, "busy");
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        }
        var served = await client.PostAsync("v1/chat/completions", JsonBody(Chat())).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains("dsv4_requests_rejected_total 1", await client.GetStringAsync("metrics").WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_request_in_the_queue_waits_for_the_slot_and_is_then_served()
    {
        await using var server = await OpenAiServer.StartAsync(Options(parallel: 1, queue: 1), Registry).WaitAsync(Timeout);
        using var client = NewClient(server, null);
        var held = await server.Pool.TryAcquireAsync(CancellationToken.None).WaitAsync(Timeout);
        var waiting = client.PostAsync("v1/chat/completions", JsonBody(Chat()));
        var deadline = DateTime.UtcNow + Timeout;
        while (server.Pool.Waiting == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(1, server.Pool.Waiting);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostAsync("v1/chat/completions", JsonBody(Chat())).WaitAsync(Timeout)).StatusCode);
        Assert.False(waiting.IsCompleted);
        held!.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await waiting.WaitAsync(Timeout)).StatusCode);
    }

    [Fact]
    public async Task A_follow_up_request_reuses_the_shared_prefix_from_the_slots_cache()
    {
        object Ask(string question) => new
        {
            messages = new object[]
            {
                new { role = "system", content = "You answer questions about the quarterly report in one short sentence, citing the section." },
                new { role = "user", content = question },
            },
            max_tokens = 2,
            temperature = 0,
        };
        var first = await ReadJson(await _server.Client.PostAsync("v1/chat/completions", JsonBody(Ask("What was revenue?"))).WaitAsync(Timeout));
        var second = await ReadJson(await _server.Client.PostAsync("v1/chat/completions", JsonBody(Ask("Who signed it?"))).WaitAsync(Timeout));
        int cached = second.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();
        Assert.True(cached >= 15, $"only {cached} prompt tokens reused");
        Assert.True(cached < second.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(JsonValueKind.Object, first.ValueKind);
    }

    [Fact]
    public async Task A_client_that_goes_away_while_queued_leaves_the_queue()
    {
        await using var server = await OpenAiServer.StartAsync(Options(parallel: 1, queue: 1), Registry).WaitAsync(Timeout);
        using var client = NewClient(server, null);
        using var held = await server.Pool.TryAcquireAsync(CancellationToken.None).WaitAsync(Timeout);
        using var cancel = new CancellationTokenSource();
        var waiting = client.PostAsync("v1/chat/completions", JsonBody(Chat()), cancel.Token);
        var deadline = DateTime.UtcNow + Timeout;
        while (server.Pool.Waiting == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(1, server.Pool.Waiting);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Timeout));
        while (server.Pool.Waiting != 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(0, server.Pool.Waiting);
        while (server.Metrics.Cancelled == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(1, server.Metrics.Cancelled);
    }

    [Fact]
    public async Task Thinking_switch_separates_reasoning_and_streams_the_same_split()
    {
        object Think(bool stream) => new
        {
            messages = new object[] { new { role = "user", content = "Think about it" } },
            max_tokens = 16,
            temperature = 0.9,
            seed = 3,
            stream,
            chat_template_kwargs = new { thinking = true },
        };
        var plain = await ReadJson(await _server.Client.PostAsync("v1/chat/completions", JsonBody(Think(false))).WaitAsync(Timeout));
        var message = plain.GetProperty("choices")[0].GetProperty("message");
        Assert.True(message.TryGetProperty("reasoning_content", out var reasoning), "no reasoning_content with thinking on");
        string raw = await (await _server.Client.PostAsync("v1/chat/completions", JsonBody(Think(true))).WaitAsync(Timeout)).Content.ReadAsStringAsync();
        var streamed = new StringBuilder();
        var streamedReasoning = new StringBuilder();
        foreach (var e in raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Where(e => e != "data: [DONE]"))
        {
            var delta = JsonDocument.Parse(e["data: ".Length..]).RootElement.GetProperty("choices")[0].GetProperty("delta");
            if (delta.TryGetProperty("content", out var c)) streamed.Append(c.GetString());
            if (delta.TryGetProperty("reasoning_content", out var r)) streamedReasoning.Append(r.GetString());
        }
        Assert.Equal(message.GetProperty("content").GetString(), streamed.ToString());
        Assert.Equal(reasoning.GetString(), streamedReasoning.ToString());
    }

    [Fact]
    public async Task A_conversation_is_encoded_as_its_turns_by_the_chat_template()
    {
        var body = new
        {
            messages = new object[]
            {
                new { role = "system", content = "Be brief." },
                new { role = "user", content = "Name a colour." },
                new { role = "assistant", content = "Blue." },
                new { role = "user", content = new object[] { new { type = "text", text = "Another one?" } } },
            },
            max_tokens = 4,
            temperature = 0,
        };
        var response = await _server.Client.PostAsync("v1/chat/completions", JsonBody(body)).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usage = (await ReadJson(response)).GetProperty("usage");

        using var session = new InferenceSession(Registry);
        var model = session.Import(FixturePaths.TinyModelF16, contextLength: 512);
        var tokenizer = ((DeepSeekV4.Engine.Tokenization.DeepSeekChatTokenizer)model.Model.Tokenizer).Tokenizer;
        int[] expected = tokenizer.EncodeChat(new DeepSeekV4.Engine.Tokenization.ChatPrompt
        {
            SystemPrompt = "Be brief.",
            Turns = [ChatTurn.User("Name a colour."), ChatTurn.Assistant("Blue."), ChatTurn.User("Another one?")],
        }).Ids;
        Assert.Equal(expected.Length, usage.GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task A_conversation_that_does_not_end_with_the_user_is_refused()
    {
        var body = new { messages = new object[] { new { role = "user", content = "Hi" }, new { role = "assistant", content = "Hello" } } };
        var response = await _server.Client.PostAsync("v1/chat/completions", JsonBody(body)).WaitAsync(Timeout);
        await AssertError(response, HttpStatusCode.BadRequest, "must end with a user message");
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_stream_cancels_the_generation_and_meanwhile_others_get_503()
    {
        await using var server = await OpenAiServer.StartAsync(Options(parallel: 1, queue: 0), Registry).WaitAsync(Timeout);
        using var client = NewClient(server, null);
        object Long(bool stream) => new { messages = new object[] { new { role = "user", content = "Tell a long story." } }, max_tokens = 480, seed = 11, stream };
        // precondition: with this seed the answer runs to max_tokens, so it is still going when the client leaves
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var full = await ReadJson(await client.PostAsync("v1/chat/completions", JsonBody(Long(false))).WaitAsync(Timeout));
        Assert.Equal("length", full.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        double seconds = clock.Elapsed.TotalSeconds;
        long before = server.Metrics.Requests;

        // a handler that drops the connection instead of draining the rest of the answer to reuse it
        using (var leaving = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = server.Address, Timeout = Timeout })
        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = JsonBody(Long(true)) })
        using (var response = await leaving.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Timeout))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            string? first = await reader.ReadLineAsync().WaitAsync(Timeout);
            Assert.StartsWith("data: ", first);
            // meanwhile, with one slot and no queue, a second client is turned away
            var second = await client.PostAsync("v1/chat/completions", JsonBody(Chat())).WaitAsync(Timeout);
            await AssertError(second, HttpStatusCode.ServiceUnavailable, "busy");
            Assert.NotNull(second.Headers.RetryAfter);
        }
        var deadline = DateTime.UtcNow + Timeout;
        while (server.Metrics.Cancelled == 0 && server.Metrics.Requests == before && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(server.Metrics.Cancelled == 1, $"the generation ran to its end instead (a whole answer takes {seconds:F2} s)");
        Assert.Equal(before, server.Metrics.Requests);
        // the slot is free again
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("v1/chat/completions", JsonBody(Chat())).WaitAsync(Timeout)).StatusCode);
    }
}
