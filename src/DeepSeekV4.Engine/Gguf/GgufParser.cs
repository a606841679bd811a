using System.Buffers.Binary;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// Parses and validates the GGUF header, metadata and tensor infos of an image in memory. Every count, length,
/// dimension, type id and offset is checked against the bytes that remain before it is used, with overflow-safe
/// arithmetic, so a hostile file can neither read outside the image nor make the parser allocate in proportion to a
/// number it merely claims. The key-value pairs are read by <see cref="GgufMetadataReader"/>.
/// </summary>
internal sealed unsafe class GgufParser
{
    public const uint Magic = 0x46554747; // "GGUF" read as a little-endian u32
    public const int DefaultAlignment = 32;
    public const uint MaxAlignment = 1u << 30;
    public const int MaxDimensions = 4;
    /// <summary>The GGUF specification's limits: keys at most 65535 bytes, tensor names at most 64.</summary>
    public const int MaxKeyBytes = 65535, MaxTensorNameBytes = 64;
    private const int MinTensorInfoBytes = 8 + 4 + 4 + 8; // name length, n_dims, type, offset
    private const int MinKeyValueBytes = 8 + 4 + 1;        // key length, value type, smallest value

    private readonly GgufByteReader _r;
    private readonly GgufStorage _storage;

    public GgufParser(GgufStorage storage, string path)
    {
        _storage = storage;
        _r = new GgufByteReader(storage.Base, storage.Length, path);
    }

    public sealed record Result(
        uint Version,
        Dictionary<string, GgufMetadataValue> Metadata,
        List<string> MetadataOrder,
        List<GgufTensorInfo> Tensors,
        Dictionary<string, GgufTensorInfo> TensorsByName,
        int Alignment,
        long DataStart,
        List<GgufLazyArray> LazyArrays);

    private readonly record struct RawTensor(string Name, GgmlType Type, long[] Dims, long Offset, long Size, long OffsetAt);

    public Result Parse()
    {
        uint version = ReadHeader(out int tensorCount, out int kvCount);
        var (metadata, order, alignmentAt, lazyArrays) = new GgufMetadataReader(_r, _storage).Read(kvCount);
        int alignment = AlignmentOf(metadata, alignmentAt);
        var raw = ReadTensorInfos(tensorCount, alignment);
        long dataStart = DataStartAfterInfos(alignment, tensorCount);
        var tensors = new List<GgufTensorInfo>(raw.Count);
        var byName = new Dictionary<string, GgufTensorInfo>(raw.Count, StringComparer.Ordinal);
        foreach (var t in raw)
        {
            CheckInsideFile(t, dataStart);
            var info = new GgufTensorInfo(t.Name, t.Type, t.Dims, t.Offset, dataStart);
            tensors.Add(info);
            byName.Add(t.Name, info);
        }
        CheckNoOverlap(raw, dataStart);
        return new Result(version, metadata, order, tensors, byName, alignment, dataStart, lazyArrays);
    }

    private uint ReadHeader(out int tensorCount, out int kvCount)
    {
        _r.Need(4, "magic");
        uint magic = _r.ReadU32("magic");
        if (magic != Magic)
            throw _r.Fail("magic", 0, $"expected 'GGUF' (0x{Magic:X8}), found 0x{magic:X8}");
        long versionAt = _r.Position;
        uint version = _r.ReadU32("version");
        if (version is not (2 or 3))
        {
            if (BinaryPrimitives.ReverseEndianness(version) is 1 or 2 or 3)
                throw _r.Fail("version", versionAt,
                    $"big-endian GGUF files are not supported (the version field reads 0x{version:X8}: version {BinaryPrimitives.ReverseEndianness(version)} stored big-endian)");
            if (version == 1)
                throw _r.Fail("version", versionAt, "GGUF version 1 is not supported (only versions 2 and 3)");
            throw _r.Fail("version", versionAt, $"unknown GGUF version {version} (only versions 2 and 3 are supported)");
        }
        tensorCount = _r.ReadCount("tensor_count", MinTensorInfoBytes, "tensor infos");
        kvCount = _r.ReadCount("metadata_kv_count", MinKeyValueBytes, "key-value pairs");
        return version;
    }

    private int AlignmentOf(Dictionary<string, GgufMetadataValue> metadata, long at)
    {
        if (!metadata.TryGetValue("general.alignment", out var v)) return DefaultAlignment;
        if (v.Type != GgufValueType.UInt32)
            throw _r.Fail("general.alignment", at, $"must be a UINT32, found a {GgufValueTypes.SpecName(v.Type)} ({v})");
        uint a = (uint)v.Value;
        if (a == 0 || (a & (a - 1)) != 0 || a > MaxAlignment)
            throw _r.Fail("general.alignment", at, $"must be a power of two from 1 to {MaxAlignment}, found {a}");
        return (int)a;
    }

    private List<RawTensor> ReadTensorInfos(int tensorCount, int alignment)
    {
        var tensors = new List<RawTensor>(Math.Min(tensorCount, 64));
        var names = new HashSet<string>(Math.Min(tensorCount, 64), StringComparer.Ordinal);
        for (int i = 0; i < tensorCount; i++)
        {
            long at = _r.Position;
            var nameField = new GgufField("tensor", i, ".name");
            string name = _r.ReadString(nameField, MaxTensorNameBytes);
            if (name.Length == 0) throw _r.Fail(nameField, at, "empty tensor name");
            if (!names.Add(name)) throw _r.Fail(nameField, at, $"duplicate tensor name '{name}'");

            long nDimsAt = _r.Position;
            uint nDims = _r.ReadU32(new GgufField(name, -1, ".n_dims"));
            if (nDims > MaxDimensions) throw _r.Fail($"{name}.n_dims", nDimsAt, $"{nDims} dimensions (at most {MaxDimensions})");
            var dims = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++)
            {
                long dimAt = _r.Position;
                long ne = (long)_r.ReadU64(GgufField.Dimension(name, d));
                if (ne < 0) throw _r.Fail($"{name}.ne[{d}]", dimAt, $"dimension {ne} is negative");
                if (ne != 0 && elements > long.MaxValue / ne)
                    throw _r.Fail($"{name}.ne[{d}]", dimAt, $"dimension {ne} makes the element count overflow int64 ({elements} × {ne})");
                elements *= ne;
                dims[d] = ne;
            }

            long typeAt = _r.Position;
            uint typeId = _r.ReadU32(new GgufField(name, -1, ".type"));
            if (!GgmlTypeInfo.TryGet(typeId, out var type))
                throw _r.Fail($"{name}.type", typeAt, $"unknown ggml type id {typeId}");
            long ne0 = nDims == 0 ? 1 : dims[0];
            if (ne0 % type.BlockSize != 0)
                throw _r.Fail($"{name}.ne[0]", nDimsAt + 4, $"ne0 = {ne0} is not a multiple of {type.Name}'s block size {type.BlockSize}");
            long rows = ne0 == 0 ? 0 : elements / ne0;
            if (ne0 / type.BlockSize > long.MaxValue / type.BytesPerBlock)
                throw _r.Fail($"{name}.ne[0]", nDimsAt + 4, $"a row of ne0 = {ne0} {type.Name} values takes more than int64 bytes");
            long rowBytes = type.RowBytes(ne0);
            if (rows != 0 && rowBytes > long.MaxValue / rows)
                throw _r.Fail($"{name}.ne", nDimsAt + 4, $"the byte size of {rows} rows of {rowBytes} bytes overflows int64");

            long offsetAt = _r.Position;
            ulong offset = _r.ReadU64(new GgufField(name, -1, ".offset"));
            if (offset % (ulong)alignment != 0)
                throw _r.Fail($"{name}.offset", offsetAt, $"offset {offset} is not a multiple of the alignment {alignment}");
            if (offset > (ulong)_r.Length)
                throw _r.Fail($"{name}.offset", offsetAt, $"offset {offset} lies beyond the end of the {_r.Length}-byte file");
            tensors.Add(new RawTensor(name, type.Type, dims, (long)offset, rowBytes * rows, offsetAt));
        }
        return tensors;
    }

    /// <summary>
    /// The data section starts at the first multiple of the alignment after the tensor infos. With no tensors the
    /// section is empty and a file may end before that padding; DataStart is then the file's end.
    /// </summary>
    private long DataStartAfterInfos(int alignment, int tensorCount)
    {
        long end = _r.Position;
        long start = AlignUp(end, alignment);
        if (start <= _r.Length) return start;
        if (tensorCount == 0) return _r.Length;
        throw _r.Fail("data_start", end,
            $"the tensor data section starts at byte {start} (tensor infos end at {end}, aligned to {alignment}), beyond the end of the {_r.Length}-byte file");
    }

    private void CheckInsideFile(RawTensor t, long dataStart)
    {
        long room = _r.Length - dataStart;
        if (t.Offset > room || t.Size > room - t.Offset)
            throw _r.Fail($"{t.Name}.offset", t.OffsetAt,
                $"tensor data [{dataStart + t.Offset}, {dataStart + t.Offset} + {t.Size}) lies outside the {_r.Length}-byte file");
    }

    /// <summary>Two tensors sharing bytes would let a write to one change the other: refused. Empty tensors occupy nothing.</summary>
    private void CheckNoOverlap(List<RawTensor> tensors, long dataStart)
    {
        var placed = tensors.Where(t => t.Size > 0).ToArray();
        bool sorted = true;
        for (int i = 1; i < placed.Length && sorted; i++) sorted = placed[i - 1].Offset <= placed[i].Offset;
        if (!sorted) Array.Sort(placed, (a, b) => a.Offset.CompareTo(b.Offset));
        for (int i = 1; i < placed.Length; i++)
        {
            var (prev, next) = (placed[i - 1], placed[i]);
            if (next.Offset < prev.Offset + prev.Size)
                throw _r.Fail($"{next.Name}.offset", next.OffsetAt,
                    $"tensor data [{dataStart + next.Offset}, {dataStart + next.Offset + next.Size}) overlaps tensor '{prev.Name}' at [{dataStart + prev.Offset}, {dataStart + prev.Offset + prev.Size})");
        }
    }

    internal static long AlignUp(long x, int alignment) => x + (alignment - x % alignment) % alignment;
}
