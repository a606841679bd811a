using System.Buffers.Binary;

namespace DeepSeekV4.Engine.Tests.Gguf;

/// <summary>What a field of a GGUF file holds, for choosing how to mutate it.</summary>
internal enum GgufFieldKind
{
    Magic, Version, TensorCount, KeyValueCount,
    StringLength, StringBytes, ValueType, ScalarValue, ArrayElementType, ArrayCount, ArrayElements,
    DimensionCount, Dimension, TensorType, TensorOffset, Padding,
}

/// <summary>A field; <paramref name="IsBoundary"/> is false inside long arrays (past their first two and before their last element).</summary>
internal readonly record struct MappedField(long Offset, int Size, GgufFieldKind Kind, string Name, bool IsBoundary);

/// <summary>
/// The fields of a valid GGUF file in order, found by a walk written for the tests (independent of the engine's
/// parser), with where the data section starts. Used to aim mutations and truncations at every region.
/// </summary>
internal sealed class GgufFieldMap
{
    public List<MappedField> Fields { get; } = [];
    public long DataStart { get; }
    public List<(string Name, long Start, long Size)> TensorData { get; } = [];

    private readonly byte[] _b;
    private long _p;
    private bool _boundary = true;

    public GgufFieldMap(byte[] image)
    {
        _b = image;
        Add(4, GgufFieldKind.Magic, "magic");
        Add(4, GgufFieldKind.Version, "version");
        long tensors = (long)U64(GgufFieldKind.TensorCount, "tensor_count");
        long kvs = (long)U64(GgufFieldKind.KeyValueCount, "metadata_kv_count");
        uint alignment = 32;
        for (long i = 0; i < kvs; i++)
        {
            string key = Str($"kv[{i}].key");
            uint type = U32(GgufFieldKind.ValueType, key + ".type");
            if (key == "general.alignment") alignment = BinaryPrimitives.ReadUInt32LittleEndian(_b.AsSpan((int)_p));
            Value(type, key);
        }
        var infos = new List<(string Name, ulong Offset, long Size)>();
        for (long i = 0; i < tensors; i++)
        {
            string name = Str($"tensor[{i}].name");
            uint nDims = U32(GgufFieldKind.DimensionCount, name + ".n_dims");
            long elements = 1;
            for (int d = 0; d < nDims; d++) elements *= (long)U64(GgufFieldKind.Dimension, $"{name}.ne[{d}]");
            uint type = U32(GgufFieldKind.TensorType, name + ".type");
            ulong offset = U64(GgufFieldKind.TensorOffset, name + ".offset");
            var info = DeepSeekV4.Engine.Tensors.GgmlTypeInfo.Of((DeepSeekV4.Engine.Tensors.GgmlType)type);
            infos.Add((name, offset, elements / info.BlockSize * info.BytesPerBlock));
        }
        long padding = (alignment - _p % alignment) % alignment;
        if (padding > 0) Add((int)padding, GgufFieldKind.Padding, "padding");
        DataStart = _p;
        foreach (var (name, offset, size) in infos) TensorData.Add((name, DataStart + (long)offset, size));
    }

    private void Add(int size, GgufFieldKind kind, string name)
    {
        Fields.Add(new MappedField(_p, size, kind, name, _boundary));
        _p += size;
    }

    private uint U32(GgufFieldKind kind, string name)
    {
        uint v = BinaryPrimitives.ReadUInt32LittleEndian(_b.AsSpan((int)_p));
        Add(4, kind, name);
        return v;
    }

    private ulong U64(GgufFieldKind kind, string name)
    {
        ulong v = BinaryPrimitives.ReadUInt64LittleEndian(_b.AsSpan((int)_p));
        Add(8, kind, name);
        return v;
    }

    private string Str(string name)
    {
        int len = (int)U64(GgufFieldKind.StringLength, name + ".length");
        string s = System.Text.Encoding.UTF8.GetString(_b, (int)_p, len);
        if (len > 0) Add(len, GgufFieldKind.StringBytes, name);
        return s;
    }

    private static int FixedSize(uint type) => type switch
    {
        0 or 1 or 7 => 1, 2 or 3 => 2, 4 or 5 or 6 => 4, 10 or 11 or 12 => 8,
        _ => throw new InvalidDataException($"no fixed size for value type {type}"),
    };

    private void Value(uint type, string name)
    {
        if (type == 8) { Str(name); return; }
        if (type != 9) { Add(FixedSize(type), GgufFieldKind.ScalarValue, name); return; }
        uint elementType = U32(GgufFieldKind.ArrayElementType, name + ".element_type");
        long count = (long)U64(GgufFieldKind.ArrayCount, name + ".count");
        if (elementType is 8 or 9)
        {
            bool outer = _boundary;
            for (long i = 0; i < count; i++)
            {
                _boundary = outer && (i < 2 || i == count - 1);
                if (elementType == 8) Str($"{name}[{i}]");
                else Value(9, $"{name}[{i}]");
            }
            _boundary = outer;
        }
        else if (count > 0)
        {
            Add((int)(count * FixedSize(elementType)), GgufFieldKind.ArrayElements, name);
        }
    }
}
