using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// One user session's models (a PowerShell runspace's, or a dsv4 run's): imported by name, one of them current.
/// The weights come from the shared <see cref="ModelRegistry"/>; the sequences are this session's own.
/// </summary>
public sealed class InferenceSession(ModelRegistry registry) : IDisposable
{
    private readonly List<SessionModel> _models = [];
    private readonly Lock _lock = new();

    public ModelRegistry Registry => registry;

    public IReadOnlyList<SessionModel> Models
    {
        get
        {
            lock (_lock) return [.. _models];
        }
    }

    /// <summary>The model used when a command names none: the last one imported.</summary>
    public SessionModel? Current { get; private set; }

    /// <summary>
    /// Loads (or shares) the model in <paramref name="path"/> under <paramref name="name"/> (default: the file name
    /// without extension) and makes it current. Importing the same file under the same name again returns the model
    /// already there.
    /// </summary>
    public SessionModel Import(string path, string? name = null, int? contextLength = null, KvCacheFormat format = KvCacheFormat.Native,
        ModelLoadOptions? options = null, bool force = false, Action<EngineEvent>? onEvent = null, CancellationToken cancellationToken = default)
    {
        string full = ModelRegistry.Canonical(path);
        name ??= DefaultName(full);
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a model name must not be empty", nameof(name));
        lock (_lock)
        {
            var existing = Find(name);
            if (existing != null)
            {
                if (existing.Path != full) throw new ModelNameInUseException(name, existing.Path, full);
                string? mtp = options?.MtpPath == null ? null : ModelRegistry.CanonicalMtp(options.MtpPath);
                if ((contextLength == null || contextLength == existing.ContextLength) && format == existing.KvCacheType && mtp == existing.LoadOptions.MtpPath
                    && (options?.Numerics ?? Engine.Models.DeepSeekV4.DeepSeekV4Numerics.Fast) == existing.LoadOptions.Numerics)
                {
                    ModelRegistry.WarnIfLoadedOtherwise(full, existing.LoadOptions, options ?? new ModelLoadOptions(), onEvent);
                    Current = existing;
                    return existing;
                }
            }
        }
        var lease = registry.Acquire(full, contextLength, format, options ?? new ModelLoadOptions(), force, onEvent, cancellationToken);
        var model = new SessionModel(name, lease, format);
        SessionModel? replaced;
        lock (_lock)
        {
            replaced = Find(name);
            if (replaced != null) _models.Remove(replaced);
            _models.Add(model);
            Current = model;
        }
        replaced?.Dispose();
        return model;
    }

    /// <summary>The model named <paramref name="name"/>, or the current one when null.</summary>
    public SessionModel Resolve(string? name)
    {
        lock (_lock)
        {
            if (name == null)
                return Current ?? throw new ModelNotLoadedException("no model is loaded in this session; load one with Import-DSModel (dsv4: --model)", null);
            return Find(name) ?? throw new ModelNotLoadedException(
                $"no model named '{name}' is loaded in this session (loaded: {(_models.Count == 0 ? "none" : string.Join(", ", _models.Select(m => m.Name)))})", name);
        }
    }

    /// <summary>Removes a model from the session and releases its memory (the weights stay while other sessions hold them).</summary>
    public void Remove(SessionModel model)
    {
        lock (_lock)
        {
            if (!_models.Remove(model)) return;
            if (Current == model) Current = _models.LastOrDefault();
        }
        model.Dispose();
    }

    public ModelInfo GetInfo(SessionModel model) => model.GetInfo(model == Current);

    public void Dispose()
    {
        SessionModel[] all;
        lock (_lock)
        {
            all = [.. _models];
            _models.Clear();
            Current = null;
        }
        foreach (var m in all) m.Dispose();
    }

    /// <summary>The file's name without extension; for a split set, without the shard suffix (x-00001-of-00003.gguf → x).</summary>
    private static string DefaultName(string path) =>
        Gguf.GgufSplit.TryParseShardPath(path, out var prefix, out _, out _) ? System.IO.Path.GetFileName(prefix) : System.IO.Path.GetFileNameWithoutExtension(path);

    private SessionModel? Find(string name) => _models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}
