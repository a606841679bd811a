using System.Text;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// Builds a GGUF file: metadata in the order added, then tensor infos, then each tensor's data in the order added,
/// every tensor padded with zeros to the alignment (<c>general.alignment</c> when set, else 32), as ggml writes.
/// Tensor data can be given as bytes or as a callback that writes them when the file is written, so models larger
/// than memory can be produced.
/// </summary>
/// <example><code>
/// var w = new GgufWriter();
/// w.AddMetadata("general.architecture", "deepseek4");
/// w.AddMetadata("deepseek4.block_count", 6u);
/// w.AddTensor("token_embd.weight", GgmlType.F16, [128, 512], bytes);
/// w.AddTensor("blk.0.ffn_up.weight", GgmlType.Q8_0, [4096, 1024], stream => WriteRows(stream));
/// w.WriteTo("model.gguf");
/// </code></example>
public sealed partial class GgufWriter
{
    private readonly List<KeyValuePair<string, GgufMetadataValue>> _metadata = [];
    private readonly Dictionary<string, int> _metadataIndex = new(StringComparer.Ordinal);
    private readonly List<PendingTensor> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);

    private sealed record PendingTensor(string Name, GgmlType Type, long[] Dimensions, long ByteSize, Action<Stream> WriteData);

    /// <summary>GGUF version written: 3 (default) or 2 (same layout; v2 readers only).</summary>
    public uint Version
    {
        get;
        set => field = value is 2 or 3 ? value : throw new ArgumentOutOfRangeException(nameof(Version), value, "GGUF versions 2 and 3 can be written");
    } = 3;

    /// <summary>
    /// A writer holding <paramref name="file"/>'s version, metadata (in file order) and tensors (in file order, data
    /// read from the file when written): change what you need, then write. The file must stay open until then.
    /// </summary>
    public static GgufWriter FromFile(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var w = new GgufWriter { Version = file.Version };
        foreach (var key in file.MetadataKeys) w.AddMetadata(key, file.Metadata[key]);
        foreach (var t in file.Tensors) w.AddTensor(t.Name, t.Type, t.Dimensions, s => file.CopyTensorData(t, s));
        return w;
    }

    public int MetadataCount => _metadata.Count;
    public int TensorCount => _tensors.Count;

    /// <summary>Adds a key; throws if the key is already present (a GGUF file holds each key once).</summary>
    public GgufWriter AddMetadata(string key, GgufMetadataValue value)
    {
        CheckKey(key);
        ArgumentNullException.ThrowIfNull(value);
        if (_metadataIndex.ContainsKey(key)) throw new ArgumentException($"metadata key '{key}' was already added", nameof(key));
        _metadataIndex.Add(key, _metadata.Count);
        _metadata.Add(new(key, value));
        return this;
    }

    /// <summary>
    /// Adds a key from a CLR value: byte→UINT8, sbyte→INT8, ushort→UINT16, short→INT16, uint→UINT32, int→INT32,
    /// float→FLOAT32, bool→BOOL, string→STRING, ulong→UINT64, long→INT64, double→FLOAT64, a typed array
    /// (string[], float[], int[], …) or <see cref="GgufArray"/>→ARRAY.
    /// </summary>
    public GgufWriter AddMetadata(string key, object value) => AddMetadata(key, GgufMetadataValue.From(value));

    /// <summary>Replaces a key's value in place (keeping its position), or adds it at the end.</summary>
    public GgufWriter SetMetadata(string key, GgufMetadataValue value)
    {
        CheckKey(key);
        ArgumentNullException.ThrowIfNull(value);
        if (_metadataIndex.TryGetValue(key, out int i)) _metadata[i] = new(key, value);
        else AddMetadata(key, value);
        return this;
    }

    public GgufWriter SetMetadata(string key, object value) => SetMetadata(key, GgufMetadataValue.From(value));

    /// <summary>Adds a tensor whose bytes are copied now.</summary>
    public GgufWriter AddTensor(string name, GgmlType type, IReadOnlyList<long> dimensions, ReadOnlySpan<byte> data)
    {
        long size = CheckTensor(name, type, dimensions);
        if (data.Length != size)
            throw new ArgumentException($"tensor '{name}' ({GgmlTypeInfo.Of(type).Name} {Shape(dimensions)}) needs {size} bytes, got {data.Length}", nameof(data));
        byte[] copy = data.ToArray();
        return Add(name, type, dimensions, size, s => s.Write(copy));
    }

    /// <summary>
    /// Adds a tensor whose bytes <paramref name="writeData"/> writes into the stream it is given when the file is
    /// written; it must write exactly <see cref="GgmlTypeInfo.RowBytes"/>(ne0) × ne1 × ne2 × ne3 bytes.
    /// </summary>
    public GgufWriter AddTensor(string name, GgmlType type, IReadOnlyList<long> dimensions, Action<Stream> writeData)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        long size = CheckTensor(name, type, dimensions);
        return Add(name, type, dimensions, size, writeData);
    }

    /// <summary>The alignment the file will use: <c>general.alignment</c> when set (a power-of-two UINT32), else 32.</summary>
    public int Alignment
    {
        get
        {
            if (!_metadataIndex.TryGetValue("general.alignment", out int i)) return GgufParser.DefaultAlignment;
            var v = _metadata[i].Value;
            if (v.Value is not uint a || a == 0 || (a & (a - 1)) != 0 || a > GgufParser.MaxAlignment)
                throw new InvalidOperationException($"general.alignment must be a power-of-two UINT32 up to {GgufParser.MaxAlignment}, found {v} ({v.Type})");
            return (int)a;
        }
    }

    /// <summary>Writes the file to <paramref name="path"/> through a temporary file, so a failure leaves no half-written GGUF behind.</summary>
    public void WriteTo(string path)
    {
        string full = Path.GetFullPath(path);
        string temp = full + ".partial";
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
                WriteTo(file);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes the file to <paramref name="stream"/> (which need not be seekable) from its current position.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        int alignment = Alignment;
        var e = new GgufValueEncoder(stream);
        e.WriteU32(GgufParser.Magic);
        e.WriteU32(Version);
        e.WriteU64((ulong)_tensors.Count);
        e.WriteU64((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            e.WriteString(key);
            e.WriteU32((uint)value.Type);
            e.WriteValue(value);
        }

        long offset = 0;
        foreach (var t in _tensors)
        {
            e.WriteString(t.Name);
            e.WriteU32((uint)t.Dimensions.Length);
            foreach (long d in t.Dimensions) e.WriteU64((ulong)d);
            e.WriteU32((uint)t.Type);
            e.WriteU64((ulong)offset);
            offset = checked(offset + GgufParser.AlignUp(t.ByteSize, alignment));
        }
        e.WriteZeros(GgufParser.AlignUp(e.Position, alignment) - e.Position);

        foreach (var t in _tensors)
        {
            var data = new GgufTensorDataStream(stream, t.Name, t.ByteSize);
            t.WriteData(data);
            if (data.Written != t.ByteSize)
                throw new InvalidOperationException($"tensor '{t.Name}': the data callback wrote {data.Written} of the tensor's {t.ByteSize} bytes");
            e.WriteZeros(GgufParser.AlignUp(t.ByteSize, alignment) - t.ByteSize);
        }
        stream.Flush();
    }

    private GgufWriter Add(string name, GgmlType type, IReadOnlyList<long> dimensions, long size, Action<Stream> writeData)
    {
        _tensors.Add(new PendingTensor(name, type, [.. dimensions], size, writeData));
        _tensorNames.Add(name);
        return this;
    }

    private static void CheckKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (Encoding.UTF8.GetByteCount(key) > GgufParser.MaxKeyBytes)
            throw new ArgumentException($"metadata key of {Encoding.UTF8.GetByteCount(key)} UTF-8 bytes exceeds GGUF's limit of {GgufParser.MaxKeyBytes}", nameof(key));
    }

    /// <summary>Validates a tensor's name, type and shape as the reader will; returns its byte size.</summary>
    private long CheckTensor(string name, GgmlType type, IReadOnlyList<long> dimensions)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (Encoding.UTF8.GetByteCount(name) > GgufParser.MaxTensorNameBytes)
            throw new ArgumentException($"tensor name '{name}' exceeds GGUF's limit of {GgufParser.MaxTensorNameBytes} UTF-8 bytes", nameof(name));
        if (_tensorNames.Contains(name)) throw new ArgumentException($"tensor '{name}' was already added", nameof(name));
        if (!GgmlTypeInfo.TryGet((uint)type, out var info)) throw new ArgumentOutOfRangeException(nameof(type), type, "not a ggml type");
        if (dimensions.Count > GgufParser.MaxDimensions)
            throw new ArgumentException($"tensor '{name}' has {dimensions.Count} dimensions (at most {GgufParser.MaxDimensions})", nameof(dimensions));
        long rows = 1, ne0 = dimensions.Count == 0 ? 1 : dimensions[0];
        for (int i = 0; i < dimensions.Count; i++)
        {
            if (dimensions[i] < 0) throw new ArgumentException($"tensor '{name}' has a negative dimension {Shape(dimensions)}", nameof(dimensions));
            if (i > 0) rows = checked(rows * dimensions[i]);
        }
        if (ne0 % info.BlockSize != 0)
            throw new ArgumentException($"tensor '{name}': ne0 = {ne0} is not a multiple of {info.Name}'s block size {info.BlockSize}", nameof(dimensions));
        return checked(info.RowBytes(ne0) * rows);
    }

    private static string Shape(IReadOnlyList<long> dimensions) => "[" + string.Join(", ", dimensions) + "]";
}
