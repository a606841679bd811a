using System.Text;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Engine.Tests.Inference.Fakes;

/// <summary>
/// A byte-level tokenizer for tests: every UTF-8 byte is one token (so multi-byte characters span tokens), plus a
/// few control tokens. Chat: BOS system USER user ASSISTANT (THINK | END_THINK).
/// </summary>
public sealed class ByteTokenizer : IChatTokenizer
{
    public const int Bos = 0, Eos = 1, User = 258, Assistant = 259, Think = 260, EndThink = 261;
    public const int VocabularySize = 262;

    public IReadOnlyCollection<int> EndOfGenerationIds { get; } = [Eos];

    public static int ByteToken(byte b) => b + 2;

    public static int[] Text(string s) => [.. Encoding.UTF8.GetBytes(s).Select(ByteToken)];

    public EncodedPrompt EncodeChat(ChatPrompt prompt)
    {
        var ids = new List<int> { Bos };
        if (prompt.SystemPrompt != null) ids.AddRange(Text(prompt.SystemPrompt));
        ids.Add(User);
        ids.AddRange(Text(prompt.UserText));
        ids.Add(Assistant);
        ids.Add(prompt.Think ? Think : EndThink);
        return new EncodedPrompt([.. ids], "toy");
    }

    public int[] EncodeText(string text) => Text(text);

    int? IChatTokenizer.BosId => Bos;

    public IStreamingTextDecoder CreateStreamingDecoder() => new Decoder();

    public IReadOnlyList<byte[]?> TextTokenBytes { get; } =
        [.. Enumerable.Range(0, VocabularySize).Select(id => id is >= 2 and < 258 ? new[] { (byte)(id - 2) } : null)];

    private sealed class Decoder : IStreamingTextDecoder
    {
        private readonly System.Text.Decoder _utf8 = new UTF8Encoding(false).GetDecoder();
        private readonly char[] _chars = new char[8];

        public string Push(int id)
        {
            switch (id)
            {
                case Think: return Flush() + "<think>";
                case EndThink: return Flush() + "</think>";
                case >= 2 and < 258:
                    var b = new[] { (byte)(id - 2) };
                    int n = _utf8.GetChars(b, 0, 1, _chars, 0, false);
                    return new string(_chars, 0, n);
                default: return "";
            }
        }

        public string Flush()
        {
            int n = _utf8.GetChars([], 0, 0, _chars, 0, true);
            return new string(_chars, 0, n);
        }
    }
}
