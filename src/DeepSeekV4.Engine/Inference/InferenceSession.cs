using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// One user session's models (a PowerShell runspace's, or a dsv4 run's): imported from files or connected to remote
/// endpoints, by name, one of them current. The weights come from the shared <see cref="ModelRegistry"/>; the
/// sequences are this session's own.
/// </summary>
public sealed class InferenceSession(ModelRegistry registry) : IDisposable
{
    private readonly List<ISessionModel> _models = [];
    private readonly List<Remote.LocalServer> _servers = [];
    private readonly Lock _lock = new();

    public ModelRegistry Registry => registry;

    public IReadOnlyList<ISessionModel> Models
    {
        get
        {
            lock (_lock) return [.. _models];
        }
    }

    /// <summary>The model used when a command names none: the last one imported or connected.</summary>
    public ISessionModel? Current { get; private set; }

    /// <summary>
    /// Loads (or shares) the model in <paramref name="path"/> under <paramref name="name"/> (default: the file name
    /// without extension) and makes it current. Importing the same file under the same name again returns the model
    /// already there. Without <paramref name="format"/> the KV cache takes the numerics' own format
    /// (<see cref="ForwardRounding.DefaultKvCacheFormat"/>: Native for Fast, F32 for Reference and Float).
    /// </summary>
    public SessionModel Import(string path, string? name = null, int? contextLength = null, KvCacheFormat? format = null,
        ModelLoadOptions? options = null, bool force = false, Action<EngineEvent>? onEvent = null, CancellationToken cancellationToken = default)
    {
        var kvFormat = format ?? ForwardRounding.DefaultKvCacheFormat(options?.Numerics ?? DeepSeekV4Numerics.Fast);
        string full = ModelRegistry.Canonical(path);
        name ??= DefaultName(full);
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a model name must not be empty", nameof(name));
        lock (_lock)
        {
            var existing = Find(name);
            if (existing != null)
            {
                if (existing is not SessionModel local || local.Path != full) throw new ModelNameInUseException(name, Origin(existing), full);
                string? mtp = options?.MtpPath == null ? null : ModelRegistry.CanonicalMtp(options.MtpPath);
                if ((contextLength == null || contextLength == local.ContextLength) && kvFormat == local.KvCacheType && mtp == local.LoadOptions.MtpPath
                    && (options?.Numerics ?? DeepSeekV4Numerics.Fast) == local.LoadOptions.Numerics)
                {
                    ModelRegistry.WarnIfLoadedOtherwise(full, local.LoadOptions, options ?? new ModelLoadOptions(), onEvent);
                    Current = local;
                    return local;
                }
            }
        }
        var lease = registry.Acquire(full, contextLength, kvFormat, options ?? new ModelLoadOptions(), force, onEvent, cancellationToken);
        var model = new SessionModel(name, lease, kvFormat);
        Add(model);
        return model;
    }

    /// <summary>
    /// Adds a connected remote model under its name and makes it current. A name held by another model is refused
    /// (<see cref="ModelNameInUseException"/>), unless that model is a remote one at the same endpoint and served id,
    /// which the new connection replaces.
    /// </summary>
    public Remote.RemoteModel Connect(Remote.RemoteModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (_lock)
        {
            if (Find(model.Name) is { } existing && (existing is not Remote.RemoteModel remote || !remote.SameTarget(model)))
                throw new ModelNameInUseException(model.Name, Origin(existing), model.Origin);
        }
        Add(model);
        return model;
    }

    private void Add(ISessionModel model)
    {
        ISessionModel? replaced;
        lock (_lock)
        {
            replaced = Find(model.Name);
            if (replaced != null) _models.Remove(replaced);
            _models.Add(model);
            Current = model;
        }
        replaced?.Dispose();
    }

    /// <summary>The model named <paramref name="name"/>, or the current one when null.</summary>
    public ISessionModel Resolve(string? name)
    {
        lock (_lock)
        {
            if (name == null)
                return Current ?? throw new ModelNotLoadedException("no model is loaded in this session; load one with Import-DSModel (dsv4: --model)", null);
            return Find(name) ?? throw new ModelNotLoadedException(
                $"no model named '{name}' is loaded in this session (loaded: {(_models.Count == 0 ? "none" : string.Join(", ", _models.Select(m => m.Name)))})", name);
        }
    }

    /// <summary>
    /// The model named <paramref name="name"/> (or the current one) when it is loaded in this process; a remote one is
    /// refused with an <see cref="InvalidOperationException"/> that says what <paramref name="purpose"/> needs.
    /// </summary>
    public SessionModel ResolveLocal(string? name, string purpose) => Resolve(name) switch
    {
        SessionModel local => local,
        var other => throw new InvalidOperationException(
            $"'{other.Name}' is a remote model ({Origin(other)}); {purpose} needs a model loaded in this process (Import-DSModel)"),
    };

    /// <summary>Removes a model from the session and releases its memory (the weights stay while other sessions hold them) or its connection.</summary>
    public void Remove(ISessionModel model)
    {
        lock (_lock)
        {
            if (!_models.Remove(model)) return;
            if (Current == model) Current = _models.LastOrDefault();
        }
        model.Dispose();
    }

    public ModelInfo GetInfo(SessionModel model) => model.GetInfo(model == Current);

    /// <summary>The `dsv4 serve` processes this session started (Start-DSServer); they stop when the session ends.</summary>
    public IReadOnlyList<Remote.LocalServer> Servers
    {
        get
        {
            lock (_lock) return [.. _servers];
        }
    }

    public void AddServer(Remote.LocalServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        lock (_lock) _servers.Add(server);
    }

    /// <summary>Stops the server, forgets it, and removes the remote models connected to it.</summary>
    public void StopServer(Remote.LocalServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        List<ISessionModel> connected;
        lock (_lock)
        {
            _servers.Remove(server);
            connected = [.. _models.OfType<Remote.RemoteModel>().Where(m => m.Endpoint == server.Api)];
        }
        foreach (var model in connected) Remove(model);
        server.Dispose();
    }

    /// <summary>The model's description (local or remote), marked current when it is.</summary>
    public IModelInfo Describe(ISessionModel model) => model.Describe(model == Current);

    /// <summary>Where a model comes from, for messages: its file, or its endpoint and served id.</summary>
    public static string Origin(ISessionModel model) => model switch
    {
        SessionModel local => local.Path,
        Remote.RemoteModel remote => remote.Origin,
        _ => model.Name,
    };

    public void Dispose()
    {
        ISessionModel[] all;
        Remote.LocalServer[] servers;
        lock (_lock)
        {
            all = [.. _models];
            _models.Clear();
            Current = null;
            servers = [.. _servers];
            _servers.Clear();
        }
        foreach (var m in all) m.Dispose();
        foreach (var s in servers) s.Dispose();
    }

    /// <summary>The file's name without extension; for a split set, without the shard suffix (x-00001-of-00003.gguf → x).</summary>
    private static string DefaultName(string path) =>
        Gguf.GgufSplit.TryParseShardPath(path, out var prefix, out _, out _) ? System.IO.Path.GetFileName(prefix) : System.IO.Path.GetFileNameWithoutExtension(path);

    private ISessionModel? Find(string name) => _models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}
