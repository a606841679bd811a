using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Sampling;
using AI = Microsoft.Extensions.AI;

namespace DeepSeekV4.Engine.Tests.Inference;

/// <summary>The in-process model through Microsoft.Extensions.AI's IChatClient gives what the engine's own API gives.</summary>
public sealed class ModelChatClientTests : IDisposable
{
    private readonly InferenceSession _session = new(new ModelRegistry(DeepSeekV4ModelLoader.Instance, () => long.MaxValue));
    private readonly SessionModel _model;

    public ModelChatClientTests() => _model = _session.Import(FixturePaths.TinyModelF16, contextLength: 512, options: new ModelLoadOptions { Threads = 1 });

    public void Dispose() => _session.Dispose();

    private static readonly AI.ChatMessage[] Chat =
    [
        new(AI.ChatRole.System, "Be brief."),
        new(AI.ChatRole.User, "Hi"),
        new(AI.ChatRole.Assistant, "Hello."),
        new(AI.ChatRole.User, "Name a color."),
    ];

    private static AI.ChatOptions Options(bool think = false) => new()
    {
        MaxOutputTokens = 9, Temperature = 0.7f, TopK = 20, Seed = 99,
        Reasoning = think ? new AI.ReasoningOptions { Effort = AI.ReasoningEffort.Medium } : null,
    };

    private CompletionResult Direct(bool think) => _model.Complete(new CompletionRequest
    {
        SystemPrompt = "Be brief.",
        History = [Engine.Tokenization.ChatTurn.User("Hi"), Engine.Tokenization.ChatTurn.Assistant("Hello.")],
        Prompt = "Name a color.",
        MaxTokens = 9,
        Think = think,
        Sampling = new SamplerSettings { Temperature = 0.7f, TopK = 20, Seed = 99 },
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_response_has_the_engines_text_reasoning_usage_and_finish_reason(bool think)
    {
        var expected = Direct(think);
        AI.IChatClient client = new ModelChatClient(_model);
        var response = await client.GetResponseAsync(Chat, Options(think));
        Assert.Equal(expected.Text, response.Text);
        Assert.Equal(expected.Reasoning, think ? string.Concat(response.Messages[0].Contents.OfType<AI.TextReasoningContent>().Select(r => r.Text)) : null);
        Assert.Equal(expected.PromptTokens, response.Usage!.InputTokenCount);
        Assert.Equal(expected.CompletionTokens, response.Usage.OutputTokenCount);
        Assert.Equal(expected.FinishReason == FinishReason.MaxTokens ? AI.ChatFinishReason.Length : AI.ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task Streaming_updates_add_up_to_the_text_and_end_with_usage()
    {
        var expected = Direct(false);
        AI.IChatClient client = new ModelChatClient(_model);
        var updates = new List<AI.ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync(Chat, Options())) updates.Add(u);
        Assert.Equal(expected.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(expected.CompletionTokens, updates[^1].Contents.OfType<AI.UsageContent>().Single().Details.OutputTokenCount);
        Assert.NotNull(updates[^1].FinishReason);
    }

    [Fact]
    public async Task A_chat_that_does_not_end_with_a_user_message_is_refused_naming_the_role()
    {
        AI.IChatClient client = new ModelChatClient(_model);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync([new AI.ChatMessage(AI.ChatRole.Assistant, "x")]));
        Assert.Contains("the last from 'assistant'", e.Message, StringComparison.Ordinal);
    }
}
