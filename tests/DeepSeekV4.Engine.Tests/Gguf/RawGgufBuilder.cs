using System.Buffers.Binary;
using System.Text;

namespace DeepSeekV4.Engine.Tests.Gguf;

/// <summary>
/// Writes GGUF bytes field by field, valid or not, independently of the engine's writer, and remembers where each
/// field starts so tests can name the offset a reader must report.
/// </summary>
internal sealed class RawGgufBuilder
{
    private readonly MemoryStream _bytes = new();

    public long Position => _bytes.Length;

    public RawGgufBuilder U8(byte v) { _bytes.WriteByte(v); return this; }

    public RawGgufBuilder U32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        _bytes.Write(b);
        return this;
    }

    public RawGgufBuilder U64(ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        _bytes.Write(b);
        return this;
    }

    public RawGgufBuilder Raw(params byte[] bytes) { _bytes.Write(bytes); return this; }

    public RawGgufBuilder Str(string s) => StrBytes(Encoding.UTF8.GetBytes(s));

    public RawGgufBuilder StrBytes(byte[] utf8) { U64((ulong)utf8.Length); return Raw(utf8); }

    public RawGgufBuilder Header(ulong tensors, ulong kvs, uint version = 3) => Raw("GGUF"u8.ToArray()).U32(version).U64(tensors).U64(kvs);

    /// <summary>A tensor info with the given dims, type id and relative offset.</summary>
    public RawGgufBuilder TensorInfo(string name, uint type, ulong offset, params long[] dims)
    {
        Str(name).U32((uint)dims.Length);
        foreach (long d in dims) U64((ulong)d);
        return U32(type).U64(offset);
    }

    public RawGgufBuilder PadTo(int alignment)
    {
        while (_bytes.Length % alignment != 0) _bytes.WriteByte(0);
        return this;
    }

    public RawGgufBuilder Zeros(int n) => Raw(new byte[n]);

    public byte[] ToArray() => _bytes.ToArray();
}
