namespace DeepSeekV4.Engine.Inference;

/// <summary>A load refused because the model would not fit in the memory available (overridable with Force).</summary>
public sealed class ModelDoesNotFitException(MemoryEstimate estimate)
    : Exception($"{estimate.Describe()}; choose a smaller context length or KV-cache type, free memory, or force the load")
{
    public MemoryEstimate Estimate { get; } = estimate;
}
