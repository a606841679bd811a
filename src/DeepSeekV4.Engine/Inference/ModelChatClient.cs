using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DeepSeekV4.Engine.Sampling;
using DeepSeekV4.Engine.Tokenization;
using AI = Microsoft.Extensions.AI;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// A session's model (local or remote) as a Microsoft.Extensions.AI <see cref="AI.IChatClient"/>, so that .NET programs use
/// the engine in-process through the common abstraction. System messages become the system prompt, earlier user and
/// assistant messages the history, the last user message the prompt. Options map to the sampler (Temperature, TopP,
/// TopK, Seed, StopSequences, MaxOutputTokens, penalties; "min_p" and "repetition_penalty" from AdditionalProperties);
/// any Reasoning effort other than None turns thinking on, and the reasoning comes back as <see cref="AI.TextReasoningContent"/>.
/// </summary>
public sealed class ModelChatClient(ISessionModel model) : AI.IChatClient
{
    private readonly ISessionModel _model = model ?? throw new ArgumentNullException(nameof(model));

    public async Task<AI.ChatResponse> GetResponseAsync(IEnumerable<AI.ChatMessage> messages, AI.ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var request = Request(messages, options);
        var result = await Task.Run(() => _model.Complete(request, null, cancellationToken), cancellationToken).ConfigureAwait(false);
        var contents = new List<AI.AIContent>();
        if (!string.IsNullOrEmpty(result.Reasoning)) contents.Add(new AI.TextReasoningContent(result.Reasoning));
        contents.Add(new AI.TextContent(result.Text));
        return new AI.ChatResponse(new AI.ChatMessage(AI.ChatRole.Assistant, contents))
        {
            ModelId = result.Model,
            FinishReason = Finish(result.FinishReason),
            Usage = Usage(result),
            CreatedAt = DateTimeOffset.UtcNow,
            RawRepresentation = result,
        };
    }

    public async IAsyncEnumerable<AI.ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AI.ChatMessage> messages,
        AI.ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = Request(messages, options);
        var channel = Channel.CreateUnbounded<AI.ChatResponseUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var run = Task.Run(() =>
        {
            try
            {
                var result = _model.Complete(request, e =>
                {
                    if (e is TextChunkEvent chunk) channel.Writer.TryWrite(new AI.ChatResponseUpdate(AI.ChatRole.Assistant, chunk.Text) { ModelId = _model.Name });
                }, cancellationToken);
                channel.Writer.TryWrite(new AI.ChatResponseUpdate(AI.ChatRole.Assistant, [new AI.UsageContent(Usage(result))])
                {
                    ModelId = result.Model,
                    FinishReason = Finish(result.FinishReason),
                    RawRepresentation = result,
                });
                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        await foreach (var update in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false)) yield return update;
        await run.ConfigureAwait(false);
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey != null) return null;
        if (serviceType == typeof(AI.ChatClientMetadata)) return new AI.ChatClientMetadata("DeepSeekV4", null, _model.Name);
        return serviceType.IsInstanceOfType(_model) ? _model : serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>The session owns the model; the adapter leaves it loaded.</summary>
    public void Dispose()
    {
    }

    /// <summary>The engine's request for a chat: the conversation must end with a user message.</summary>
    public static CompletionRequest Request(IEnumerable<AI.ChatMessage> messages, AI.ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        if (list.Count == 0 || list[^1].Role != AI.ChatRole.User)
            throw new ArgumentException($"a chat must end with a user message (it has {list.Count} message(s){(list.Count == 0 ? "" : $", the last from '{list[^1].Role}'")})", nameof(messages));
        var system = list.Where(m => m.Role == AI.ChatRole.System).Select(m => m.Text).ToList();
        if (options?.Instructions is { Length: > 0 } instructions) system.Insert(0, instructions);
        var history = new List<ChatTurn>();
        foreach (var m in list.Take(list.Count - 1))
        {
            if (m.Role == AI.ChatRole.User) history.Add(ChatTurn.User(m.Text));
            else if (m.Role == AI.ChatRole.Assistant)
            {
                string? reasoning = string.Concat(m.Contents.OfType<AI.TextReasoningContent>().Select(r => r.Text));
                history.Add(ChatTurn.Assistant(m.Text, reasoning.Length == 0 ? null : reasoning));
            }
        }
        var extra = options?.AdditionalProperties;
        var request = new CompletionRequest
        {
            Prompt = list[^1].Text,
            SystemPrompt = system.Count == 0 ? null : string.Join("\n\n", system),
            History = history,
            Think = options?.Reasoning?.Effort is { } effort && effort != AI.ReasoningEffort.None,
            MaxTokens = options?.MaxOutputTokens ?? CompletionRequest.DefaultMaxTokens,
            Stop = options?.StopSequences is { } stop ? [.. stop] : [],
            Sampling = new SamplerSettings
            {
                Temperature = options?.Temperature ?? 1.0,
                TopP = options?.TopP ?? 1.0,
                TopK = options?.TopK ?? 0,
                MinP = extra != null && extra.TryGetValue("min_p", out double minP) ? minP : 0,
                RepetitionPenalty = extra != null && extra.TryGetValue("repetition_penalty", out double repetition) ? repetition : 1.0,
                FrequencyPenalty = options?.FrequencyPenalty ?? 0,
                PresencePenalty = options?.PresencePenalty ?? 0,
                Seed = options?.Seed is { } seed ? unchecked((ulong)seed) : null,
            },
            Source = "chat",
        };
        request.Validate();
        return request;
    }

    private static AI.ChatFinishReason Finish(FinishReason reason) => reason switch
    {
        FinishReason.MaxTokens or FinishReason.ContextFull => AI.ChatFinishReason.Length,
        _ => AI.ChatFinishReason.Stop,
    };

    private static AI.UsageDetails Usage(CompletionResult r) => new()
    {
        InputTokenCount = r.PromptTokens,
        OutputTokenCount = r.CompletionTokens,
        TotalTokenCount = r.PromptTokens + r.CompletionTokens,
        CachedInputTokenCount = r.ReusedTokens,
    };
}
