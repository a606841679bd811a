using System.Text;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// Reads a document file as text: the encoding comes from its byte-order mark, else UTF-16 without a mark
/// (recognised by its zero bytes), else strict UTF-8, else Latin-1. Files over the size limit and binary files are
/// refused with the numbers.
/// </summary>
public static class DocumentReader
{
    /// <summary>16 MiB: about four million tokens of text, four times the largest context.</summary>
    public const long DefaultMaxBytes = 16L * 1024 * 1024;

    public static DocumentText Read(string path, long maxBytes = DefaultMaxBytes)
    {
        var file = new FileInfo(path);
        if (Directory.Exists(path)) throw new InvalidDataException($"{file.FullName} is a directory, not a document");
        IO.FilePresence.Require(file.FullName, $"document not found: {file.FullName}");
        // The opened stream's length, not FileInfo's: for a symbolic link FileInfo gives the link's own size.
        using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > maxBytes) throw new DocumentTooLargeException(file.FullName, stream.Length, maxBytes);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return Decode(bytes, file.FullName);
    }

    public static DocumentText Decode(byte[] bytes, string source)
    {
        var (encoding, skip) = Detect(bytes);
        string text = encoding.GetString(bytes, skip, bytes.Length - skip);
        if (text.Contains('\0'))
            throw new InvalidDataException($"{source} looks like a binary file (it contains NUL characters when read as {encoding.WebName})");
        return new DocumentText(text, encoding.WebName);
    }

    private static (Encoding Encoding, int Skip) Detect(byte[] b)
    {
        if (b is [0xEF, 0xBB, 0xBF, ..]) return (new UTF8Encoding(false), 3);
        if (b is [0xFF, 0xFE, 0, 0, ..]) return (new UTF32Encoding(false, false), 4);
        if (b is [0, 0, 0xFE, 0xFF, ..]) return (new UTF32Encoding(true, false), 4);
        if (b is [0xFF, 0xFE, ..]) return (Encoding.Unicode, 2);
        if (b is [0xFE, 0xFF, ..]) return (Encoding.BigEndianUnicode, 2);
        if (LooksLikeUtf16(b, out bool bigEndian)) return (bigEndian ? Encoding.BigEndianUnicode : Encoding.Unicode, 0);
        if (IsStrictUtf8(b)) return (new UTF8Encoding(false), 0);
        return (Encoding.Latin1, 0);
    }

    private static bool IsStrictUtf8(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Text in UTF-16 without a mark has a zero in most high bytes (ASCII-range text).</summary>
    private static bool LooksLikeUtf16(byte[] b, out bool bigEndian)
    {
        int even = 0, odd = 0, n = b.Length & ~1;
        for (int i = 0; i < n; i += 2)
        {
            if (b[i] == 0) even++;
            if (b[i + 1] == 0) odd++;
        }
        bigEndian = even > odd;
        return n >= 2 && Math.Max(even, odd) > n / 4 && Math.Min(even, odd) < n / 40 + 1;
    }
}

/// <summary>A document's text and the encoding it was read with.</summary>
public sealed record DocumentText(string Text, string Encoding);

/// <summary>A document larger than the size limit.</summary>
public sealed class DocumentTooLargeException(string path, long size, long limit)
    : IOException($"{path} has {size:N0} bytes, more than the {limit:N0}-byte limit for one document; split it or summarise it in parts")
{
    public string Path { get; } = path;
    public long Size { get; } = size;
    public long Limit { get; } = limit;
}
