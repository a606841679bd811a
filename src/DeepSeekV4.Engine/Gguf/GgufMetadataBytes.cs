using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// The part of a GGUF file that holds the metadata arrays, from which they are decoded on first use: opening a file
/// validates a 129,280-token vocabulary in one pass without building 129,280 strings. The bytes are read in place,
/// so an array must first be read while its file is open (afterwards its decoded items stay). Offsets are absolute
/// file offsets, already validated by the parser.
/// </summary>
internal sealed unsafe class GgufMetadataBytes
{
    private readonly Lock _lock = new();
    private GgufStorage? _storage;
    private string _path = "";
    private long _start;
    private int _length;

    /// <summary>Where the region lies in <paramref name="storage"/>; set once the parser knows its end.</summary>
    public void Attach(GgufStorage storage, string path, long start, int length)
    {
        _storage = storage;
        _path = path;
        _start = start;
        _length = length;
    }

    /// <summary>Called before the storage goes away: arrays not yet decoded can no longer be.</summary>
    public void Detach()
    {
        lock (_lock) _storage = null;
    }

    /// <summary>The elements of array <paramref name="name"/>, whose first element is at <paramref name="offset"/>.</summary>
    public Array DecodeArray(string name, GgufValueType type, long offset, int count)
    {
        lock (_lock)
        {
            if (_storage == null)
                throw new ObjectDisposedException(_path,
                    $"{_path}: the GGUF file was closed before metadata array '{name}' was first read; read arrays while the file is open");
            return Decode(name, type, offset, count);
        }
    }

    private ReadOnlySpan<byte> At(long offset, int count) => new ReadOnlySpan<byte>(_storage!.Base + _start, _length).Slice((int)(offset - _start), count);

    private Array Decode(string name, GgufValueType type, long offset, int count)
    {
        switch (type)
        {
            case GgufValueType.UInt8: return Copy<byte>(offset, count);
            case GgufValueType.Int8: return Copy<sbyte>(offset, count);
            case GgufValueType.UInt16: return Copy<ushort>(offset, count);
            case GgufValueType.Int16: return Copy<short>(offset, count);
            case GgufValueType.UInt32: return Copy<uint>(offset, count);
            case GgufValueType.Int32: return Copy<int>(offset, count);
            case GgufValueType.Float32: return Copy<float>(offset, count);
            case GgufValueType.UInt64: return Copy<ulong>(offset, count);
            case GgufValueType.Int64: return Copy<long>(offset, count);
            case GgufValueType.Float64: return Copy<double>(offset, count);
            case GgufValueType.Bool:
            {
                var items = new bool[count];
                var bytes = At(offset, count);
                for (int i = 0; i < count; i++) items[i] = bytes[i] != 0;
                return items;
            }
            case GgufValueType.String:
            {
                var items = new string[count];
                for (int i = 0; i < count; i++)
                {
                    int len = (int)BinaryPrimitives.ReadUInt64LittleEndian(At(offset, 8));
                    items[i] = Encoding.UTF8.GetString(At(offset + 8, len));
                    offset += 8 + len;
                }
                return items;
            }
            case GgufValueType.Array:
            {
                var items = new GgufArray[count];
                for (int i = 0; i < count; i++)
                {
                    var childType = (GgufValueType)BinaryPrimitives.ReadUInt32LittleEndian(At(offset, 4));
                    int childCount = (int)BinaryPrimitives.ReadUInt64LittleEndian(At(offset + 4, 8));
                    long childStart = offset + 12;
                    string childName = $"{name}[{i}]";
                    items[i] = new GgufArray(childType, childCount, () => DecodeArray(childName, childType, childStart, childCount));
                    offset = childStart + EncodedSize(childType, childStart, childCount);
                }
                return items;
            }
            default: throw new InvalidOperationException($"unexpected GGUF array element type {type}");
        }
    }

    private long EncodedSize(GgufValueType type, long offset, int count)
    {
        long start = offset;
        switch (type)
        {
            case GgufValueType.String:
                for (int i = 0; i < count; i++) offset += 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(At(offset, 8));
                return offset - start;
            case GgufValueType.Array:
                for (int i = 0; i < count; i++)
                {
                    var childType = (GgufValueType)BinaryPrimitives.ReadUInt32LittleEndian(At(offset, 4));
                    int childCount = (int)BinaryPrimitives.ReadUInt64LittleEndian(At(offset + 4, 8));
                    offset += 12 + EncodedSize(childType, offset + 12, childCount);
                }
                return offset - start;
            default:
                return (long)count * GgufValueTypes.MinEncodedSize(type);
        }
    }

    private T[] Copy<T>(long offset, int count) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        var items = new T[count];
        At(offset, count * Marshal.SizeOf<T>()).CopyTo(MemoryMarshal.AsBytes(items.AsSpan()));
        return items;
    }
}
