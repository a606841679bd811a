using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference;

/// <summary>A model as a session holds it: what it is, how it runs here, and what it takes in memory.</summary>
public sealed record ModelInfo(
    string Name,
    string Path,
    string Architecture,
    long ParameterCount,
    IReadOnlyList<TensorTypeSummary> TensorTypes,
    int ContextLength,
    KvCacheFormat KvCacheType,
    long WeightBytes,
    long KvCacheBytes,
    long ScratchBytes,
    bool IsCurrent,
    int SharedBy) : IModelInfo
{
    public ModelKind Kind => ModelKind.Local;

    /// <summary>How the forward pass rounds: Fast (the integer products), Reference (DeepSeek's own roundings) or Float (float32, no quantization-aware rounding).</summary>
    public Models.DeepSeekV4.DeepSeekV4Numerics Numerics { get; init; }

    /// <summary>
    /// What <see cref="Numerics"/> does on this file: float products, activation rounding (Reference only on a file from
    /// an FP8/FP4 release, not on a float checkpoint), the KV quantization simulation. Null where unknown.
    /// </summary>
    public Models.DeepSeekV4.ForwardRounding? Rounding { get; init; }

    /// <summary>Where the weights and KV caches live: "cpu", "cuda:0", "simulator:0", …</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>What the loader tolerated in the file (e.g. "runs without YaRN"); empty for a file as expected.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The MTP block bound to the model: where it came from (the main file or an MTP file's path), its tensors and bytes; null for none.</summary>
    public Models.DeepSeekV4.MtpBlockInfo? Mtp { get; init; }

    /// <summary>Weights, the KV cache at the full context, and scratch.</summary>
    public long MemoryBytes => WeightBytes + KvCacheBytes + ScratchBytes;

    public override string ToString() => Name;
}
