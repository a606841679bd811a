using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Inference;

/// <summary>The chat tokenizer of a GGUF model.</summary>
public static class ChatTokenizerFactory
{
    public static IChatTokenizer FromGguf(GgufFile file) => new DeepSeekChatTokenizer(Tokenizer.FromGguf(file));
}
