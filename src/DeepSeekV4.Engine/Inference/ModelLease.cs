namespace DeepSeekV4.Engine.Inference;

/// <summary>One holder's claim on a registered model; disposing it releases the claim (the last one frees the model).</summary>
public sealed class ModelLease : IDisposable
{
    private readonly ModelRegistry _registry;
    private readonly string _key;
    private int _released;

    internal ModelLease(ModelRegistry registry, string key, string path, LoadedModel model, ModelLoadOptions options, int contextLength)
    {
        Options = options;
        _registry = registry;
        _key = key;
        Path = path;
        Model = model;
        ContextLength = contextLength;
    }

    public string Path { get; }

    public LoadedModel Model { get; }

    /// <summary>The options the weights were loaded with (by whichever session loaded them first).</summary>
    public ModelLoadOptions Options { get; }

    /// <summary>The context length the lease was estimated for.</summary>
    public int ContextLength { get; }

    /// <summary>How many leases (sessions) hold this model now.</summary>
    public int SharedBy => _registry.References(_key);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) _registry.Release(_key);
    }
}
