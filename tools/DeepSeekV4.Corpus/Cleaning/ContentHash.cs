using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DeepSeekV4.Corpus.Cleaning;

/// <summary>128-bit content keys (the first 16 bytes of SHA-256 of the UTF-8 text): stable across runs and machines.</summary>
public static class ContentHash
{
    public static UInt128 Of(string text)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), digest);
        return BinaryPrimitives.ReadUInt128BigEndian(digest);
    }

    /// <summary>The text with every run of whitespace as one space, trimmed: what counts as "the same" paragraph or document.</summary>
    public static string Normalise(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
