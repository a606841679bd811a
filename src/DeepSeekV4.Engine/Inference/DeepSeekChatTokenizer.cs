using DeepSeekV4.Engine.Tokenization;
using TokenizerChatPrompt = DeepSeekV4.Engine.Tokenization.ChatPrompt;

namespace DeepSeekV4.Engine.Inference;

/// <summary>The DeepSeek tokenizer as the generation loop uses it: chat encoding (documents never parsed for special tokens), EOS, streaming decode.</summary>
public sealed class DeepSeekChatTokenizer(Tokenizer tokenizer) : IChatTokenizer
{
    public Tokenizer Tokenizer => tokenizer;

    public IReadOnlyCollection<int> EndOfGenerationIds { get; } = [tokenizer.EosId];

    public EncodedPrompt EncodeChat(ChatPrompt prompt)
    {
        var encoding = tokenizer.EncodeChat(TokenizerChatPrompt.FromUser(prompt.UserText, prompt.SystemPrompt, prompt.Think));
        return new EncodedPrompt(encoding.Ids, encoding.TemplateDescription);
    }

    public int[] EncodeText(string text) => tokenizer.Encode(text);

    public int? BosId => tokenizer.BosId;

    public IStreamingTextDecoder CreateStreamingDecoder() => new Decoder(tokenizer.CreateStreamingDecoder());

    private sealed class Decoder(StreamingDecoder decoder) : IStreamingTextDecoder
    {
        public string Push(int id) => decoder.Push(id);

        public string Flush() => decoder.Flush();
    }
}
