namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// How to cut a model into a split set, as llama-gguf-split does: at most <see cref="MaxTensors"/> tensors per
/// shard (default 128), or at most <see cref="MaxBytes"/> of tensor data per shard (tensors padded to 32 bytes,
/// metadata not counted); with <see cref="NoTensorFirstSplit"/> the first shard holds metadata only.
/// </summary>
public sealed record GgufSplitOptions
{
    public const int DefaultMaxTensors = 128;

    public int? MaxTensors { get; init; }
    public long? MaxBytes { get; init; }
    public bool NoTensorFirstSplit { get; init; }

    public void Validate()
    {
        if (MaxTensors != null && MaxBytes != null) throw new ArgumentException("give a maximum tensor count or a maximum size per shard, not both");
        if (MaxTensors is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxTensors), MaxTensors, "the maximum tensor count per shard must be positive");
        if (MaxBytes is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxBytes), MaxBytes, "the maximum shard size must be positive");
    }
}
