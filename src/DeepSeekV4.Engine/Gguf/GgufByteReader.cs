using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// A bounds-checked little-endian cursor over a GGUF image in memory. Every read first checks that the bytes exist;
/// every failure is a <see cref="GgufFormatException"/> naming the file, the field, the offset and the value.
/// </summary>
internal sealed unsafe class GgufByteReader(byte* @base, long length, string path)
{
    public long Position { get; set; }
    public long Length => length;
    public long Remaining => length - Position;
    public string Path => path;

    public GgufFormatException Fail(GgufField field, long offset, string problem) => new(path, field.ToString(), offset, problem);

    public void Need(long n, GgufField field)
    {
        if (n > Remaining)
            throw Fail(field, Position, $"the file ends at byte {length}; {n} bytes needed here but only {Remaining} remain");
    }

    public ReadOnlySpan<byte> Span(long offset, int count) => new(@base + offset, count);

    public byte ReadU8(GgufField field)
    {
        Need(1, field);
        return @base[Position++];
    }

    public ushort ReadU16(GgufField field) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field));
    public uint ReadU32(GgufField field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));
    public ulong ReadU64(GgufField field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    public ReadOnlySpan<byte> Take(int n, GgufField field)
    {
        Need(n, field);
        var span = new ReadOnlySpan<byte>(@base + Position, n);
        Position += n;
        return span;
    }

    /// <summary>A count of items each at least <paramref name="minItemBytes"/> long: refused when they cannot fit in the bytes that remain.</summary>
    public int ReadCount(GgufField field, int minItemBytes, string what) => ReadCount(field, minItemBytes, what, default);

    /// <summary>An array's element count, checked against the bytes its elements need at the least.</summary>
    public int ReadCount(GgufField field, GgufValueType elementType) =>
        ReadCount(field, GgufValueTypes.MinEncodedSize(elementType), null, elementType);

    private int ReadCount(GgufField field, int minItemBytes, string? what, GgufValueType elementType)
    {
        long at = Position;
        ulong count = ReadU64(field);
        if (count > (ulong)(Remaining / minItemBytes) || count > int.MaxValue)
            throw Fail(field, at, $"{count} {what ?? "elements of " + elementType} cannot fit in the {Remaining} bytes that follow");
        return (int)count;
    }

    /// <summary>Checks a string's length and UTF-8 and moves past it; returns where its bytes start and how many there are.</summary>
    public (long Start, int Length) SkipString(GgufField field, int maxLength = int.MaxValue)
    {
        long at = Position;
        ulong len = ReadU64(field);
        if (len > (ulong)Remaining)
            throw Fail(field, at, $"string length {len} exceeds the {Remaining} bytes that remain");
        if (len > (ulong)maxLength)
            throw Fail(field, at, $"string length {len} exceeds the limit of {maxLength} bytes");
        var bytes = new ReadOnlySpan<byte>(@base + Position, (int)len);
        if (!Utf8.IsValid(bytes))
        {
            long bad = Position + FirstInvalidUtf8(bytes);
            throw Fail(field, at, $"string of {len} bytes is not valid UTF-8 (byte 0x{@base[bad]:X2} at offset {bad})");
        }
        long start = Position;
        Position += (long)len;
        return (start, (int)len);
    }

    /// <summary>
    /// Checks <paramref name="count"/> consecutive strings (an array's elements) and moves past them. Fast path: when
    /// every length prefix is made of ASCII bytes, the strings are each valid UTF-8 exactly when the whole run is
    /// (an ASCII byte is always a complete code point, so it cannot hide a sequence cut at a string's end), and one
    /// vectorized check covers them all. Otherwise, or when that check fails, each string is checked on its own,
    /// which also names the first bad one.
    /// </summary>
    public void SkipStrings(GgufField field, int count)
    {
        long start = Position;
        if (TrySkipAsciiDelimitedStrings(count)) return;
        Position = start;
        for (int i = 0; i < count; i++) SkipString(field.Element(i));
    }

    private bool TrySkipAsciiDelimitedStrings(int count)
    {
        long start = Position;
        for (int i = 0; i < count; i++)
        {
            if (Remaining < 8) return false;
            ulong len = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(@base + Position, 8));
            if ((len & 0x8080808080808080UL) != 0 || len > (ulong)(Remaining - 8)) return false;
            Position += 8 + (long)len;
        }
        long bytes = Position - start;
        return bytes <= int.MaxValue && Utf8.IsValid(new ReadOnlySpan<byte>(@base + start, (int)bytes));
    }

    public string ReadString(GgufField field, int maxLength = int.MaxValue)
    {
        var (start, len) = SkipString(field, maxLength);
        return Encoding.UTF8.GetString(@base + start, len);
    }

    public bool ReadBool(GgufField field)
    {
        long at = Position;
        byte b = ReadU8(field);
        if (b > 1) throw Fail(field, at, $"BOOL value {b} is neither 0 nor 1");
        return b == 1;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[i..], out _, out int consumed) != System.Buffers.OperationStatus.Done) return i;
            i += consumed;
        }
        return i;
    }
}
