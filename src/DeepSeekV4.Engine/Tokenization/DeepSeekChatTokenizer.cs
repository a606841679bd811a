using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// The DeepSeek tokenizer as the generation loop sees it (<see cref="IChatTokenizer"/>): chat prompts through
/// <see cref="ChatEncoder"/> (user text never parsed for special tokens), generation ending at EOS or at a new user
/// turn, and the UTF-8-safe streaming decoder.
/// </summary>
public sealed class DeepSeekChatTokenizer : IChatTokenizer
{
    private readonly ChatEncoder _encoder;

    public Tokenizer Tokenizer { get; }

    public IReadOnlyCollection<int> EndOfGenerationIds { get; }

    public DeepSeekChatTokenizer(Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Tokenizer = tokenizer;
        _encoder = new ChatEncoder(tokenizer);
        var stops = new List<int> { tokenizer.EosId };
        if (tokenizer.FindToken("<｜User｜>") is int user) stops.Add(user);
        EndOfGenerationIds = stops;
    }

    public EncodedPrompt EncodeChat(Inference.ChatPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var encoding = _encoder.Encode(new ChatPrompt
        {
            SystemPrompt = prompt.SystemPrompt,
            Turns = [.. prompt.History ?? [], ChatTurn.User(prompt.UserText)],
            Thinking = prompt.Think,
        });
        return new EncodedPrompt(encoding.Ids, encoding.Template.ToString());
    }

    public int[] EncodeText(string text) => Tokenizer.Encode(text);

    public int? BosId => Tokenizer.BosId;

    public IStreamingTextDecoder CreateStreamingDecoder() => Tokenizer.CreateStreamingDecoder();

    public IReadOnlyList<byte[]?> TextTokenBytes => _textTokenBytes ??= BuildTextTokenBytes();

    private byte[]?[]? _textTokenBytes;

    private byte[]?[] BuildTextTokenBytes()
    {
        var table = new byte[]?[Tokenizer.VocabularySize];
        for (int id = 0; id < table.Length; id++)
        {
            if (Tokenizer.IsSpecial(id) || Tokenizer.GetKind(id) == TokenKind.Unused) continue;
            var bytes = Tokenizer.TokenBytes(id);
            if (!bytes.IsEmpty) table[id] = bytes.ToArray();
        }
        return table;
    }
}
