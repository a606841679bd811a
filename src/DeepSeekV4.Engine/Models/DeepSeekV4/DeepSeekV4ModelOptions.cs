using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>How a model is loaded and how its sequences work.</summary>
public sealed record DeepSeekV4ModelOptions
{
    public static DeepSeekV4ModelOptions Default { get; } = new();

    /// <summary>Longest context a sequence may be created with; default the model's <c>context_length</c>.</summary>
    public int? MaxContextLength { get; init; }

    /// <summary>Tokens per batched pass in prefill (a longer input is processed in passes of this size).</summary>
    public int MaxBatchTokens { get; init; } = 128;

    /// <summary>Extra window and compressor rows each sequence keeps so that it can be cut back by that many tokens.</summary>
    public int TruncationSlack { get; init; } = 32;

    /// <summary>How <see cref="DeepSeekV4Model.Load(string, DeepSeekV4ModelOptions?)"/> holds the file.</summary>
    public GgufLoadMode LoadMode { get; init; } = GgufLoadMode.Mapped;

    /// <summary>
    /// Whether Q8_0 matrices are rearranged once into the interleaved layout the fastest products use (only when the
    /// weights are the process's own copy, i.e. <see cref="GgufLoadMode.InMemory"/>, and the CPU has AVX-VNNI).
    /// </summary>
    public bool InterleaveWeights { get; init; } = true;

    /// <summary>
    /// A separate file holding the model's MTP block (llama.cpp's <c>mtp-*.gguf</c> or ds4's MTP file), bound and
    /// shape-checked at load (<see cref="DeepSeekV4Model.BindMtp(string)"/>); null for none (or the main file's own).
    /// </summary>
    public string? MtpPath { get; init; }

    /// <summary>
    /// How the forward pass rounds: <see cref="DeepSeekV4Numerics.Fast"/> (integer products, the default),
    /// <see cref="DeepSeekV4Numerics.Reference"/> (DeepSeek's reference roundings, float products) or
    /// <see cref="DeepSeekV4Numerics.Float"/> (float products, no quantization-aware rounding); with float products the
    /// weights are not interleaved.
    /// </summary>
    public DeepSeekV4Numerics Numerics { get; init; } = DeepSeekV4Numerics.Fast;

    /// <summary>Where the weights and KV caches live; <see cref="ComputeDevice.Auto"/> takes a CUDA device when present, else the CPU.</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;

    /// <summary>Which device of <see cref="Device"/>'s kind (0 = the first).</summary>
    public int DeviceId { get; init; }

    /// <summary>Told which device a load chose and why (with <see cref="ComputeDevice.Auto"/>, e.g. the CPU for want of a CUDA device).</summary>
    public Action<string>? OnDeviceChosen { get; init; }

    internal void Validate()
    {
        if (!Enum.IsDefined(Device)) throw new ArgumentOutOfRangeException(nameof(Device), Device, $"must be one of {string.Join(", ", Enum.GetNames<ComputeDevice>())}");
        if (DeviceId < 0) throw new ArgumentOutOfRangeException(nameof(DeviceId), DeviceId, "must not be negative");
        if (MaxContextLength is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxContextLength), MaxContextLength, "must be positive");
        if (MaxBatchTokens <= 0) throw new ArgumentOutOfRangeException(nameof(MaxBatchTokens), MaxBatchTokens, "must be positive");
        if (TruncationSlack < 0) throw new ArgumentOutOfRangeException(nameof(TruncationSlack), TruncationSlack, "must not be negative");
        if (!Enum.IsDefined(Numerics)) throw new ArgumentOutOfRangeException(nameof(Numerics), Numerics, $"must be one of {string.Join(", ", Enum.GetNames<DeepSeekV4Numerics>())}");
    }
}
