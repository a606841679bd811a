namespace DeepSeekV4.Engine.Inference;

/// <summary>A prompt longer than the context it is meant to run in.</summary>
public sealed class ContextOverflowException(int promptTokens, int contextLength, string? source)
    : Exception($"the prompt{(source == null ? "" : $" from {source}")} has {promptTokens:N0} tokens but the context holds {contextLength:N0}; " +
                "import the model with a larger -ContextLength or shorten the input")
{
    public int PromptTokens { get; } = promptTokens;
    public int ContextLength { get; } = contextLength;
    public string? InputSource { get; } = source;
}
