namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// What the generation loop needs from a tokenizer: chat encoding of a prompt, the ids that end generation, and a
/// streaming decoder. The DeepSeek tokenizer is adapted to it; tests use a small byte-level one.
/// </summary>
public interface IChatTokenizer
{
    /// <summary>Ids that end generation when sampled (end of sentence, end of turn); never emitted as text.</summary>
    IReadOnlyCollection<int> EndOfGenerationIds { get; }

    /// <summary>Encodes a chat prompt up to the assistant's turn; document text is never parsed for special tokens.</summary>
    EncodedPrompt EncodeChat(ChatPrompt prompt);

    /// <summary>Plain text as ids, without chat template and without parsing special-token text (perplexity scoring).</summary>
    int[] EncodeText(string text);

    /// <summary>The begin-of-sequence id, when the vocabulary has one.</summary>
    int? BosId { get; }

    /// <summary>A decoder that returns text only when its UTF-8 is complete.</summary>
    IStreamingTextDecoder CreateStreamingDecoder();

    /// <summary>
    /// Each id's bytes in generated text, indexed by id; null for ids that never stand for plain text (control,
    /// added and unused tokens). Constrained generation walks these.
    /// </summary>
    IReadOnlyList<byte[]?> TextTokenBytes { get; }
}

/// <summary>
/// One user turn, with an optional system prompt and the conversation before it (<paramref name="History"/>, oldest
/// first); <paramref name="Think"/> opens the reasoning block.
/// </summary>
public sealed record ChatPrompt(string? SystemPrompt, string UserText, bool Think, IReadOnlyList<Tokenization.ChatTurn>? History = null);

/// <summary>Token ids of a prompt and the name of the template that produced them.</summary>
public sealed record EncodedPrompt(int[] Ids, string Template);

/// <summary>Turns ids into text one at a time, never returning half a character.</summary>
public interface IStreamingTextDecoder
{
    /// <summary>Text completed by this id (possibly empty).</summary>
    string Push(int id);

    /// <summary>Whatever is still held (an incomplete sequence at the end becomes U+FFFD).</summary>
    string Flush();
}
