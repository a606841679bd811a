using OpenAI.Chat;

namespace DeepSeekV4.Engine.Remote;

/// <summary>
/// The fields vLLM, SGLang and dsv4 serve add to OpenAI's stream chunks, read through the SDK's JSON patch (the SDK
/// keeps what it does not model): the reasoning delta (reasoning_content) and the stop string that ended generation
/// (stop_reason).
/// </summary>
internal static class RemoteStreamFields
{
#pragma warning disable SCME0001 // JsonPatch is marked experimental in System.ClientModel.
    public static string? Reasoning(StreamingChatCompletionUpdate update) =>
        update.Patch.TryGetValue("$.choices[0].delta.reasoning_content"u8, out string? value) ? value : null;

    public static string? StopReason(StreamingChatCompletionUpdate update) =>
        update.Patch.TryGetValue("$.choices[0].stop_reason"u8, out string? value) ? value : null;
#pragma warning restore SCME0001
}
