using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// A model as one session uses it: its name there, context length and KV-cache format, and its cached sequences.
/// Completions on one session model run one at a time; other sessions' completions on the same weights run in
/// parallel with their own sequences.
/// </summary>
public sealed class SessionModel : ISessionModel
{
    private readonly ModelLease _lease;
    private readonly PrefixCache _cache;
    private readonly float[] _logits;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    internal SessionModel(string name, ModelLease lease, KvCacheFormat format)
    {
        Name = name;
        _lease = lease;
        ContextLength = lease.ContextLength;
        KvCacheType = format;
        _cache = new PrefixCache(lease.Model.Model, ContextLength, format);
        _logits = new float[lease.Model.Model.VocabularySize];
    }

    public string Name { get; }

    public ModelKind Kind => ModelKind.Local;

    public string Path => _lease.Path;

    public int ContextLength { get; }

    public KvCacheFormat KvCacheType { get; }

    public LoadedModel Model => _lease.Model;

    /// <summary>How the shared weights were loaded (which may differ from what this session asked for).</summary>
    public ModelLoadOptions LoadOptions => _lease.Options;

    /// <summary>
    /// Runs one completion. <paramref name="onEvent"/> receives text chunks and prefill progress on this thread.
    /// Cancelling throws <see cref="OperationCanceledException"/> and leaves the model ready for the next call.
    /// </summary>
    public CompletionResult Complete(CompletionRequest request, Action<EngineEvent>? onEvent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        _gate.Wait(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return GenerationLoop.Run(Model.Tokenizer, Name, _cache, _logits, request, onEvent, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The cached sequences' statistics: the active one (an empty report when none ran yet; reading creates nothing)
    /// and the prefix checkpoint.
    /// </summary>
    public IReadOnlyList<KvCacheReport> GetKvCacheReports()
    {
        _gate.Wait();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var reports = new List<KvCacheReport> { new(Name, "Active", _cache.Active?.GetStatistics() ?? KvCacheStatistics.Empty(KvCacheType, ContextLength)) };
            if (_cache.Checkpoint is { } checkpoint) reports.Add(new KvCacheReport(Name, "PrefixCheckpoint", checkpoint.GetStatistics()));
            return reports;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Frees the cached sequences; the next completion starts cold.</summary>
    public void ClearKvCache()
    {
        _gate.Wait();
        try
        {
            _cache.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    public IModelInfo Describe(bool isCurrent) => GetInfo(isCurrent);

    public ModelInfo GetInfo(bool isCurrent)
    {
        var d = Model.Description;
        var footprint = Model.Footprint;
        return new ModelInfo(Name, Path, d.Architecture, d.ParameterCount, d.TensorTypes, ContextLength, KvCacheType,
            d.WeightBytes, footprint.KvCacheBytes(ContextLength, KvCacheType).Sum(c => c.Bytes), footprint.ScratchBytes(ContextLength),
            isCurrent, _lease.SharedBy) { Notes = d.Notes, Mtp = d.Mtp, Numerics = LoadOptions.Numerics, Rounding = Model.Model.Rounding, Device = Model.Model.Device };
    }

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _cache.Dispose();
            _lease.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }
}
