using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Compute;

/// <summary>
/// The compute backend of one loaded DeepSeek V4 model: it holds the weights where it computes (the CPU reads them in
/// place from the file's mapping; a GPU backend uploads them once) and creates each sequence's state there.
/// </summary>
/// <remarks>
/// The seam is cut at the model's sublayers (<see cref="ISequenceCompute"/>), not at single kernels: each backend owns its
/// buffers and schedules its own kernels inside a sublayer (the CPU groups MoE tokens by expert and attends token by
/// token over its threads; a GPU launches one kernel per operation over device buffers), while the model's order of
/// operations lives in one place, <see cref="Models.DeepSeekV4.DeepSeekV4Sequence"/>. Because every sublayer reads and
/// writes the sequence's residual state through its backend, a later backend can place sublayers on different devices
/// (routed experts on the CPU, the rest on a GPU) by moving the hidden rows between them at the sublayer's edges.
/// </remarks>
public interface IModelCompute : IDisposable
{
    /// <summary>Where weights and caches live: "cpu", "cuda:0", "simulator:0", …</summary>
    string Device { get; }

    /// <summary>Bytes of weights this backend holds on its device (0 for the CPU, which reads the file in place).</summary>
    long DeviceWeightBytes { get; }

    /// <summary>A new sequence state: passes of up to <paramref name="passTokens"/> tokens, a cache of <paramref name="contextLength"/> tokens in <paramref name="format"/>.</summary>
    ISequenceCompute CreateSequence(int contextLength, KvCacheFormat format, int passTokens);
}
