using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Text;
using DeepSeekV4.Engine.Inference;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Models;

namespace DeepSeekV4.Engine.Remote;

/// <summary>
/// A model served by an OpenAI-compatible endpoint (vLLM, SGLang, llama.cpp's server, dsv4 serve), completed through
/// the official OpenAI SDK. Every completion streams (server-sent events), so that chunks, the time to the first
/// token and a dropped connection are seen as they happen; the result is the same <see cref="CompletionResult"/> a
/// local model gives. Unlike a local model, completions on one remote model may run concurrently.
/// </summary>
public sealed class RemoteModel : ISessionModel
{
    private readonly ChatClient _chat;
    private readonly RemoteEndpointOptions _options;

    private RemoteModel(string name, ServedModel served, RemoteEndpointOptions options, ChatClient chat)
    {
        Name = name;
        Served = served;
        _options = options;
        _chat = chat;
    }

    public string Name { get; }

    public ModelKind Kind => ModelKind.Remote;

    /// <summary>The endpoint's base address (…/v1).</summary>
    public Uri Endpoint => _options.BaseUri;

    public ServedModel Served { get; }

    public RemoteEndpointOptions Options => _options;

    /// <summary>The endpoint and served id, for messages.</summary>
    public string Origin => $"{Endpoint} (model '{Served.Id}')";

    /// <summary>
    /// Asks the endpoint's GET /v1/models which models it serves, picks <see cref="RemoteEndpointOptions.ServedModel"/>
    /// (or the only one) and returns the model, not yet in any session.
    /// </summary>
    public static RemoteModel Connect(RemoteEndpointOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var endpoint = options.BaseUri;
        var clientOptions = ClientOptions(options);
        var credential = new ApiKeyCredential(options.ApiKey ?? "none");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        IReadOnlyList<ServedModel> models;
        try
        {
            var result = new OpenAIModelClient(credential, clientOptions).GetModelsAsync(new RequestOptions { CancellationToken = deadline.Token })
                .GetAwaiter().GetResult();
            models = ServedModel.ParseList(result.GetRawResponse().Content.ToMemory(), endpoint);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RemoteTimeoutException($"connecting: {endpoint}/models did not answer within {options.Timeout.TotalSeconds:0.#} s", endpoint, options.Timeout, e);
        }
        catch (Exception e) when (RemoteFailure.Translate(e, "connecting", endpoint, 0) is { } translated)
        {
            throw translated;
        }
        var served = ServedModel.Pick(models, options.ServedModel, endpoint);
        return new RemoteModel(options.Name ?? served.Id, served, options, new ChatClient(served.Id, credential, clientOptions));
    }

    /// <summary>The SDK's own retries are off (busy answers are retried here, within the request's deadline).</summary>
    private static OpenAIClientOptions ClientOptions(RemoteEndpointOptions options) => new()
    {
        Endpoint = options.BaseUri,
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        NetworkTimeout = options.Timeout + TimeSpan.FromSeconds(5),
        UserAgentApplicationId = "DeepSeekV4",
    };

    /// <summary>Whether <paramref name="other"/> is the same endpoint and served id (a reconnect rather than a clash of names).</summary>
    internal bool SameTarget(RemoteModel other) => Endpoint == other.Endpoint && Served.Id == other.Served.Id;

    public IModelInfo Describe(bool isCurrent) =>
        new RemoteModelInfo(Name, Endpoint, Served.Id, Served.ContextLength ?? 0, Served.OwnedBy, _options.MaxConcurrency, _options.Timeout, isCurrent);

    public CompletionResult Complete(CompletionRequest request, Action<EngineEvent>? onEvent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        return CompleteAsync(request, onEvent, cancellationToken).GetAwaiter().GetResult();
    }

    /// <summary>The server's Prometheus metrics (KV-cache usage, prefix-cache hits, queue), or a report that it has none.</summary>
    public RemoteServerStats GetServerStats(CancellationToken cancellationToken = default) =>
        RemoteServerStats.Read(Name, Endpoint, _options.ApiKey, _options.Timeout, cancellationToken);

    private async Task<CompletionResult> CompleteAsync(CompletionRequest request, Action<EngineEvent>? onEvent, CancellationToken cancellationToken)
    {
        string what = request.Source ?? "request";
        ulong seed = request.Sampling.Seed ?? (ulong)Random.Shared.NextInt64(long.MaxValue);
        var messages = RemoteChatRequest.Messages(request);
        var chatOptions = RemoteChatRequest.Options(request, seed);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        long started = Stopwatch.GetTimestamp();
        int retries = 0;
        while (true)
        {
            try
            {
                return await StreamAsync(request, seed, messages, chatOptions, onEvent, deadline.Token).ConfigureAwait(false);
            }
            catch (ClientResultException e) when (RemoteRetry.IsRetryable(e) && retries < _options.MaxRetries
                                                  && RemoteRetry.Delay(e, retries + 1, _options, DateTimeOffset.UtcNow) is var delay
                                                  && Stopwatch.GetElapsedTime(started) + delay < _options.Timeout)
            {
                retries++;
                onEvent?.Invoke(new DiagnosticEvent($"{what}: {Endpoint} answered HTTP {e.Status}; retry {retries} of {_options.MaxRetries} in {delay.TotalSeconds:0.##} s"));
                try
                {
                    await Task.Delay(delay, deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ce) when (!cancellationToken.IsCancellationRequested)
                {
                    throw Timeout(what, ce);
                }
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw Timeout(what, e);
            }
            catch (Exception e) when (e is not OperationCanceledException && RemoteFailure.Translate(e, what, Endpoint, retries) is { } translated)
            {
                // A read torn by cancellation surfaces as an I/O error: it is the caller's stop or the deadline, not the network.
                cancellationToken.ThrowIfCancellationRequested();
                if (deadline.IsCancellationRequested) throw Timeout(what, e);
                throw translated;
            }
        }
    }

    private RemoteTimeoutException Timeout(string what, Exception inner) => new(
        $"{what}: {Endpoint} did not finish the request within {_options.Timeout.TotalSeconds:0.#} s (Connect-DSEndpoint -TimeoutSec)",
        Endpoint, _options.Timeout, inner);

    private async Task<CompletionResult> StreamAsync(CompletionRequest request, ulong seed, List<ChatMessage> messages, ChatCompletionOptions chatOptions,
        Action<EngineEvent>? onEvent, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        string? stopReason = null;
        long started = Stopwatch.GetTimestamp();
        long firstToken = 0;
        int chunks = 0;
        await foreach (var update in _chat.CompleteChatStreamingAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false))
        {
            if (RemoteStreamFields.Reasoning(update) is { Length: > 0 } thought)
            {
                if (firstToken == 0) firstToken = Stopwatch.GetTimestamp();
                reasoning.Append(thought);
                onEvent?.Invoke(new TextChunkEvent(thought));
            }
            foreach (var part in update.ContentUpdate)
            {
                if (part.Kind != ChatMessageContentPartKind.Text || string.IsNullOrEmpty(part.Text)) continue;
                if (firstToken == 0) firstToken = Stopwatch.GetTimestamp();
                // A local model streams its reasoning, then "</think>", then the answer; a remote one does the same.
                if (text.Length == 0 && reasoning.Length > 0) onEvent?.Invoke(new TextChunkEvent("</think>"));
                text.Append(part.Text);
                onEvent?.Invoke(new TextChunkEvent(part.Text));
            }
            chunks++;
            if (update.FinishReason is { } f)
            {
                finish = f;
                stopReason ??= RemoteStreamFields.StopReason(update);
            }
            if (update.Usage is { } u) usage = u;
        }
        long ended = Stopwatch.GetTimestamp();
        if (finish == null)
            throw new RemoteConnectionException(
                $"{request.Source ?? "request"}: the event stream from {Endpoint} ended after {chunks} chunk(s) without a finish reason (the connection dropped or the server failed)",
                Endpoint);
        int promptTokens = usage?.InputTokenCount ?? 0;
        int completionTokens = usage?.OutputTokenCount ?? chunks;
        double prefillSeconds = firstToken == 0 ? 0 : Stopwatch.GetElapsedTime(started, firstToken).TotalSeconds;
        double decodeSeconds = firstToken == 0 ? 0 : Stopwatch.GetElapsedTime(firstToken, ended).TotalSeconds;
        int reused = usage?.InputTokenDetails?.CachedTokenCount ?? 0;
        var finishReason = MapFinish(finish.Value, stopReason, completionTokens, request.MaxTokens);
        var document = request.JsonOutput is null ? null : ParseDocument(text.ToString());
        if (document != null && finishReason == FinishReason.EndOfSequence) finishReason = FinishReason.DocumentComplete;
        return new CompletionResult
        {
            Text = text.ToString(),
            Json = document,
            JsonComplete = request.JsonOutput is null ? null : document != null,
            Reasoning = request.Think ? reasoning.ToString() : null,
            Source = request.Source,
            PromptTokens = promptTokens,
            CompletionTokens = completionTokens,
            ReusedTokens = reused,
            FinishReason = finishReason,
            PrefillTokensPerSecond = prefillSeconds > 0 ? (promptTokens - reused) / prefillSeconds : 0,
            DecodeTokensPerSecond = decodeSeconds > 0 && completionTokens > 1 ? (completionTokens - 1) / decodeSeconds : 0,
            Model = Name,
            Seed = seed,
            Template = $"server ({Served.Id})",
        };
    }

    /// <summary>The server's JSON answer as a document; null when it does not parse (cut short, or a server that ignored response_format).</summary>
    private static System.Text.Json.JsonElement? ParseDocument(string text)
    {
        try
        {
            using var parsed = System.Text.Json.JsonDocument.Parse(text);
            return parsed.RootElement.Clone();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// OpenAI's finish reasons in the engine's terms: "stop" is a stop string when the server names it (vLLM's stop_reason)
    /// and otherwise the end token; "length" is MaxTokens when that many were made, else a full context.
    /// </summary>
    internal static FinishReason MapFinish(ChatFinishReason finish, string? stopReason, int completionTokens, int maxTokens) => finish switch
    {
        ChatFinishReason.Stop => stopReason != null ? FinishReason.StopString : FinishReason.EndOfSequence,
        ChatFinishReason.Length => completionTokens >= maxTokens ? FinishReason.MaxTokens : FinishReason.ContextFull,
        _ => FinishReason.EndOfSequence,
    };

    public void Dispose()
    {
    }
}
