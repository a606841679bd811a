namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// Reads the key-value pairs of a GGUF file: keys (non-empty, unique, UTF-8, at most 65535 bytes), value types and
/// values. Scalars and strings are read at once; arrays are validated here (counts, lengths, UTF-8, BOOL bytes,
/// nesting) and decoded on first use (<see cref="GgufLazyArray"/>).
/// </summary>
internal sealed class GgufMetadataReader(GgufByteReader r, GgufStorage storage)
{
    public const int MaxArrayNesting = 8;
    private readonly GgufByteReader _r = r;
    private readonly GgufStorage _storage = storage;

    /// <summary>Reads <paramref name="kvCount"/> key-value pairs; also returns where general.alignment's value lies (-1: absent).</summary>
    public (Dictionary<string, GgufMetadataValue>, List<string>, long AlignmentAt, List<GgufLazyArray>) Read(int kvCount)
    {
        var metadata = new Dictionary<string, GgufMetadataValue>(Math.Min(kvCount, 64), StringComparer.Ordinal);
        var order = new List<string>(Math.Min(kvCount, 64));
        var lazyArrays = new List<GgufLazyArray>();
        long alignmentAt = -1;
        for (int i = 0; i < kvCount; i++)
        {
            long keyAt = _r.Position;
            var keyField = new GgufField("metadata", i, ".key");
            string key = _r.ReadString(keyField, GgufParser.MaxKeyBytes);
            if (key.Length == 0) throw _r.Fail(keyField, keyAt, "empty key");
            if (metadata.ContainsKey(key)) throw _r.Fail(keyField, keyAt, $"duplicate key '{key}'");
            long typeAt = _r.Position;
            var typeField = new GgufField(key, -1, ".type");
            uint typeId = _r.ReadU32(typeField);
            if (!GgufValueTypes.IsDefined(typeId)) throw _r.Fail(typeField, typeAt, $"unknown value type {typeId}");
            long valueAt = _r.Position;
            if (key == "general.alignment") alignmentAt = valueAt;
            var value = ReadValue((GgufValueType)typeId, key, lazyArrays);
            metadata.Add(key, value);
            order.Add(key);
        }
        return (metadata, order, alignmentAt, lazyArrays);
    }

    private GgufMetadataValue ReadValue(GgufValueType type, string key, List<GgufLazyArray> lazyArrays)
    {
        switch (type)
        {
            case GgufValueType.UInt8: return new(type, _r.ReadU8(key));
            case GgufValueType.Int8: return new(type, (sbyte)_r.ReadU8(key));
            case GgufValueType.UInt16: return new(type, _r.ReadU16(key));
            case GgufValueType.Int16: return new(type, (short)_r.ReadU16(key));
            case GgufValueType.UInt32: return new(type, _r.ReadU32(key));
            case GgufValueType.Int32: return new(type, (int)_r.ReadU32(key));
            case GgufValueType.Float32: return new(type, BitConverter.UInt32BitsToSingle(_r.ReadU32(key)));
            case GgufValueType.UInt64: return new(type, _r.ReadU64(key));
            case GgufValueType.Int64: return new(type, (long)_r.ReadU64(key));
            case GgufValueType.Float64: return new(type, BitConverter.UInt64BitsToDouble(_r.ReadU64(key)));
            case GgufValueType.Bool: return new(type, _r.ReadBool(key));
            case GgufValueType.String: return new(type, _r.ReadString(key));
            default:
            {
                var (elementType, count, start) = SkipArray(key, 0);
                long bytes = _r.Position - start;
                if (bytes > System.Array.MaxLength)
                    throw _r.Fail(key, start, $"an array of {bytes} bytes exceeds the {System.Array.MaxLength} bytes this reader holds");
                var lazy = new GgufLazyArray(_storage, elementType, count, start, (int)bytes);
                lazyArrays.Add(lazy);
                return new(type, lazy.Array);
            }
        }
    }

    /// <summary>Validates an array (element type, count, every element) and moves past it.</summary>
    private (GgufValueType ElementType, int Count, long Start) SkipArray(GgufField field, int depth)
    {
        long typeAt = _r.Position;
        if (depth >= MaxArrayNesting) throw _r.Fail(field, typeAt, $"arrays nested more than {MaxArrayNesting} deep");
        uint elementTypeId = _r.ReadU32(field.With(".element_type"));
        if (!GgufValueTypes.IsDefined(elementTypeId))
            throw _r.Fail(field.With(".element_type"), typeAt, $"unknown array element type {elementTypeId}");
        var elementType = (GgufValueType)elementTypeId;
        int count = _r.ReadCount(field.With(".count"), elementType);
        long start = _r.Position;
        switch (elementType)
        {
            case GgufValueType.String:
                _r.SkipStrings(field, count);
                break;
            case GgufValueType.Array:
                for (int i = 0; i < count; i++) SkipArray(field.Element(i), depth + 1);
                break;
            case GgufValueType.Bool:
                int bad = _r.Span(start, count).IndexOfAnyExcept((byte)0, (byte)1);
                if (bad >= 0)
                    throw _r.Fail(field.Element(bad), start + bad, $"BOOL value {_r.Span(start + bad, 1)[0]} is neither 0 nor 1");
                _r.Position += count;
                break;
            default:
                _r.Position += (long)count * GgufValueTypes.MinEncodedSize(elementType); // fits: ReadCount checked it
                break;
        }
        return (elementType, count, start);
    }
}
