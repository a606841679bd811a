using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Inference;

/// <summary>How the registry reads model files: a cheap inspection for the memory estimate, then the load itself.</summary>
public interface IModelLoader
{
    /// <summary>Reads the header only (no weights): what the model is and what it needs in memory.</summary>
    IModelFootprint Inspect(string path);

    /// <summary>Maps and validates the weights and builds the tokenizer.</summary>
    LoadedModel Load(string path, ModelLoadOptions options, Action<EngineEvent>? onEvent, CancellationToken cancellationToken);
}

/// <summary>What a model needs in memory, known before its weights are loaded.</summary>
public interface IModelFootprint
{
    ModelDescription Description { get; }

    /// <summary>KV-cache bytes by component (window, CSA entries, indexer keys, HCA entries, compressor state) for one full sequence.</summary>
    IReadOnlyList<MemoryComponent> KvCacheBytes(int contextLength, KvCacheFormat format);

    /// <summary>Working buffers of a forward pass (activations, logits) at this context.</summary>
    long ScratchBytes(int contextLength);
}

/// <summary>Settings that shape a load (the weights are shared by every session that loads the same file).</summary>
public sealed record ModelLoadOptions
{
    /// <summary>Compute threads; 0 lets the engine choose.</summary>
    public int Threads { get; init; }

    /// <summary>Memory-mapped (default) or read into process memory and locked where the OS allows (--no-mmap).</summary>
    public Gguf.GgufLoadMode LoadMode { get; init; } = Gguf.GgufLoadMode.Mapped;

    /// <summary>A separate file with the model's MTP block (llama.cpp's mtp-*.gguf or ds4's), bound and shape-checked at load; null for none.</summary>
    public string? MtpPath { get; init; }

    /// <summary>
    /// Runs a few tokens (8 prompt, 4 decoded) through a throwaway sequence after the load, so that a process with
    /// tiered compilation (pwsh) compiles the forward pass, sampler and tokenizer during the import rather than the
    /// first completion. Nothing is kept and no result changes. Off by default: the module turns it on; the dsv4 tool,
    /// which runs without tiered compilation, and the tests leave it off.
    /// </summary>
    public bool WarmUp { get; init; }

    /// <summary>Where the weights and KV caches live (<see cref="Compute.ComputeDevice.Auto"/>: a CUDA device when present, else the CPU).</summary>
    public Compute.ComputeDevice Device { get; init; } = Compute.ComputeDevice.Auto;

    /// <summary>Which device of <see cref="Device"/>'s kind (0 = the first).</summary>
    public int DeviceId { get; init; }

    /// <summary>How the forward pass rounds (<see cref="Models.DeepSeekV4.DeepSeekV4ModelOptions.Numerics"/>).</summary>
    public Models.DeepSeekV4.DeepSeekV4Numerics Numerics { get; init; } = Models.DeepSeekV4.DeepSeekV4Numerics.Fast;
}
