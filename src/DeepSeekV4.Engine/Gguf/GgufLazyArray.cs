using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// A metadata array of an open GGUF file, decoded on first use from the file's bytes in place: opening a file
/// validates a 129,280-token vocabulary in one pass without building 129,280 strings. When the file is closed,
/// an array not yet decoded keeps a copy of its own bytes (<see cref="Detach"/>), so values taken from a file stay
/// usable after it is disposed. The bytes were validated by the parser (lengths, UTF-8, BOOL values).
/// </summary>
internal sealed unsafe class GgufLazyArray
{
    private readonly Lock _lock = new();
    private readonly GgufValueType _elementType;
    private readonly int _count;
    private readonly long _start;
    private readonly int _length;
    private GgufStorage? _storage;
    private byte[]? _copy;

    public GgufArray Array { get; }

    /// <param name="start">File offset of the first element.</param>
    /// <param name="length">Bytes of all elements.</param>
    public GgufLazyArray(GgufStorage storage, GgufValueType elementType, int count, long start, int length)
    {
        _storage = storage;
        _elementType = elementType;
        _count = count;
        _start = start;
        _length = length;
        Array = new GgufArray(elementType, count, Decode);
    }

    /// <summary>Called before the storage goes away: keeps a copy of the bytes if the array was not decoded yet.</summary>
    public void Detach()
    {
        lock (_lock)
        {
            if (_storage == null) return;
            if (!Array.IsDecoded)
            {
                _copy = GC.AllocateUninitializedArray<byte>(_length);
                Bytes.CopyTo(_copy);
            }
            _storage = null;
        }
    }

    private ReadOnlySpan<byte> Bytes => _storage != null ? new ReadOnlySpan<byte>(_storage.Base + _start, _length) : _copy;

    private System.Array Decode()
    {
        lock (_lock)
        {
            var bytes = Bytes;
            return Decode(bytes, _elementType, _count, out _);
        }
    }

    /// <summary>Decodes <paramref name="count"/> elements from the start of <paramref name="bytes"/>; nested arrays are decoded whole.</summary>
    private static System.Array Decode(ReadOnlySpan<byte> bytes, GgufValueType type, int count, out int consumed)
    {
        switch (type)
        {
            case GgufValueType.UInt8: return Copy<byte>(bytes, count, out consumed);
            case GgufValueType.Int8: return Copy<sbyte>(bytes, count, out consumed);
            case GgufValueType.UInt16: return Copy<ushort>(bytes, count, out consumed);
            case GgufValueType.Int16: return Copy<short>(bytes, count, out consumed);
            case GgufValueType.UInt32: return Copy<uint>(bytes, count, out consumed);
            case GgufValueType.Int32: return Copy<int>(bytes, count, out consumed);
            case GgufValueType.Float32: return Copy<float>(bytes, count, out consumed);
            case GgufValueType.UInt64: return Copy<ulong>(bytes, count, out consumed);
            case GgufValueType.Int64: return Copy<long>(bytes, count, out consumed);
            case GgufValueType.Float64: return Copy<double>(bytes, count, out consumed);
            case GgufValueType.Bool:
            {
                var items = new bool[count];
                for (int i = 0; i < count; i++) items[i] = bytes[i] != 0;
                consumed = count;
                return items;
            }
            case GgufValueType.String:
            {
                var items = new string[count];
                int p = 0;
                for (int i = 0; i < count; i++)
                {
                    int len = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes[p..]);
                    items[i] = Encoding.UTF8.GetString(bytes.Slice(p + 8, len));
                    p += 8 + len;
                }
                consumed = p;
                return items;
            }
            case GgufValueType.Array:
            {
                var items = new GgufArray[count];
                int p = 0;
                for (int i = 0; i < count; i++)
                {
                    var childType = (GgufValueType)BinaryPrimitives.ReadUInt32LittleEndian(bytes[p..]);
                    int childCount = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes[(p + 4)..]);
                    items[i] = new GgufArray(childType, Decode(bytes[(p + 12)..], childType, childCount, out int childBytes));
                    p += 12 + childBytes;
                }
                consumed = p;
                return items;
            }
            default: throw new InvalidOperationException($"unexpected GGUF array element type {type}");
        }
    }

    private static T[] Copy<T>(ReadOnlySpan<byte> bytes, int count, out int consumed) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        var items = new T[count];
        consumed = count * sizeof(T);
        bytes[..consumed].CopyTo(MemoryMarshal.AsBytes(items.AsSpan()));
        return items;
    }
}
