using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>What a loaded model's forward pass rounds: its <see cref="DeepSeekV4Numerics"/> resolved against its file.</summary>
public sealed record ForwardRounding
{
    /// <summary>Every product in float32 on the dequantized weights (Reference, Float); else integer partner formats (Fast).</summary>
    public required bool FloatProducts { get; init; }

    /// <summary>The inputs of the FP8/FP4-release products rounded to FP8 per 128 (Reference on a file from an FP8/FP4 release).</summary>
    public required bool RoundsActivations { get; init; }

    /// <summary>
    /// The model's quantization-aware roundings: window-KV rows and compressed entries FP8 on their non-rotary dims, the
    /// indexer's queries and keys FP4 (Fast, Reference; not Float).
    /// </summary>
    public required bool SimulatesKvQuantization { get; init; }

    /// <summary>The KV cache format used when none is named: what the numerics computes (F32 for Reference and Float, whose float32 rotary dims Native would round to BF16).</summary>
    public static KvCacheFormat DefaultKvCacheFormat(DeepSeekV4Numerics numerics) =>
        numerics == DeepSeekV4Numerics.Fast ? KvCacheFormat.Native : KvCacheFormat.F32;

    public static ForwardRounding For(DeepSeekV4Numerics numerics, bool quantizedRelease) => numerics switch
    {
        DeepSeekV4Numerics.Fast => new() { FloatProducts = false, RoundsActivations = false, SimulatesKvQuantization = true },
        DeepSeekV4Numerics.Reference => new() { FloatProducts = true, RoundsActivations = quantizedRelease, SimulatesKvQuantization = true },
        DeepSeekV4Numerics.Float => new() { FloatProducts = true, RoundsActivations = false, SimulatesKvQuantization = false },
        _ => throw new ArgumentOutOfRangeException(nameof(numerics), numerics, $"must be one of {string.Join(", ", Enum.GetNames<DeepSeekV4Numerics>())}"),
    };

    /// <summary>
    /// Whether the file comes from an FP8/FP4 release: any tensor of a role whose release weights are FP8 or FP4
    /// (attention q_a, q_b, kv, output b, indexer q_b, shared and routed experts) is stored in a non-float ggml type.
    /// </summary>
    public static bool IsQuantizedRelease(DeepSeekV4Weights weights)
    {
        foreach (var layer in weights.Layers)
        {
            var a = layer.Attention;
            var m = layer.Moe;
            if (IsQuantized(a.QueryA) || IsQuantized(a.QueryB) || IsQuantized(a.KeyValue) || IsQuantized(a.OutputB)
                || (a.Indexer is { } indexer && IsQuantized(indexer.Query))
                || IsQuantized(m.SharedGate) || IsQuantized(m.SharedUp) || IsQuantized(m.SharedDown)
                || m.Gate.Any(IsQuantized) || m.Up.Any(IsQuantized) || m.Down.Any(IsQuantized))
                return true;
        }
        return false;
    }

    private static bool IsQuantized(TensorView? t) => t is not null && t.Type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.BF16);
}
