using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Inference;

/// <summary>The chat tokenizer of a GGUF model.</summary>
public static class ChatTokenizerFactory
{
    public static IChatTokenizer FromGguf(GgufFile file) =>
        throw new NotSupportedException($"cannot load the tokenizer of {file.Path}: the DeepSeek tokenizer is not part of this build yet");
}
