using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>Writes GGUF's little-endian primitives, strings and typed values to a stream, counting the bytes written.</summary>
internal sealed class GgufValueEncoder(Stream stream)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private readonly byte[] _scratch = new byte[8];

    public long Position { get; private set; }

    public void WriteU32(uint v)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_scratch, v);
        WriteBytes(_scratch.AsSpan(0, 4));
    }

    public void WriteU64(ulong v)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_scratch, v);
        WriteBytes(_scratch.AsSpan(0, 8));
    }

    public void WriteString(string s)
    {
        byte[] bytes = StrictUtf8.GetBytes(s); // throws on lone surrogates: GGUF strings are valid UTF-8
        WriteU64((ulong)bytes.Length);
        WriteBytes(bytes);
    }

    public void WriteZeros(long count)
    {
        Span<byte> zeros = stackalloc byte[256];
        zeros.Clear();
        while (count > 0)
        {
            int n = (int)Math.Min(count, zeros.Length);
            WriteBytes(zeros[..n]);
            count -= n;
        }
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        stream.Write(bytes);
        Position += bytes.Length;
    }

    /// <summary>A value without its type tag (the caller writes the tag: a key-value pair has one, array elements do not).</summary>
    public void WriteValue(GgufMetadataValue value)
    {
        switch (value.Value)
        {
            case byte v: WriteBytes([v]); break;
            case sbyte v: WriteBytes([(byte)v]); break;
            case bool v: WriteBytes([v ? (byte)1 : (byte)0]); break;
            case ushort v: BinaryPrimitives.WriteUInt16LittleEndian(_scratch, v); WriteBytes(_scratch.AsSpan(0, 2)); break;
            case short v: BinaryPrimitives.WriteInt16LittleEndian(_scratch, v); WriteBytes(_scratch.AsSpan(0, 2)); break;
            case uint v: WriteU32(v); break;
            case int v: WriteU32((uint)v); break;
            case float v: WriteU32(BitConverter.SingleToUInt32Bits(v)); break;
            case ulong v: WriteU64(v); break;
            case long v: WriteU64((ulong)v); break;
            case double v: WriteU64(BitConverter.DoubleToUInt64Bits(v)); break;
            case string v: WriteString(v); break;
            case GgufArray v: WriteArray(v); break;
            default: throw new ArgumentException($"cannot encode a {value.Value.GetType().Name} as GGUF");
        }
    }

    private void WriteArray(GgufArray array)
    {
        WriteU32((uint)array.ElementType);
        WriteU64((ulong)array.Count);
        switch (array.Items)
        {
            case string[] items: foreach (var s in items) WriteString(s); break;
            case GgufArray[] items: foreach (var a in items) WriteArray(a); break;
            case bool[] items: foreach (var b in items) WriteBytes([b ? (byte)1 : (byte)0]); break;
            case byte[] items: WriteBytes(items); break;
            case sbyte[] items: WriteRaw<sbyte>(items); break;
            case ushort[] items: WriteRaw<ushort>(items); break;
            case short[] items: WriteRaw<short>(items); break;
            case uint[] items: WriteRaw<uint>(items); break;
            case int[] items: WriteRaw<int>(items); break;
            case float[] items: WriteRaw<float>(items); break;
            case ulong[] items: WriteRaw<ulong>(items); break;
            case long[] items: WriteRaw<long>(items); break;
            case double[] items: WriteRaw<double>(items); break;
            default: throw new ArgumentException($"cannot encode a {array.Items.GetType().Name} as a GGUF array");
        }
    }

    private void WriteRaw<T>(T[] items) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        WriteBytes(MemoryMarshal.AsBytes(items.AsSpan()));
    }
}
