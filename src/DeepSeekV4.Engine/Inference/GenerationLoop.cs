using System.Diagnostics;
using System.Runtime.InteropServices;
using DeepSeekV4.Engine.Sampling;
using DeepSeekV4.Engine.Sampling.Constraints;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// One completion on one session's sequences: encode, reuse the cached prefix, prefill the rest in chunks, then
/// sample token by token until end of sequence, a stop string, the token limit or a full context. With JSON output
/// the constraint masks the logits before the sampler sees them, and a complete document ends generation.
/// </summary>
internal static class GenerationLoop
{
    /// <summary>Prompt tokens per forward call: bounds the model's scratch and the time between cancellation checks.</summary>
    internal const int PrefillChunk = 512;

    private const string EndOfThinking = "</think>";

    public static CompletionResult Run(IChatTokenizer tokenizer, string modelName, PrefixCache cache, float[] logits,
        CompletionRequest request, Action<EngineEvent>? onEvent, CancellationToken cancellationToken)
    {
        request.Validate();
        var sampler = new SamplerChain(request.Sampling, logits.Length);
        var encoded = tokenizer.EncodeChat(new ChatPrompt(request.SystemPrompt, request.UserText, request.Think, request.History));
        int[] prompt = encoded.Ids;
        if (prompt.Length == 0) throw new ArgumentException("the chat encoding produced no tokens", nameof(request));
        if (prompt.Length > cache.ContextLength) throw new ContextOverflowException(prompt.Length, cache.ContextLength, request.Source);
        int? sharedHead = request.SharedHead is { } head
            ? PrefixCache.CommonPrefix(tokenizer.EncodeChat(new ChatPrompt(request.SystemPrompt, head, request.Think, request.History)).Ids, prompt)
            : null;
        cancellationToken.ThrowIfCancellationRequested();

        long start = Stopwatch.GetTimestamp();
        int reused = cache.Prepare(prompt);
        int checkpointAt = cache.CheckpointPosition(prompt, sharedHead, reused);
        Guard(cache, () => Prefill(cache, prompt, reused, checkpointAt, logits, onEvent, cancellationToken));
        cache.RememberPrompt(prompt);
        long prefilled = Stopwatch.GetTimestamp();

        var matcher = new StopStringMatcher(request.Stop);
        var generated = new List<int>(Math.Min(request.MaxTokens, 4096));
        var constraint = request.JsonOutput?.CreateConstraint(tokenizer, logits.Length);
        var reason = Guard(cache, () => Decode(tokenizer, cache, sampler, constraint, logits, request, matcher, generated, onEvent, cancellationToken));
        long finished = Stopwatch.GetTimestamp();

        string text = matcher.Text;
        bool complete = constraint != null && constraint.IsComplete && !matcher.Stopped;
        string? reasoning = null;
        if (request.Think)
        {
            int end = text.IndexOf(EndOfThinking, StringComparison.Ordinal);
            reasoning = end < 0 ? text : text[..end];
            text = end < 0 ? "" : text[(end + EndOfThinking.Length)..].TrimStart();
        }
        return new CompletionResult
        {
            Text = text,
            Reasoning = reasoning,
            Source = request.Source,
            PromptTokens = prompt.Length,
            CompletionTokens = generated.Count,
            ReusedTokens = reused,
            FinishReason = reason,
            PrefillTokensPerSecond = Rate(prompt.Length - reused, start, prefilled),
            DecodeTokensPerSecond = Rate(generated.Count, prefilled, finished),
            Model = modelName,
            Seed = sampler.Seed,
            Template = encoded.Template,
            Json = constraint != null && complete ? ParseDocument(text) : null,
            JsonComplete = constraint == null ? null : complete,
            ConstraintSeconds = constraint?.Elapsed.TotalSeconds,
        };
    }

    private static System.Text.Json.JsonElement ParseDocument(string text)
    {
        using var document = System.Text.Json.JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static void Prefill(PrefixCache cache, int[] prompt, int reused, int checkpointAt, float[] logits,
        Action<EngineEvent>? onEvent, CancellationToken cancellationToken)
    {
        var sequence = cache.Active!;
        int total = prompt.Length - reused, done = 0;
        onEvent?.Invoke(new PrefillProgressEvent(0, total));
        for (int position = reused; position < prompt.Length;)
        {
            int end = Math.Min(prompt.Length, position + PrefillChunk);
            if (checkpointAt > position && checkpointAt < end) end = checkpointAt;
            int before = done;
            Action<int, int>? progress = onEvent == null ? null : (d, _) => onEvent(new PrefillProgressEvent(before + d, total));
            sequence.Forward(prompt.AsSpan(position, end - position), logits, cancellationToken, progress);
            done += end - position;
            position = end;
            onEvent?.Invoke(new PrefillProgressEvent(done, total));
            if (position == checkpointAt) cache.TakeCheckpoint();
        }
    }

    private static FinishReason Decode(IChatTokenizer tokenizer, PrefixCache cache, SamplerChain sampler, JsonConstraint? constraint,
        float[] logits, CompletionRequest request, StopStringMatcher matcher, List<int> generated, Action<EngineEvent>? onEvent,
        CancellationToken cancellationToken)
    {
        if (request.MaxTokens == 0) return FinishReason.MaxTokens;
        var sequence = cache.Active!;
        int[] endIds = [.. tokenizer.EndOfGenerationIds];
        var decoder = tokenizer.CreateStreamingDecoder();
        Span<int> next = stackalloc int[1];
        FinishReason reason;
        // With thinking, the JSON constraint starts once the reasoning block is closed.
        bool reasoning = constraint != null && request.Think;
        string recent = "";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool constrained = constraint != null && !reasoning;
            if (constrained)
            {
                if (constraint!.IsFinished) { reason = FinishReason.DocumentComplete; break; }
                int budget = Math.Min(request.MaxTokens - generated.Count, cache.ContextLength - sequence.Length + 1);
                constraint.Apply(logits, budget);
            }
            int token = sampler.Sample(logits, CollectionsMarshal.AsSpan(generated));
            if (Array.IndexOf(endIds, token) >= 0) { reason = constrained ? FinishReason.DocumentComplete : FinishReason.EndOfSequence; break; }
            if (constrained) constraint!.Accept(token);
            generated.Add(token);
            string chunk = decoder.Push(token);
            if (reasoning)
            {
                recent += chunk;
                if (recent.Contains(EndOfThinking, StringComparison.Ordinal)) reasoning = false;
                else if (recent.Length > EndOfThinking.Length) recent = recent[^EndOfThinking.Length..];
            }
            if (matcher.Append(chunk)) { reason = FinishReason.StopString; break; }
            Emit(matcher, onEvent);
            if (constrained && constraint!.IsFinished) { reason = FinishReason.DocumentComplete; break; }
            if (generated.Count >= request.MaxTokens) { reason = FinishReason.MaxTokens; break; }
            if (sequence.Length >= cache.ContextLength) { reason = FinishReason.ContextFull; break; }
            next[0] = token;
            sequence.Forward(next, logits, cancellationToken, null);
        }
        if (!matcher.Stopped && matcher.Append(decoder.Flush())) reason = FinishReason.StopString;
        matcher.Finish();
        Emit(matcher, onEvent);
        return reason;
    }

    private static void Emit(StopStringMatcher matcher, Action<EngineEvent>? onEvent)
    {
        if (onEvent == null) return;
        string text = matcher.TakeEmittable();
        if (text.Length > 0) onEvent(new TextChunkEvent(text));
    }

    /// <summary>Runs a step; a failure other than cancellation may leave the model state unknown, so the active sequence is dropped.</summary>
    private static T Guard<T>(PrefixCache cache, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            cache.DiscardActive();
            throw;
        }
    }

    private static void Guard(PrefixCache cache, Action step) => Guard(cache, () => { step(); return 0; });

    private static double Rate(int tokens, long from, long to)
    {
        double seconds = Stopwatch.GetElapsedTime(from, to).TotalSeconds;
        return tokens <= 0 || seconds <= 0 ? 0 : tokens / seconds;
    }
}
