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
    /// <remarks>A separate MTP file (<paramref name="mtpPath"/>) adds its tensors' bytes as one "MTP file" component.</remarks>
    public MemoryEstimate Estimate(string path, int? contextLength, KvCacheFormat format, long? availableBytes = null, string? mtpPath = null)
    {
        string key = Canonical(path);
        var footprint = loader.Inspect(key);
        bool resident;
        lock (_entries) resident = _entries.ContainsKey(key);
        var estimate = MemoryEstimate.Create(System.IO.Path.GetFileName(key), footprint, DefaultContext(footprint, contextLength), format,
            availableBytes ?? _availableMemory(), resident);
        if (mtpPath == null) return estimate;
        using var mtp = Gguf.GgufFile.Open(CanonicalMtp(mtpPath));
        return estimate with { Weights = [.. estimate.Weights, new MemoryComponent("MTP file", mtp.Tensors.Sum(t => t.ByteSize))] };
    }

    /// <summary>
    /// A lease on the model in <paramref name="path"/>, loading it when no one holds it. Refused with
    /// <see cref="ModelDoesNotFitException"/> when the estimate exceeds the available memory, unless <paramref name="force"/>.
    /// A caller that finds the file being loaded by another waits for it (cancellably); when that load fails or is
    /// cancelled, the waiter loads the file itself rather than inherit the other's failure. Weights are shared as
    /// loaded: a caller whose <paramref name="options"/> differ from the loaded ones gets a <see cref="WarningEvent"/>.
    /// </summary>
    public ModelLease Acquire(string path, int? contextLength, KvCacheFormat format, ModelLoadOptions options, bool force,
        Action<EngineEvent>? onEvent = null, CancellationToken cancellationToken = default)
    {
        string file = Canonical(path);
        if (options.MtpPath != null) options = options with { MtpPath = CanonicalMtp(options.MtpPath) };
        // The device is resolved first (Auto → a CUDA device or the CPU): the estimate counts its memory, and a model
        // loaded on one device is another entry than the same file on another.
        // An asked device that is absent is refused here with the load's own message (not the estimate's).
        if (options.Device is not (Compute.ComputeDevice.Cpu or Compute.ComputeDevice.Auto)) Compute.ModelComputeFactory.Resolve(options.Device, options.DeviceId, null);
        var (device, deviceBytes) = options.Device == Compute.ComputeDevice.Cpu ? ("cpu", 0L) : Compute.DeviceMemory.Resolve(options.Device, options.DeviceId, null);
        string key = Key(file, options, device);
        var estimate = Estimate(file, contextLength, format, device == "cpu" ? null : deviceBytes, options.MtpPath) with { Device = device };
        if (!estimate.Fits && !force) throw new ModelDoesNotFitException(estimate);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Entry entry;
            bool loadHere;
            lock (_entries)
            {
                loadHere = !_entries.TryGetValue(key, out entry!);
                if (loadHere)
                {
                    entry = new Entry(options);
                    _entries.Add(key, entry);
                }
                entry.References++;
            }
            if (loadHere) return new ModelLease(this, key, file, LoadInto(entry, key, file, options, onEvent, cancellationToken), options, estimate.ContextLength);
            LoadedModel model;
            try
            {
                model = entry.Loaded.Task.WaitAsync(cancellationToken).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Release(key, entry);
                throw;
            }
            catch (Exception)
            {
                continue;   // the other caller's load failed or was cancelled and removed its entry: try ourselves
            }
            WarnIfLoadedOtherwise(key, entry.Options, options, onEvent);
            return new ModelLease(this, key, file, model, entry.Options, estimate.ContextLength);
        }
    }

    private LoadedModel LoadInto(Entry entry, string key, string file, ModelLoadOptions options, Action<EngineEvent>? onEvent, CancellationToken cancellationToken)
    {
        try
        {
            var model = loader.Load(file, options, onEvent, cancellationToken);
            entry.Loaded.SetResult(model);
            return model;
        }
        catch (Exception e)
        {
            lock (_entries)
            {
                if (_entries.TryGetValue(key, out var current) && current == entry) _entries.Remove(key);
            }
            entry.Loaded.SetException(e);
            throw;
        }
    }

    /// <summary>Posts a <see cref="WarningEvent"/> when the weights in memory were loaded with other options than asked.</summary>
    internal static void WarnIfLoadedOtherwise(string path, ModelLoadOptions loaded, ModelLoadOptions asked, Action<EngineEvent>? onEvent)
    {
        if (onEvent == null || Differences(loaded, asked) is not { } differences) return;
        onEvent(new WarningEvent($"{System.IO.Path.GetFileName(path)} is already loaded in this process ({differences}); this session " +
                                 "shares those weights as they are. Remove the model from every session to load it anew."));
    }

    private static string? Differences(ModelLoadOptions loaded, ModelLoadOptions asked)
    {
        var parts = new List<string>();
        if (asked.LoadMode != loaded.LoadMode)
            parts.Add(loaded.LoadMode == Gguf.GgufLoadMode.Mapped ? "memory-mapped, not read into memory (-NoMmap)" : "read into memory (-NoMmap), not memory-mapped");
        if (asked.Threads != loaded.Threads)
            parts.Add($"with {(loaded.Threads == 0 ? "the default number of" : loaded.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture))} threads, not {(asked.Threads == 0 ? "the default" : asked.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    internal void Release(string key)
    {
        Entry? entry;
        lock (_entries) _entries.TryGetValue(key, out entry);
        if (entry != null) Release(key, entry);
    }

    private void Release(string key, Entry entry)
    {
        LoadedModel? toDispose = null;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out var current) || current != entry) return;
            if (--entry.References > 0) return;
            _entries.Remove(key);
            if (entry.Loaded.Task.IsCompletedSuccessfully) toDispose = entry.Loaded.Task.Result;
        }
        toDispose?.Dispose();
    }

    internal int References(string key)
    {
        lock (_entries) return _entries.TryGetValue(key, out var e) ? e.References : 0;
    }

    /// <summary>
    /// Full path of an existing file (for any shard of a split set, the first shard's, so the set is one model); a
    /// missing file is a <see cref="FileNotFoundException"/> naming it.
    /// </summary>
    public static string Canonical(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        IO.FilePresence.Require(full, $"model file not found: {full}");
        return Gguf.GgufSplit.ModelPath(full);
    }

    /// <summary>The full path of an existing MTP file; a missing one is a <see cref="FileNotFoundException"/> naming it.</summary>
    public static string CanonicalMtp(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        IO.FilePresence.Require(full, $"MTP file not found: {full}");
        return full;
    }

    /// <summary>One entry per file and what changes the loaded model itself: its MTP file, its numerics and its device.</summary>
    private static string Key(string file, ModelLoadOptions options, string device) =>
        file + (options.MtpPath == null ? "" : $" + {options.MtpPath}") + (options.Numerics == Models.DeepSeekV4.DeepSeekV4Numerics.Fast ? "" : $" ({options.Numerics})")
        + (device == "cpu" ? "" : $" @{device}");

    /// <summary>The context asked for, or the model's maximum capped at <see cref="DefaultContextLength"/>.</summary>
    public static int DefaultContext(IModelFootprint footprint, int? asked) =>
        asked ?? Math.Min(footprint.Description.MaxContextLength, DefaultContextLength);

    /// <summary>Context used when none is asked for: memory is taken as sequences grow, but the estimate counts all of it.</summary>
    public const int DefaultContextLength = 65536;

    private sealed class Entry(ModelLoadOptions options)
    {
        public ModelLoadOptions Options { get; } = options;

        /// <summary>Completed by the caller that loads the file; the others wait on it.</summary>
        public TaskCompletionSource<LoadedModel> Loaded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int References { get; set; }
    }
}
