using System.Runtime.CompilerServices;
using System.Text;

namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// Decodes tokens one at a time as they are generated. A token may end inside a UTF-8 character; its bytes are held
/// until the character is complete, so no half character and no U+FFFD that the whole text would not contain is
/// ever returned. The concatenation of every <see cref="Push"/> and the final <see cref="Flush"/> equals
/// <see cref="Tokenizer.Decode"/> of all the tokens. Not thread-safe (one per sequence).
/// </summary>
public sealed class StreamingDecoder : Inference.IStreamingTextDecoder
{
    private readonly Tokenizer _tokenizer;
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    private char[] _chars = new char[64];

    internal StreamingDecoder(Tokenizer tokenizer) => _tokenizer = tokenizer;

    /// <summary>Adds one token; returns the text completed by it (often empty).</summary>
    public string Push(int id) => Convert(_tokenizer.TokenBytes(id), flush: false);

    /// <summary>Ends the stream: returns what is held back (an incomplete character becomes U+FFFD, as in a one-shot decode).</summary>
    public string Flush() => Convert([], flush: true);

    /// <summary>Forgets held-back bytes, to start a new stream.</summary>
    public void Reset() => _utf8.Reset();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string Convert(ReadOnlySpan<byte> bytes, bool flush)
    {
        int max = bytes.Length + 4; // each held byte yields at most one char (U+FFFD), each input byte at most one
        if (_chars.Length < max) _chars = new char[Math.Max(max, _chars.Length * 2)];
        int n = _utf8.GetChars(bytes, _chars, flush);
        return n == 0 ? string.Empty : new string(_chars, 0, n);
    }
}
