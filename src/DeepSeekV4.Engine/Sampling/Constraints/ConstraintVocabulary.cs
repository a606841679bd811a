using System.Runtime.CompilerServices;
using System.Text;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>
/// A tokenizer's vocabulary prepared for masking, built once per tokenizer: a trie of every text token, and apart
/// from it the "plain" tokens — whole UTF-8 characters with no quote, backslash or control byte — which inside a
/// string are all allowed at once (up to the length left), so only the other tokens need a walk there.
/// </summary>
internal sealed class ConstraintVocabulary
{
    private static readonly ConditionalWeakTable<IChatTokenizer, ConstraintVocabulary> Cache = new();

    private ConstraintVocabulary(IReadOnlyList<byte[]?> bytes)
    {
        Bytes = bytes;
        Size = bytes.Count;
        var text = Enumerable.Range(0, Size).Where(id => bytes[id] is { Length: > 0 }).ToList();
        var plain = new List<(int Id, int Chars)>();
        var other = new List<int>();
        foreach (int id in text)
        {
            int chars = PlainChars(bytes[id]!);
            if (chars > 0) plain.Add((id, chars));
            else other.Add(id);
            LongestTokenBytes = Math.Max(LongestTokenBytes, bytes[id]!.Length);
        }
        All = new TokenTrie(bytes, text);
        NonPlain = new TokenTrie(bytes, other);
        plain.Sort((a, b) => a.Chars != b.Chars ? a.Chars.CompareTo(b.Chars) : a.Id.CompareTo(b.Id));
        PlainByChars = [.. plain.Select(p => p.Id)];
        PlainCharCounts = [.. plain.Select(p => p.Chars)];
        PlainBits = new ulong[(Size + 63) / 64];
        foreach (var p in plain) PlainBits[p.Id >> 6] |= 1UL << p.Id;
        var single = new bool[256];
        foreach (int id in text)
        {
            if (bytes[id]!.Length == 1) single[bytes[id]![0]] = true;
        }
        HasEverySingleByte = single.All(x => x);
    }

    /// <summary>The prepared vocabulary of <paramref name="tokenizer"/> (built on first use, then shared).</summary>
    public static ConstraintVocabulary For(IChatTokenizer tokenizer) =>
        Cache.GetValue(tokenizer, t => new ConstraintVocabulary(t.TextTokenBytes));

    /// <summary>For tests: a vocabulary from a byte table directly.</summary>
    internal static ConstraintVocabulary FromBytes(IReadOnlyList<byte[]?> bytes) => new(bytes);

    public IReadOnlyList<byte[]?> Bytes { get; }

    public int Size { get; }

    public TokenTrie All { get; }

    public TokenTrie NonPlain { get; }

    public ulong[] PlainBits { get; }

    /// <summary>Plain token ids, fewest characters first; <see cref="PlainCharCounts"/> holds their character counts.</summary>
    public int[] PlainByChars { get; }

    public int[] PlainCharCounts { get; }

    public int LongestTokenBytes { get; }

    /// <summary>True when each of the 256 bytes is a token of its own, so any document can be finished one byte at a time.</summary>
    public bool HasEverySingleByte { get; }

    /// <summary>The number of characters when every byte is string content that needs no escape and the UTF-8 is whole; else 0.</summary>
    private static int PlainChars(byte[] bytes)
    {
        foreach (byte b in bytes)
        {
            if (b < 0x20 || b == '"' || b == '\\' || b == 0x7F) return 0;
        }
        try
        {
            Strict.GetCharCount(bytes); // throws on partial or invalid UTF-8
            return CountCodePoints(bytes);
        }
        catch (DecoderFallbackException)
        {
            return 0;
        }
    }

    private static int CountCodePoints(byte[] bytes)
    {
        int n = 0;
        foreach (byte b in bytes)
        {
            if ((b & 0xC0) != 0x80) n++;
        }
        return n;
    }

    private static readonly UTF8Encoding Strict = new(false, true);
}
