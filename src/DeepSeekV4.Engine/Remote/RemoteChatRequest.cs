using System.Text.Json;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Tokenization;
using OpenAI.Chat;

namespace DeepSeekV4.Engine.Remote;

/// <summary>
/// A <see cref="CompletionRequest"/> as an OpenAI chat request: the system prompt, the earlier turns and the user turn
/// as messages; the sampler's settings in the fields vLLM, SGLang and llama.cpp's server read (top_k, min_p and
/// repetition_penalty beside the standard ones), and thinking as DeepSeek V4's chat-template switch
/// (chat_template_kwargs.thinking); JSON output as response_format.
/// </summary>
public static class RemoteChatRequest
{
    public static List<ChatMessage> Messages(CompletionRequest request)
    {
        var messages = new List<ChatMessage>();
        if (!string.IsNullOrEmpty(request.SystemPrompt)) messages.Add(new SystemChatMessage(request.SystemPrompt));
        foreach (var turn in request.History)
        {
            messages.Add(turn.Role == ChatRole.Assistant ? new AssistantChatMessage(turn.Content) : new UserChatMessage(turn.Content));
        }
        messages.Add(new UserChatMessage(request.UserText));
        return messages;
    }

    /// <summary>The request's options; <paramref name="seed"/> is always sent, so that the result's seed reproduces it.</summary>
    public static ChatCompletionOptions Options(CompletionRequest request, ulong seed)
    {
        var s = request.Sampling;
        var options = new ChatCompletionOptions
        {
            MaxOutputTokenCount = request.MaxTokens,
            Temperature = (float)s.Temperature,
            TopP = (float)s.TopP,
        };
        if (s.FrequencyPenalty != 0) options.FrequencyPenalty = (float)s.FrequencyPenalty;
        if (s.PresencePenalty != 0) options.PresencePenalty = (float)s.PresencePenalty;
        foreach (var stop in request.Stop) options.StopSequences.Add(stop);
#pragma warning disable OPENAI001, SCME0001 // Seed and Patch are marked experimental in the SDK; both are what vLLM and SGLang read.
        // The SDK's seed is a long; the engine's seeds are 64-bit unsigned and go on the wire as the same JSON number.
        options.Patch.Set("$.seed"u8, seed);
        options.Patch.Set("$.max_tokens"u8, request.MaxTokens);
        if (s.TopK > 0) options.Patch.Set("$.top_k"u8, s.TopK);
        if (s.MinP > 0) options.Patch.Set("$.min_p"u8, s.MinP);
        if (s.RepetitionPenalty != 1.0) options.Patch.Set("$.repetition_penalty"u8, s.RepetitionPenalty);
        options.Patch.Set("$.chat_template_kwargs"u8, BinaryData.FromString(JsonSerializer.Serialize(new { thinking = request.Think })));
        // Structured output as OpenAI's response_format, which vLLM, SGLang and llama.cpp's server all enforce while decoding.
        if (request.JsonOutput is { } json) options.Patch.Set("$.response_format"u8, BinaryData.FromString(json.ToResponseFormat().ToJsonString()));
#pragma warning restore OPENAI001, SCME0001
        return options;
    }
}
