using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// A copy of the part of a GGUF file that holds string values and arrays, from which they are decoded on first use.
/// Opening a file therefore validates a 129,280-token vocabulary in one pass without building 129,280 strings, and
/// the values stay readable after the file is closed. Offsets are absolute file offsets, already validated.
/// </summary>
internal sealed class GgufMetadataBytes
{
    private byte[] _bytes = [];
    private long _start;

    public void Fill(ReadOnlySpan<byte> bytes, long start)
    {
        _bytes = bytes.ToArray();
        _start = start;
    }

    private ReadOnlySpan<byte> At(long offset, int count) => _bytes.AsSpan((int)(offset - _start), count);

    public string DecodeString(long offset, int length) => Encoding.UTF8.GetString(At(offset, length));

    /// <summary>The elements of an array whose first element is at <paramref name="offset"/>.</summary>
    public Array DecodeArray(GgufValueType type, long offset, int count)
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
                    items[i] = DecodeString(offset + 8, len);
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
                    items[i] = new GgufArray(childType, childCount, () => DecodeArray(childType, childStart, childCount));
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
