using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// The models loaded in this process, one per file, shared by reference count: sessions in parallel runspaces that
/// import the same file share its weights, and the last release frees them. This is the engine's one process-wide
/// piece of state; everything per session lives in <see cref="InferenceSession"/>.
/// </summary>
public sealed class ModelRegistry(IModelLoader loader, Func<long>? availableMemory = null)
{
    private static readonly Lazy<ModelRegistry> SharedRegistry = new(() => new ModelRegistry(DeepSeekV4ModelLoader.Instance));

    private readonly Dictionary<string, Entry> _entries = new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
    private readonly Func<long> _availableMemory = availableMemory ?? AvailableMemory.Query;

    /// <summary>The process-wide registry over the DeepSeek V4 GGUF loader.</summary>
    public static ModelRegistry Shared => SharedRegistry.Value;

    public IModelLoader Loader => loader;

    /// <summary>Files loaded now, with their reference counts.</summary>
    public IReadOnlyDictionary<string, int> Loaded
    {
        get
        {
            lock (_entries) return _entries.ToDictionary(e => e.Key, e => e.Value.References, _entries.Comparer);
        }
    }

    /// <summary>
    /// The memory estimate for <paramref name="path"/> without loading it; weights already held by this process
    /// are not counted again.
    /// </summary>
    public MemoryEstimate Estimate(string path, int? contextLength, KvCacheFormat format, long? availableBytes = null)
    {
        string key = Canonical(path);
        var footprint = loader.Inspect(key);
        bool resident;
        lock (_entries) resident = _entries.ContainsKey(key);
        return MemoryEstimate.Create(System.IO.Path.GetFileName(key), footprint, DefaultContext(footprint, contextLength), format,
            availableBytes ?? _availableMemory(), resident);
    }

    /// <summary>
    /// A lease on the model in <paramref name="path"/>, loading it when no one holds it. Refused with
    /// <see cref="ModelDoesNotFitException"/> when the estimate exceeds the available memory, unless <paramref name="force"/>.
    /// </summary>
    public ModelLease Acquire(string path, int? contextLength, KvCacheFormat format, ModelLoadOptions options, bool force,
        Action<EngineEvent>? onEvent = null, CancellationToken cancellationToken = default)
    {
        string key = Canonical(path);
        var estimate = Estimate(key, contextLength, format);
        if (!estimate.Fits && !force) throw new ModelDoesNotFitException(estimate);
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                entry = new Entry(new Lazy<LoadedModel>(() => loader.Load(key, options, onEvent, cancellationToken), LazyThreadSafetyMode.ExecutionAndPublication));
                _entries.Add(key, entry);
            }
            entry.References++;
        }
        try
        {
            return new ModelLease(this, key, entry.Model.Value, estimate.ContextLength);
        }
        catch
        {
            Release(key);
            throw;
        }
    }

    internal void Release(string key)
    {
        LoadedModel? toDispose = null;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out var entry)) return;
            if (--entry.References > 0) return;
            _entries.Remove(key);
            if (entry.Model.IsValueCreated) toDispose = entry.Model.Value;
        }
        toDispose?.Dispose();
    }

    internal int References(string key)
    {
        lock (_entries) return _entries.TryGetValue(key, out var e) ? e.References : 0;
    }

    /// <summary>Full path of an existing file; a missing file is a <see cref="FileNotFoundException"/> naming it.</summary>
    public static string Canonical(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"model file not found: {full}", full);
        return full;
    }

    /// <summary>The context asked for, or the model's maximum capped at <see cref="DefaultContextLength"/>.</summary>
    public static int DefaultContext(IModelFootprint footprint, int? asked) =>
        asked ?? Math.Min(footprint.Description.MaxContextLength, DefaultContextLength);

    /// <summary>Context used when none is asked for: memory is taken as sequences grow, but the estimate counts all of it.</summary>
    public const int DefaultContextLength = 65536;

    private sealed class Entry(Lazy<LoadedModel> model)
    {
        public Lazy<LoadedModel> Model { get; } = model;
        public int References { get; set; }
    }
}
