using System.Text.Json;
using System.Threading.Channels;
using DeepSeekV4.Engine.Inference;
using Microsoft.AspNetCore.Http;

namespace DeepSeekV4.Cli.Serving;

/// <summary>
/// POST /v1/chat/completions and POST /v1/completions: reads the body (size-limited, JSON), waits for a slot in the
/// bounded queue, runs the completion on the slot's session model on its own thread, and answers with one JSON
/// object or, with <c>stream: true</c>, server-sent events ending with <c>data: [DONE]</c>. The client going away
/// cancels the wait or the generation.
/// </summary>
public sealed class CompletionEndpoint(SlotPool pool, ServerMetrics metrics, ServeOptions options, bool chat)
{
    private string ServedName => pool.Model.Name;

    public async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        try
        {
            var request = await ReadAsync(context, ct);
            if (request.Model != null && !string.Equals(request.Model, ServedName, StringComparison.OrdinalIgnoreCase))
                throw new OpenAiError(404, $"the model '{request.Model}' does not exist (this server serves '{ServedName}')", param: "model", code: "model_not_found");
            using var lease = await pool.TryAcquireAsync(ct);
            if (lease == null)
            {
                metrics.Rejected();
                context.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                throw new OpenAiError(503, $"the server is busy: {pool.Slots.Length} requests generating and {options.Queue} waiting; retry later",
                    type: "server_error", code: "server_overloaded");
            }
            if (request.Stream) await StreamAsync(context, request, lease.Slot, ct);
            else await AnswerAsync(context, request, lease.Slot, ct);
        }
        catch (OpenAiError e) when (!context.Response.HasStarted)
        {
            await e.WriteAsync(context.Response, ct);
        }
        catch (Exception e) when (ct.IsCancellationRequested || e is IOException)
        {
            // the client went away: while queued, while generating, or while its answer was being written
            metrics.CountCancelled();
        }
    }

    private async Task<OpenAiRequest> ReadAsync(HttpContext context, CancellationToken ct)
    {
        if (context.Request.ContentLength > options.MaxRequestBodyBytes) throw TooLarge();
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, ct);
        }
        catch (JsonException e)
        {
            throw OpenAiError.BadRequest($"the request body is not valid JSON: {e.Message}");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }
        using (document) return OpenAiRequest.Parse(document.RootElement, chat, pool.Model.ContextLength);
    }

    private OpenAiError TooLarge() =>
        new(413, $"the request body is larger than {options.MaxRequestBodyBytes} bytes", code: "request_too_large");

    private async Task AnswerAsync(HttpContext context, OpenAiRequest request, ServingSlot slot, CancellationToken ct)
    {
        var result = await GenerateAsync(slot, request.Completion, null, ct);
        object choice = chat
            ? new { index = 0, message = Message(result), logprobs = (object?)null, finish_reason = FinishReasonName(result.FinishReason) }
            : new { index = 0, text = result.Text, logprobs = (object?)null, finish_reason = FinishReasonName(result.FinishReason) };
        var body = new
        {
            id = NewId(),
            @object = chat ? "chat.completion" : "text_completion",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model = ServedName,
            choices = new[] { choice },
            usage = Usage(result),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body), ct);
    }

    private async Task StreamAsync(HttpContext context, OpenAiRequest request, ServingSlot slot, CancellationToken ct)
    {
        string id = NewId();
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var chunks = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        // a write that fails (the client closed the stream) stops the generation too, not only RequestAborted
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var generation = GenerateAsync(slot, request.Completion, e =>
        {
            if (e is TextChunkEvent t) chunks.Writer.TryWrite(t.Text);
        }, stop.Token);
        _ = generation.ContinueWith(_ => chunks.Writer.TryComplete(), TaskScheduler.Default);

        bool written = false;
        try
        {
            await WriteEventsAsync(context.Response, request, generation, chunks.Reader, id, created, ct);
            written = true;
        }
        finally
        {
            if (!written) await stop.CancelAsync();
            // the slot is handed on only once its model is idle again
            try
            {
                await generation;
            }
            catch (Exception)
            {
                // reported by WriteEventsAsync, or the client is gone
            }
        }
    }

    private async Task WriteEventsAsync(HttpResponse response, OpenAiRequest request, Task<CompletionResult> generation, ChannelReader<string> chunks,
        string id, long created, CancellationToken ct)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        async Task Send(object data)
        {
            await response.WriteAsync("data: " + JsonSerializer.Serialize(data) + "\n\n", ct);
            await response.Body.FlushAsync(ct);
        }
        object Chunk(object delta, string? finish) => chat
            ? new { id, @object = "chat.completion.chunk", created, model = ServedName, choices = new[] { new { index = 0, delta, logprobs = (object?)null, finish_reason = finish } } }
            : new { id, @object = "text_completion", created, model = ServedName, choices = new[] { new { index = 0, text = (string)delta, logprobs = (object?)null, finish_reason = finish } } };

        if (chat) await Send(Chunk(new { role = "assistant", content = "" }, null));
        var splitter = new ThinkingSplitter(request.Completion.Think);
        async Task SendText(string reasoning, string answer)
        {
            if (reasoning.Length > 0 && chat) await Send(Chunk(new { reasoning_content = reasoning }, null));
            if (answer.Length > 0) await Send(Chunk(chat ? new { content = answer } : answer, null));
        }
        await foreach (string text in chunks.ReadAllAsync(ct))
        {
            var (reasoning, answer) = splitter.Push(text);
            await SendText(reasoning, answer);
        }
        CompletionResult result;
        try
        {
            result = await generation;
        }
        catch (OpenAiError e)
        {
            await response.WriteAsync("data: " + e.ToJson() + "\n\n", ct);
            return;
        }
        await SendText(splitter.Flush(), "");
        await Send(Chunk(chat ? new { } : "", FinishReasonName(result.FinishReason)));
        if (request.IncludeUsage)
            await Send(new { id, @object = chat ? "chat.completion.chunk" : "text_completion", created, model = ServedName, choices = Array.Empty<object>(), usage = Usage(result) });
        await response.WriteAsync("data: [DONE]\n\n", ct);
        await response.Body.FlushAsync(ct);
    }

    /// <summary>Runs the completion on a thread of its own (generation is synchronous and long); engine refusals become 400s.</summary>
    private Task<CompletionResult> GenerateAsync(ServingSlot slot, CompletionRequest request, Action<EngineEvent>? onEvent, CancellationToken ct) =>
        Task.Factory.StartNew(() =>
        {
            try
            {
                var result = slot.Model.Complete(request, onEvent, ct);
                slot.UpdateKvCacheBytes();
                metrics.Completed(result);
                return result;
            }
            catch (ContextOverflowException e)
            {
                throw new OpenAiError(400, e.Message, code: "context_length_exceeded");
            }
            catch (ArgumentException e)
            {
                throw OpenAiError.BadRequest(e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                metrics.Failed();
                throw new OpenAiError(500, $"the completion failed: {e.Message}", type: "server_error");
            }
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static Dictionary<string, object?> Message(CompletionResult result)
    {
        var message = new Dictionary<string, object?> { ["role"] = "assistant", ["content"] = result.Text };
        if (result.Reasoning != null) message["reasoning_content"] = result.Reasoning;
        return message;
    }

    private static object Usage(CompletionResult r) => new
    {
        prompt_tokens = r.PromptTokens,
        completion_tokens = r.CompletionTokens,
        total_tokens = r.PromptTokens + r.CompletionTokens,
        prompt_tokens_details = new { cached_tokens = r.ReusedTokens },
    };

    /// <summary>OpenAI's finish reasons: "stop" for an end token, a stop string or a complete JSON document, "length" for max_tokens or a full context.</summary>
    public static string FinishReasonName(FinishReason reason) => reason switch
    {
        FinishReason.EndOfSequence or FinishReason.StopString or FinishReason.DocumentComplete => "stop",
        _ => "length",
    };

    private string NewId() => (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
}
