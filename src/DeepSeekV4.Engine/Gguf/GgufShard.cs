namespace DeepSeekV4.Engine.Gguf;

/// <summary>One file of a (possibly one-file) GGUF model: its bytes and what its header says.</summary>
internal sealed class GgufShard : IDisposable
{
    private GgufShard(string path, GgufStorage storage, GgufParser.Result parsed)
    {
        Path = path;
        Storage = storage;
        Parsed = parsed;
    }

    public string Path { get; }
    public GgufStorage Storage { get; }
    public GgufParser.Result Parsed { get; }

    public static GgufShard Open(string path, GgufLoadMode mode)
    {
        var storage = mode == GgufLoadMode.Mapped ? GgufStorage.Map(path) : GgufStorage.ReadIntoMemory(path);
        return Parse(path, storage);
    }

    public static GgufShard Parse(string path, GgufStorage storage)
    {
        try
        {
            return new GgufShard(path, storage, new GgufParser(storage, path).Parse());
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    /// <summary>A split key's value when present; a key of another type than the convention's is refused.</summary>
    public long? SplitValue(string key, GgufValueType type)
    {
        if (!Parsed.Metadata.TryGetValue(key, out var value)) return null;
        if (value.Type != type)
            throw new GgufSetException(Path, $"{key} must be a {GgufValueTypes.SpecName(type)}, found a {GgufValueTypes.SpecName(value.Type)} ({value})");
        return Convert.ToInt64(value.Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => Storage.Dispose();
}
