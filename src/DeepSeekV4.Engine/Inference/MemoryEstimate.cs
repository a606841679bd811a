using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// The memory a model needs at a context length and KV-cache format, against the memory available: weights by
/// tensor type, the KV cache by component, scratch.
/// </summary>
public sealed record MemoryEstimate(
    string Model,
    string Architecture,
    int ContextLength,
    KvCacheFormat KvCacheType,
    IReadOnlyList<MemoryComponent> Weights,
    IReadOnlyList<MemoryComponent> KvCache,
    long ScratchBytes,
    long AvailableBytes,
    bool WeightsAlreadyLoaded)
{
    public long WeightBytes => Weights.Sum(w => w.Bytes);

    public long KvCacheBytes => KvCache.Sum(c => c.Bytes);

    /// <summary>What loading needs now: the weights count only when no session has them in memory yet.</summary>
    public long RequiredBytes => (WeightsAlreadyLoaded ? 0 : WeightBytes) + KvCacheBytes + ScratchBytes;

    public long TotalBytes => WeightBytes + KvCacheBytes + ScratchBytes;

    public bool Fits => RequiredBytes <= AvailableBytes;

    public string Describe() =>
        $"{Model} needs {ByteSize.Format(RequiredBytes)} (weights {ByteSize.Format(WeightBytes)}" +
        (WeightsAlreadyLoaded ? " already in memory" : "") +
        $", KV cache {ByteSize.Format(KvCacheBytes)} for {ContextLength:N0} tokens as {KvCacheType}, scratch {ByteSize.Format(ScratchBytes)})" +
        $" and {ByteSize.Format(AvailableBytes)} is available";

    public static MemoryEstimate Create(string model, IModelFootprint footprint, int contextLength, KvCacheFormat format,
        long availableBytes, bool weightsAlreadyLoaded)
    {
        var d = footprint.Description;
        if (contextLength < 1 || contextLength > d.MaxContextLength)
            throw new ArgumentOutOfRangeException(nameof(contextLength), contextLength,
                $"context length {contextLength:N0} is outside 1..{d.MaxContextLength:N0} for {model}");
        return new MemoryEstimate(model, d.Architecture, contextLength, format,
            [.. d.TensorTypes.Select(t => new MemoryComponent(t.Type, t.Bytes))],
            footprint.KvCacheBytes(contextLength, format), footprint.ScratchBytes(contextLength),
            availableBytes, weightsAlreadyLoaded);
    }
}
