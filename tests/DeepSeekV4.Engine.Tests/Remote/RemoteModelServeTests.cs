using DeepSeekV4.Cli.Serving;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Remote;
using DeepSeekV4.Engine.Sampling;
using AI = Microsoft.Extensions.AI;

namespace DeepSeekV4.Engine.Tests.Remote;

/// <summary>
/// The client against `dsv4 serve`'s server on a loopback port with the dsv4-tiny model: a remote completion gives the
/// text the same model gives in-process for the same seed, and the session treats the remote model as one of its own.
/// </summary>
public sealed class RemoteModelServeTests : IClassFixture<RemoteModelServeTests.Server>
{
    private const string Key = "remote-test-key";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly ModelRegistry Registry = new(DeepSeekV4ModelLoader.Instance, () => long.MaxValue);
    private readonly Server _server;

    public RemoteModelServeTests(Server server) => _server = server;

    public sealed class Server : IAsyncLifetime
    {
        public OpenAiServer Instance { get; private set; } = null!;

        public InferenceSession Local { get; } = new(Registry);

        public SessionModel LocalModel { get; private set; } = null!;

        public Uri Api => new(Instance.Address, "v1");

        public async Task InitializeAsync()
        {
            Instance = await OpenAiServer.StartAsync(new ServeOptions
            {
                ModelPath = FixturePaths.TinyModelF16, Port = 0, Parallel = 2, Queue = 4, ContextLength = 512, ApiKey = Key,
                LoadOptions = new ModelLoadOptions { Threads = 1 },
            }, Registry).WaitAsync(Timeout);
            LocalModel = Local.Import(FixturePaths.TinyModelF16, contextLength: 512, options: new ModelLoadOptions { Threads = 1 });
        }

        public async Task DisposeAsync()
        {
            Local.Dispose();
            await Instance.DisposeAsync().AsTask().WaitAsync(Timeout);
        }
    }

    private RemoteModel Connect(string? key = Key, string? name = null) =>
        RemoteModel.Connect(new RemoteEndpointOptions { Uri = _server.Api, ApiKey = key, Name = name, Timeout = Timeout });

    private static CompletionRequest Request(bool think = false) => new()
    {
        Instruction = "Summarize:",
        Document = "The river rose in the night and the town woke to water in the streets.",
        SystemPrompt = "You are terse.",
        MaxTokens = 10,
        Think = think,
        Source = "flood.txt",
        Sampling = new SamplerSettings { Temperature = 0.8, TopP = 0.95, TopK = 50, MinP = 0.01, RepetitionPenalty = 1.05, Seed = 4242 },
    };

    [Fact]
    public void Connecting_reads_the_served_id_and_context_length_from_the_models_list()
    {
        var model = Connect();
        Assert.Equal("dsv4-tiny.f16", model.Served.Id);
        var info = Assert.IsType<RemoteModelInfo>(model.Describe(false));
        Assert.Equal((ModelKind.Remote, 512, "dsv4-tiny.f16", "dsv4"), (info.Kind, info.ContextLength, info.Name, info.OwnedBy));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_seeded_remote_completion_has_the_in_process_models_text_and_counts(bool think)
    {
        var expected = _server.LocalModel.Complete(Request(think));
        var chunks = new List<string>();
        var actual = Connect().Complete(Request(think), e => { if (e is TextChunkEvent t) chunks.Add(t.Text); });
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.Reasoning, actual.Reasoning);
        Assert.Equal((expected.PromptTokens, expected.CompletionTokens, expected.FinishReason), (actual.PromptTokens, actual.CompletionTokens, actual.FinishReason));
        Assert.Equal((4242UL, "flood.txt"), (actual.Seed, actual.Source));
        Assert.Equal(think ? expected.Reasoning + (actual.Text.Length > 0 ? "</think>" : "") + expected.Text : expected.Text, string.Concat(chunks));
    }

    [Fact]
    public void A_wrong_key_is_an_authentication_failure_at_connect()
    {
        var e = Assert.Throws<RemoteAuthenticationException>(() => Connect("wrong-key"));
        Assert.Equal(401, e.StatusCode);
        Assert.Contains("API key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_server_metrics_are_read_as_dsv4s()
    {
        var model = Connect();
        model.Complete(Request());
        var stats = model.GetServerStats();
        Assert.True(stats.HasMetrics, stats.Note);
        Assert.Equal("dsv4", stats.Server);
        Assert.True(stats.KvCacheBytes > 0);
    }

    [Fact]
    public void A_session_holds_remote_models_beside_local_ones_by_name()
    {
        using var session = new InferenceSession(Registry);
        var remote = session.Connect(Connect(name: "cluster"));
        Assert.Same(remote, session.Current);
        Assert.Same(remote, session.Resolve("CLUSTER"));
        Assert.Equal(ModelKind.Remote, session.Describe(remote).Kind);
        Assert.True(session.Describe(remote).IsCurrent);
        var again = session.Connect(Connect(name: "cluster"));
        Assert.Single(session.Models);
        Assert.Same(again, session.Current);
        var local = session.Import(FixturePaths.TinyModelF16, name: "local", contextLength: 512);
        var clash = Assert.Throws<ModelNameInUseException>(() => session.Connect(Connect(name: "local")));
        Assert.Contains(local.Path, clash.Message, StringComparison.Ordinal);
        Assert.Contains("remote model", Assert.Throws<InvalidOperationException>(() => session.ResolveLocal("cluster", "Measure-DSPerplexity")).Message, StringComparison.Ordinal);
        session.Remove(again);
        Assert.Same(local, session.Current);
    }

    [Fact]
    public async Task The_remote_model_is_an_IChatClient_too()
    {
        using var client = new ModelChatClient(Connect());
        var options = new AI.ChatOptions { MaxOutputTokens = 10, Temperature = 0.8f, TopP = 0.95f, TopK = 50, Seed = 4242,
            AdditionalProperties = new() { ["min_p"] = 0.01, ["repetition_penalty"] = 1.05 } };
        var response = await client.GetResponseAsync([new AI.ChatMessage(AI.ChatRole.System, "You are terse."),
            new AI.ChatMessage(AI.ChatRole.User, "Summarize:\n\nThe river rose in the night and the town woke to water in the streets.")], options);
        Assert.Equal(_server.LocalModel.Complete(Request()).Text, response.Text);
    }
}
