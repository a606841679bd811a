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
/// An open GGUF file: header, metadata and tensor infos parsed and validated; tensor data stays in the mapping
/// and is reached through <see cref="GetTensorData"/> without a copy.
/// </summary>
public sealed unsafe class GgufFile : IDisposable
{
    private readonly GgufStorage _storage;
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;
    private readonly List<GgufLazyArray> _lazyArrays;
    private bool _disposed;

    public string Path { get; }
    public uint Version { get; }
    public int Alignment { get; }
    public long DataStart { get; }
    public long FileSize => _storage.Length;
    public GgufLoadMode LoadMode { get; }
    /// <summary>
    /// Whether the file's bytes are locked in RAM: <see cref="GgufLoadMode.InMemory"/> tries (mlock / VirtualLock),
    /// best effort; false when the OS refused (no privilege, RLIMIT_MEMLOCK) or the file is mapped.
    /// </summary>
    public bool IsMemoryLocked => _storage.IsLocked;

    /// <summary>
    /// Whether the tensor bytes are this file object's own copy in process memory (opened with
    /// <see cref="GgufLoadMode.InMemory"/> or <see cref="FromBytes"/>), so a model may rearrange weights in place.
    /// </summary>
    internal bool HasPrivateCopy => _storage.IsPrivateCopy;
    public IReadOnlyDictionary<string, GgufMetadataValue> Metadata { get; }
    /// <summary>Metadata keys in file order.</summary>
    public IReadOnlyList<string> MetadataKeys { get; }
    /// <summary>Tensor infos in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    private GgufFile(string path, GgufStorage storage, GgufLoadMode mode)
    {
        Path = path;
        _storage = storage;
        LoadMode = mode;
        GgufParser.Result result;
        try
        {
            result = new GgufParser(storage, path).Parse();
        }
        catch
        {
            storage.Dispose();
            throw;
        }
        Version = result.Version;
        Alignment = result.Alignment;
        DataStart = result.DataStart;
        Metadata = result.Metadata;
        MetadataKeys = result.MetadataOrder;
        Tensors = result.Tensors;
        _tensorsByName = result.TensorsByName;
        _lazyArrays = result.LazyArrays;
    }

    /// <summary>Opens and validates a GGUF file. Throws <see cref="GgufFormatException"/> for anything malformed.</summary>
    public static GgufFile Open(string path, GgufLoadMode mode = GgufLoadMode.Mapped)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"GGUF file not found: {full}", full);
        var storage = mode == GgufLoadMode.Mapped ? GgufStorage.Map(full) : GgufStorage.ReadIntoMemory(full);
        return new GgufFile(full, storage, mode);
    }

    /// <summary>Parses a GGUF image held in memory (copied into native memory); <paramref name="name"/> is used in errors.</summary>
    public static GgufFile FromBytes(ReadOnlySpan<byte> bytes, string name = "<memory>") =>
        new(name, GgufStorage.FromBytes(bytes), GgufLoadMode.InMemory);

    /// <summary>
    /// Parses a GGUF image in caller-owned memory without copying it (the memory is pinned until the file is
    /// disposed and must not change meanwhile); <paramref name="name"/> is used in errors.
    /// </summary>
    public static GgufFile FromMemory(ReadOnlyMemory<byte> image, string name = "<memory>") =>
        new(name, GgufStorage.Pin(image), GgufLoadMode.InMemory);

    public bool TryGetTensor(string name, out GgufTensorInfo info) => _tensorsByName.TryGetValue(name, out info!);

    public GgufTensorInfo GetTensor(string name) =>
        _tensorsByName.TryGetValue(name, out var info) ? info : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");

    public GgufMetadataValue? GetMetadata(string key) => Metadata.TryGetValue(key, out var v) ? v : null;

    /// <summary>Address of a tensor's first byte inside the mapping; valid until the file is disposed.</summary>
    public nint GetTensorAddress(GgufTensorInfo tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (nint)(_storage.Base + tensor.FileOffset);
    }

    /// <summary>A tensor's bytes (tensors up to 2 GiB; larger ones through <see cref="GetTensorAddress"/>).</summary>
    public ReadOnlySpan<byte> GetTensorData(GgufTensorInfo tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (tensor.ByteSize > int.MaxValue) throw new NotSupportedException($"tensor '{tensor.Name}' is {tensor.ByteSize} bytes; use GetTensorAddress");
        return new ReadOnlySpan<byte>(_storage.Base + tensor.FileOffset, (int)tensor.ByteSize);
    }

    /// <summary>Writes a tensor's bytes to <paramref name="destination"/> (any size; copied in chunks from the mapping).</summary>
    public void CopyTensorData(GgufTensorInfo tensor, Stream destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        const int chunk = 1 << 24;
        for (long done = 0; done < tensor.ByteSize; done += chunk)
        {
            int n = (int)Math.Min(chunk, tensor.ByteSize - done);
            destination.Write(new ReadOnlySpan<byte>(_storage.Base + tensor.FileOffset + done, n));
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
        _storage.Dispose();
    }
}
