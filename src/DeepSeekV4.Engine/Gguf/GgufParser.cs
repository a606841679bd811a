using System.Buffers.Binary;
using System.Text;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// Parses the GGUF header, metadata and tensor infos from bytes in memory. Every length, count, dimension and
/// offset is checked against the bytes that remain before it is used, so a hostile file cannot make the parser
/// allocate more than the file's size or read outside it.
/// </summary>
internal sealed unsafe class GgufParser
{
    public const uint Magic = 0x46554747; // "GGUF" read as a little-endian u32
    public const int DefaultAlignment = 32;
    public const uint MaxAlignment = 1u << 30;
    private const int MaxDimensions = 4;
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly byte* _base;
    private readonly long _length;
    private readonly string _path;
    private long _pos;

    public GgufParser(byte* @base, long length, string path)
    {
        _base = @base;
        _length = length;
        _path = path;
    }

    public sealed record Result(
        uint Version,
        Dictionary<string, GgufMetadataValue> Metadata,
        List<string> MetadataOrder,
        List<GgufTensorInfo> Tensors,
        int Alignment,
        long DataStart);

    public Result Parse()
    {
        Need(4, "magic");
        uint magic = ReadU32("magic");
        if (magic != Magic)
            throw Fail("magic", 0, $"expected 'GGUF' (0x{Magic:X8}), found 0x{magic:X8}");
        long versionAt = _pos;
        uint version = ReadU32("version");
        if ((version & 0xFFFF) == 0 && version != 0)
            throw Fail("version", versionAt, $"big-endian GGUF files are not supported (version field reads 0x{version:X8}, a byte-swapped version number)");
        if (version == 1)
            throw Fail("version", versionAt, "GGUF version 1 is not supported (only versions 2 and 3)");
        if (version is not (2 or 3))
            throw Fail("version", versionAt, $"unknown GGUF version {version} (only versions 2 and 3 are supported)");

        long tensorCountAt = _pos;
        ulong tensorCount = ReadU64("tensor_count");
        // Each tensor info takes at least 8 (name length) + 4 (n_dims) + 4 (type) + 8 (offset) bytes.
        if (tensorCount > (ulong)(Remaining / 24))
            throw Fail("tensor_count", tensorCountAt, $"{tensorCount} tensors cannot fit in the {Remaining} bytes that follow");
        long kvCountAt = _pos;
        ulong kvCount = ReadU64("metadata_kv_count");
        // Each key-value takes at least 8 (key length) + 4 (value type) + 1 byte.
        if (kvCount > (ulong)(Remaining / 13))
            throw Fail("metadata_kv_count", kvCountAt, $"{kvCount} key-value pairs cannot fit in the {Remaining} bytes that follow");

        var metadata = new Dictionary<string, GgufMetadataValue>((int)kvCount, StringComparer.Ordinal);
        var order = new List<string>((int)kvCount);
        for (ulong i = 0; i < kvCount; i++)
        {
            long keyAt = _pos;
            string key = ReadString($"metadata[{i}].key");
            if (key.Length == 0) throw Fail($"metadata[{i}].key", keyAt, "empty key");
            if (metadata.ContainsKey(key)) throw Fail($"metadata[{i}].key", keyAt, $"duplicate key '{key}'");
            long typeAt = _pos;
            uint type = ReadU32($"{key}.type");
            if (type > (uint)GgufValueType.Float64) throw Fail($"{key}.type", typeAt, $"unknown value type {type}");
            metadata.Add(key, ReadValue((GgufValueType)type, key, 0));
            order.Add(key);
        }

        int alignment = DefaultAlignment;
        if (metadata.TryGetValue("general.alignment", out var alignValue))
        {
            if (alignValue.Type != GgufValueType.UInt32)
                throw Fail("general.alignment", 0, $"must be UINT32, found {alignValue.Type}");
            uint a = (uint)alignValue.Value;
            if (a == 0 || (a & (a - 1)) != 0 || a > (1u << 30))
                throw Fail("general.alignment", 0, $"must be a power of two, found {a}");
            alignment = (int)a;
        }

        var tensors = new List<(string Name, GgmlType Type, long[] Dims, long Offset, long At)>((int)tensorCount);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (ulong i = 0; i < tensorCount; i++)
        {
            long at = _pos;
            string name = ReadString($"tensor[{i}].name");
            if (!names.Add(name)) throw Fail($"tensor[{i}].name", at, $"duplicate tensor name '{name}'");
            long nDimsAt = _pos;
            uint nDims = ReadU32($"{name}.n_dims");
            if (nDims > MaxDimensions) throw Fail($"{name}.n_dims", nDimsAt, $"{nDims} dimensions (at most {MaxDimensions})");
            var dims = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++)
            {
                long dimAt = _pos;
                ulong ne = ReadU64($"{name}.ne[{d}]");
                if (ne > long.MaxValue) throw Fail($"{name}.ne[{d}]", dimAt, $"dimension {ne} is negative as int64");
                dims[d] = (long)ne;
                if (ne != 0 && elements > long.MaxValue / (long)ne)
                    throw Fail($"{name}.ne[{d}]", dimAt, $"element count overflows int64 (dimension {ne})");
                elements *= (long)ne;
            }
            long typeAt = _pos;
            uint typeId = ReadU32($"{name}.type");
            if (!GgmlTypeInfo.TryGet(typeId, out var info))
                throw Fail($"{name}.type", typeAt, $"unknown ggml type id {typeId}");
            long ne0 = nDims == 0 ? 1 : dims[0];
            if (ne0 % info.BlockSize != 0)
                throw Fail($"{name}.ne[0]", typeAt, $"ne0 = {ne0} is not a multiple of {info.Name}'s block size {info.BlockSize}");
            long offsetAt = _pos;
            ulong offset = ReadU64($"{name}.offset");
            if (offset % (ulong)alignment != 0)
                throw Fail($"{name}.offset", offsetAt, $"offset {offset} is not a multiple of the alignment {alignment}");
            if (offset > (ulong)_length)
                throw Fail($"{name}.offset", offsetAt, $"offset {offset} lies beyond the end of the {_length}-byte file");
            tensors.Add((name, info.Type, dims, (long)offset, offsetAt));
        }

        long dataStart = tensorCount == 0 && _pos == _length ? _pos : AlignUp(_pos, alignment);
        var infos = new List<GgufTensorInfo>(tensors.Count);
        foreach (var t in tensors)
        {
            var info = new GgufTensorInfo(t.Name, t.Type, t.Dims, t.Offset, dataStart);
            long rowBytes = info.TypeInfo.RowBytes(info.RowLength);
            long rows = info.RowCount;
            if (rows != 0 && rowBytes > long.MaxValue / rows)
                throw Fail($"{t.Name}.size", t.At, "byte size overflows int64");
            long size = rowBytes * rows;
            if (dataStart > _length || t.Offset > _length - dataStart || size > _length - dataStart - t.Offset)
                throw Fail($"{t.Name}.offset", t.At,
                    $"tensor data [{dataStart + t.Offset}, {dataStart + t.Offset + size}) lies outside the {_length}-byte file");
            infos.Add(info);
        }

        return new Result(version, metadata, order, infos, alignment, dataStart);
    }

    private GgufMetadataValue ReadValue(GgufValueType type, string key, int depth)
    {
        switch (type)
        {
            case GgufValueType.UInt8: return new(type, Read1(key));
            case GgufValueType.Int8: return new(type, (sbyte)Read1(key));
            case GgufValueType.UInt16: Need(2, key); return new(type, BinaryPrimitives.ReadUInt16LittleEndian(Take(2)));
            case GgufValueType.Int16: Need(2, key); return new(type, BinaryPrimitives.ReadInt16LittleEndian(Take(2)));
            case GgufValueType.UInt32: return new(type, ReadU32(key));
            case GgufValueType.Int32: Need(4, key); return new(type, BinaryPrimitives.ReadInt32LittleEndian(Take(4)));
            case GgufValueType.Float32: Need(4, key); return new(type, BinaryPrimitives.ReadSingleLittleEndian(Take(4)));
            case GgufValueType.UInt64: return new(type, ReadU64(key));
            case GgufValueType.Int64: Need(8, key); return new(type, BinaryPrimitives.ReadInt64LittleEndian(Take(8)));
            case GgufValueType.Float64: Need(8, key); return new(type, BinaryPrimitives.ReadDoubleLittleEndian(Take(8)));
            case GgufValueType.Bool: return new(type, ReadBool(key));
            case GgufValueType.String: return new(type, ReadString(key));
            case GgufValueType.Array: return new(type, ReadArray(key, depth));
            default: throw Fail(key, _pos, $"unknown value type {(uint)type}");
        }
    }

    private GgufArray ReadArray(string key, int depth)
    {
        if (depth >= 8) throw Fail(key, _pos, "arrays nested more than 8 deep");
        long typeAt = _pos;
        uint elementTypeId = ReadU32($"{key}.element_type");
        if (elementTypeId > (uint)GgufValueType.Float64) throw Fail($"{key}.element_type", typeAt, $"unknown array element type {elementTypeId}");
        var elementType = (GgufValueType)elementTypeId;
        long countAt = _pos;
        ulong count = ReadU64($"{key}.count");
        int minSize = elementType switch
        {
            GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
            GgufValueType.UInt16 or GgufValueType.Int16 => 2,
            GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
            GgufValueType.String or GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
            _ => 12, // nested array: element type + count
        };
        if (count > (ulong)(Remaining / minSize) || count > int.MaxValue)
            throw Fail($"{key}.count", countAt, $"{count} elements of {elementType} cannot fit in the {Remaining} bytes that follow");
        int n = (int)count;
        switch (elementType)
        {
            case GgufValueType.UInt8: return new(elementType, TakeArray<byte>(n));
            case GgufValueType.Int8: return new(elementType, TakeArray<sbyte>(n));
            case GgufValueType.UInt16: return new(elementType, TakeArray<ushort>(n));
            case GgufValueType.Int16: return new(elementType, TakeArray<short>(n));
            case GgufValueType.UInt32: return new(elementType, TakeArray<uint>(n));
            case GgufValueType.Int32: return new(elementType, TakeArray<int>(n));
            case GgufValueType.Float32: return new(elementType, TakeArray<float>(n));
            case GgufValueType.UInt64: return new(elementType, TakeArray<ulong>(n));
            case GgufValueType.Int64: return new(elementType, TakeArray<long>(n));
            case GgufValueType.Float64: return new(elementType, TakeArray<double>(n));
            case GgufValueType.Bool:
            {
                var items = new bool[n];
                for (int i = 0; i < n; i++) items[i] = ReadBool($"{key}[{i}]");
                return new(elementType, items);
            }
            case GgufValueType.String:
            {
                var items = new string[n];
                for (int i = 0; i < n; i++) items[i] = ReadString($"{key}[{i}]");
                return new(elementType, items);
            }
            default:
            {
                var items = new GgufArray[n];
                for (int i = 0; i < n; i++)
                {
                    if (elementType != GgufValueType.Array) throw Fail($"{key}.element_type", typeAt, $"unknown array element type {elementTypeId}");
                    items[i] = ReadArray($"{key}[{i}]", depth + 1);
                }
                return new(elementType, items);
            }
        }
    }

    private T[] TakeArray<T>(int n) where T : unmanaged
    {
        long bytes = (long)n * sizeof(T);
        Need(bytes, "array");
        var items = new T[n];
        new ReadOnlySpan<byte>(_base + _pos, (int)bytes).CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(items.AsSpan()));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        _pos += bytes;
        return items;
    }

    private string ReadString(string field)
    {
        long at = _pos;
        ulong len = ReadU64(field + ".length");
        if (len > (ulong)Remaining)
            throw Fail(field, at, $"string length {len} exceeds the {Remaining} bytes that remain");
        if (len > int.MaxValue) throw Fail(field, at, $"string length {len} is too large");
        var bytes = new ReadOnlySpan<byte>(_base + _pos, (int)len);
        string s;
        try
        {
            s = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail(field, _pos, "string is not valid UTF-8");
        }
        _pos += (long)len;
        return s;
    }

    private bool ReadBool(string field)
    {
        long at = _pos;
        byte b = Read1(field);
        if (b > 1) throw Fail(field, at, $"BOOL value {b} is neither 0 nor 1");
        return b == 1;
    }

    private byte Read1(string field)
    {
        Need(1, field);
        return _base[_pos++];
    }

    private uint ReadU32(string field)
    {
        Need(4, field);
        return BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    }

    private ulong ReadU64(string field)
    {
        Need(8, field);
        return BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        var span = new ReadOnlySpan<byte>(_base + _pos, n);
        _pos += n;
        return span;
    }

    private long Remaining => _length - _pos;

    private void Need(long n, string field)
    {
        if (n > Remaining)
            throw Fail(field, _pos, $"file ends after {_length} bytes; {n} more bytes needed");
    }

    internal static long AlignUp(long x, int alignment) => x + (alignment - x % alignment) % alignment;

    private GgufFormatException Fail(string field, long offset, string problem) => new(_path, field, offset, problem);
}
