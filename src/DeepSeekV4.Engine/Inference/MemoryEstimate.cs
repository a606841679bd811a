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

    /// <summary>The memory the estimate is against: "cpu" (this machine's), or an accelerator's ("cuda:0").</summary>
    public string Device { get; init; } = "cpu";

    public long KvCacheBytes => KvCache.Sum(c => c.Bytes);

    /// <summary>What loading needs now: the weights count only when no session has them in memory yet.</summary>
    public long RequiredBytes => (WeightsAlreadyLoaded ? 0 : WeightBytes) + KvCacheBytes + ScratchBytes;

    public long TotalBytes => WeightBytes + KvCacheBytes + ScratchBytes;

    public bool Fits => RequiredBytes <= AvailableBytes;

    /// <summary>The weights by tensor type on one line: "F16 6.74 MiB, F32 743.57 KiB, I32 24 KiB".</summary>
    public string WeightBreakdown => Breakdown(Weights);

    /// <summary>The KV cache by component on one line: "window 181.88 KiB, CSA entries 97 KiB, …".</summary>
    public string KvCacheBreakdown => Breakdown(KvCache);

    public override string ToString() => Describe();

    private static string Breakdown(IReadOnlyList<MemoryComponent> parts) =>
        string.Join(", ", parts.Select(p => $"{p.Name} {ByteSize.Format(p.Bytes)}"));

    public string Describe() =>
        $"{Model} needs {ByteSize.Format(RequiredBytes)} (weights {ByteSize.Format(WeightBytes)}" +
        (WeightsAlreadyLoaded ? " already in memory" : "") +
        $", KV cache {ByteSize.Format(KvCacheBytes)} for {ContextLength:N0} tokens as {KvCacheType}, scratch {ByteSize.Format(ScratchBytes)})" +
        $" and {ByteSize.Format(AvailableBytes)} is available" + (Device == "cpu" ? "" : $" on {Device}");

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
