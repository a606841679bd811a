using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>How a GGUF file's bytes are held in memory.</summary>
public enum GgufLoadMode
{
    /// <summary>Memory-mapped: no copy; the OS pages tensor data in on use.</summary>
    Mapped,
    /// <summary>Read into process memory once (llama.cpp's --no-mmap).</summary>
    InMemory,
}

/// <summary>
/// An open GGUF model: header, metadata and tensor infos parsed and validated; tensor data stays in the mapping
/// and is reached through <see cref="GetTensorData"/> without a copy. A model stored as a split set (llama.cpp's
/// <c>-0000k-of-0000n.gguf</c> shards, see <see cref="GgufSplit"/>) is opened whole from any of its shards: the
/// metadata is the first shard's and the tensors are those of every shard, in shard order.
/// </summary>
public sealed unsafe class GgufFile : IDisposable
{
    private readonly GgufShard[] _shards;
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;
    private readonly List<GgufLazyArray> _lazyArrays;
    private bool _disposed;

    /// <summary>The model's path: the file itself, or a split set's first shard.</summary>
    public string Path { get; }
    /// <summary>Every file of the model, in shard order (one for an ordinary file).</summary>
    public IReadOnlyList<string> ShardPaths { get; }
    public uint Version { get; }
    public int Alignment { get; }
    /// <summary>Where the tensor data starts in the first file.</summary>
    public long DataStart { get; }
    /// <summary>Bytes of every file of the model together.</summary>
    public long FileSize => _shards.Sum(s => s.Storage.Length);
    public GgufLoadMode LoadMode { get; }
    /// <summary>
    /// Whether the file's bytes are locked in RAM: <see cref="GgufLoadMode.InMemory"/> tries (mlock / VirtualLock),
    /// best effort; false when the OS refused (no privilege, RLIMIT_MEMLOCK) or the file is mapped.
    /// </summary>
    public bool IsMemoryLocked => _shards.All(s => s.Storage.IsLocked);

    /// <summary>
    /// Whether the tensor bytes are this file object's own copy in process memory (opened with
    /// <see cref="GgufLoadMode.InMemory"/> or <see cref="FromBytes"/>), so a model may rearrange weights in place.
    /// </summary>
    internal bool HasPrivateCopy => _shards.All(s => s.Storage.IsPrivateCopy);
    public IReadOnlyDictionary<string, GgufMetadataValue> Metadata { get; }
    /// <summary>Metadata keys in file order.</summary>
    public IReadOnlyList<string> MetadataKeys { get; }
    /// <summary>Tensor infos in file order (shard by shard).</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    private GgufFile(List<GgufShard> shards, GgufLoadMode mode)
    {
        _shards = [.. shards];
        var first = shards[0].Parsed;
        Path = shards[0].Path;
        ShardPaths = [.. shards.Select(s => s.Path)];
        LoadMode = mode;
        Version = first.Version;
        Alignment = first.Alignment;
        DataStart = first.DataStart;
        Metadata = first.Metadata;
        MetadataKeys = first.MetadataOrder;
        if (shards.Count == 1)
        {
            Tensors = first.Tensors;
            _tensorsByName = first.TensorsByName;
            _lazyArrays = first.LazyArrays;
            return;
        }
        var tensors = new List<GgufTensorInfo>();
        for (int i = 0; i < shards.Count; i++) tensors.AddRange(shards[i].Parsed.Tensors.Select(t => t with { Shard = i }));
        Tensors = tensors;
        _tensorsByName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _lazyArrays = [.. shards.SelectMany(s => s.Parsed.LazyArrays)];
    }

    /// <summary>
    /// Opens and validates a GGUF file, or the whole split set it belongs to. Throws <see cref="GgufFormatException"/>
    /// for anything malformed, <see cref="GgufSetException"/> for shards that do not belong together and
    /// <see cref="FileNotFoundException"/> naming a missing shard.
    /// </summary>
    public static GgufFile Open(string path, GgufLoadMode mode = GgufLoadMode.Mapped)
    {
        string full = System.IO.Path.GetFullPath(path);
        IO.FilePresence.Require(full, $"GGUF file not found: {full}");
        return new GgufFile(GgufShardSet.Open(full, mode), mode);
    }

    /// <summary>Parses a GGUF image held in memory (copied into native memory); <paramref name="name"/> is used in errors.</summary>
    public static GgufFile FromBytes(ReadOnlySpan<byte> bytes, string name = "<memory>") =>
        new([GgufShard.Parse(name, GgufStorage.FromBytes(bytes))], GgufLoadMode.InMemory);

    /// <summary>
    /// Parses a GGUF image in caller-owned memory without copying it (the memory is pinned until the file is
    /// disposed and must not change meanwhile); <paramref name="name"/> is used in errors.
    /// </summary>
    public static GgufFile FromMemory(ReadOnlyMemory<byte> image, string name = "<memory>") =>
        new([GgufShard.Parse(name, GgufStorage.Pin(image))], GgufLoadMode.InMemory);

    public bool TryGetTensor(string name, out GgufTensorInfo info) => _tensorsByName.TryGetValue(name, out info!);

    public GgufTensorInfo GetTensor(string name) =>
        _tensorsByName.TryGetValue(name, out var info) ? info : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");

    public GgufMetadataValue? GetMetadata(string key) => Metadata.TryGetValue(key, out var v) ? v : null;

    /// <summary>Address of a tensor's first byte inside the mapping; valid until the file is disposed.</summary>
    public nint GetTensorAddress(GgufTensorInfo tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (nint)(_shards[tensor.Shard].Storage.Base + tensor.FileOffset);
    }

    /// <summary>A tensor's bytes (tensors up to 2 GiB; larger ones through <see cref="GetTensorAddress"/>).</summary>
    public ReadOnlySpan<byte> GetTensorData(GgufTensorInfo tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (tensor.ByteSize > int.MaxValue) throw new NotSupportedException($"tensor '{tensor.Name}' is {tensor.ByteSize} bytes; use GetTensorAddress");
        return new ReadOnlySpan<byte>((byte*)GetTensorAddress(tensor), (int)tensor.ByteSize);
    }

    /// <summary>Writes a tensor's bytes to <paramref name="destination"/> (any size; copied in chunks from the mapping).</summary>
    public void CopyTensorData(GgufTensorInfo tensor, Stream destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        const int chunk = 1 << 24;
        for (long done = 0; done < tensor.ByteSize; done += chunk)
        {
            int n = (int)Math.Min(chunk, tensor.ByteSize - done);
            destination.Write(new ReadOnlySpan<byte>((byte*)GetTensorAddress(tensor) + done, n));
        }
    }

    /// <summary>A typed view over a tensor's bytes in place.</summary>
    public TensorView GetTensorView(string name) => GetTensorView(GetTensor(name));

    public TensorView GetTensorView(GgufTensorInfo tensor) =>
        new(tensor.Name, tensor.Type, tensor.Dimensions, GetTensorAddress(tensor), tensor.ByteSize);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var array in _lazyArrays) array.Detach(); // arrays not yet decoded keep a copy of their bytes
        foreach (var shard in _shards) shard.Dispose();
    }
}
