using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

/// <summary>Which ggml type each tensor of a synthetic model gets (`--weights`).</summary>
public enum SyntheticWeightMix
{
    /// <summary>Every tensor F32 (tid2eid I32).</summary>
    F32,
    /// <summary>
    /// As the dsv4-tiny F16 fixture (llama.cpp's converter with an F16 out-type): F16 for the matrices DeepSeek's checkpoint stores as
    /// BF16/FP8/FP4, F32 for what it keeps in FP32 (hyper-connections, ape, sinks, router bias) and for norms.
    /// </summary>
    F16,
    /// <summary>The F16 mix's matrices in Q8_0.</summary>
    Q8_0,
    /// <summary>The F16 mix's matrices in Q4_K.</summary>
    Q4_K,
    /// <summary>The F16 mix with the routed experts in IQ2_XXS.</summary>
    IQ2_XXS_Experts,
    /// <summary>
    /// antirez's ds4 q2 GGUFs: routed experts gate/up IQ2_XXS and down Q2_K; attention, shared experts and output
    /// Q8_0; embeddings, hyper-connection projections, router, compressor and indexer F16; norms, sinks, bias F32.
    /// </summary>
    Ds4Q2,
    /// <summary>antirez's ds4 q4 GGUFs: the <see cref="Ds4Q2"/> layout with every routed expert matrix in Q4_K.</summary>
    Ds4Q4,
    /// <summary>
    /// llama.cpp's converter (convert_hf_to_gguf.py, DeepseekV4) from the official FP8/FP4 checkpoint: the FP8 matrices
    /// (attention, indexer attn_q_b, shared experts) Q8_0; the FP4 routed experts MXFP4 (the checkpoint's E2M1 values
    /// and E8M0 scales as they are), stacked 3-D; the BF16 ones (embedding, output, compressor kv/gate, indexer.proj,
    /// router) BF16; F32 for hyper-connections, ape, sinks, router bias and norms; I32 tid2eid. Its metadata follows the
    /// converter too (see <see cref="SyntheticMetadata"/>).
    /// </summary>
    Converter,
}

public static class SyntheticWeightMixes
{
    /// <summary>The `--weights` spellings, in the order they are listed.</summary>
    public static readonly IReadOnlyList<(string Name, SyntheticWeightMix Mix)> Names =
    [
        ("f32", SyntheticWeightMix.F32), ("f16", SyntheticWeightMix.F16), ("q8_0", SyntheticWeightMix.Q8_0),
        ("q4_k", SyntheticWeightMix.Q4_K), ("iq2_xxs-experts", SyntheticWeightMix.IQ2_XXS_Experts),
        ("ds4-q2", SyntheticWeightMix.Ds4Q2), ("ds4-q4", SyntheticWeightMix.Ds4Q4), ("converter", SyntheticWeightMix.Converter),
    ];

    public static SyntheticWeightMix Parse(string name) =>
        Names.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } hit
            ? hit.Mix
            : throw new ArgumentException($"unknown weight mix '{name}' (expected one of {string.Join(", ", Names.Select(n => n.Name))})");

    public static string NameOf(SyntheticWeightMix mix) => Names.First(n => n.Mix == mix).Name;

    /// <summary>llama.cpp's general.file_type (llama_ftype) that best names the mix.</summary>
    public static uint FileType(SyntheticWeightMix mix) => mix switch
    {
        SyntheticWeightMix.F32 => 0,              // ALL_F32
        SyntheticWeightMix.F16 => 1,              // MOSTLY_F16
        SyntheticWeightMix.Q8_0 => 7,             // MOSTLY_Q8_0
        SyntheticWeightMix.Q4_K => 14,            // MOSTLY_Q4_K_S
        SyntheticWeightMix.IQ2_XXS_Experts => 19, // MOSTLY_IQ2_XXS
        SyntheticWeightMix.Ds4Q2 => 19,
        SyntheticWeightMix.Ds4Q4 => 15,           // MOSTLY_Q4_K_M
        SyntheticWeightMix.Converter => 38,       // MOSTLY_MXFP4_MOE
        _ => throw new ArgumentOutOfRangeException(nameof(mix), mix, null),
    };

    /// <summary>
    /// The type a tensor of <paramref name="role"/> with rows of <paramref name="rowLength"/> gets. A block type whose
    /// block does not divide the row falls back to Q8_0, then F16 (as llama.cpp's quantizer does).
    /// </summary>
    public static GgmlType TypeFor(SyntheticWeightMix mix, SyntheticTensorRole role, long rowLength)
    {
        if (role == SyntheticTensorRole.HashRouting) return GgmlType.I32;
        GgmlType wanted = mix switch
        {
            SyntheticWeightMix.F32 => GgmlType.F32,
            SyntheticWeightMix.F16 => IsCheckpointMatrix(role) ? GgmlType.F16 : GgmlType.F32,
            SyntheticWeightMix.Q8_0 => IsCheckpointMatrix(role) ? GgmlType.Q8_0 : GgmlType.F32,
            SyntheticWeightMix.Q4_K => IsCheckpointMatrix(role) ? GgmlType.Q4_K : GgmlType.F32,
            SyntheticWeightMix.IQ2_XXS_Experts => role is SyntheticTensorRole.RoutedExpertGateUp or SyntheticTensorRole.RoutedExpertDown
                ? GgmlType.IQ2_XXS
                : IsCheckpointMatrix(role) ? GgmlType.F16 : GgmlType.F32,
            SyntheticWeightMix.Ds4Q2 or SyntheticWeightMix.Ds4Q4 => role switch
            {
                SyntheticTensorRole.RoutedExpertGateUp => mix == SyntheticWeightMix.Ds4Q2 ? GgmlType.IQ2_XXS : GgmlType.Q4_K,
                SyntheticTensorRole.RoutedExpertDown => mix == SyntheticWeightMix.Ds4Q2 ? GgmlType.Q2_K : GgmlType.Q4_K,
                SyntheticTensorRole.Attention or SyntheticTensorRole.SharedExpert or SyntheticTensorRole.Output => GgmlType.Q8_0,
                SyntheticTensorRole.TokenEmbedding or SyntheticTensorRole.HyperConnectionFn or SyntheticTensorRole.Router
                    or SyntheticTensorRole.CompressorProjection or SyntheticTensorRole.CompressorPositionBias
                    or SyntheticTensorRole.Indexer or SyntheticTensorRole.IndexerWeights => GgmlType.F16,
                _ => GgmlType.F32,
            },
            SyntheticWeightMix.Converter => role switch
            {
                SyntheticTensorRole.RoutedExpertGateUp or SyntheticTensorRole.RoutedExpertDown => GgmlType.MXFP4,
                SyntheticTensorRole.Attention or SyntheticTensorRole.Indexer or SyntheticTensorRole.SharedExpert => GgmlType.Q8_0,
                SyntheticTensorRole.TokenEmbedding or SyntheticTensorRole.Output or SyntheticTensorRole.CompressorProjection
                    or SyntheticTensorRole.IndexerWeights or SyntheticTensorRole.Router => GgmlType.BF16,
                _ => GgmlType.F32,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(mix), mix, null),
        };
        return FitToRow(wanted, rowLength);
    }

    private static GgmlType FitToRow(GgmlType type, long rowLength)
    {
        if (rowLength % GgmlTypeInfo.Of(type).BlockSize == 0) return type;
        return rowLength % GgmlTypeInfo.Of(GgmlType.Q8_0).BlockSize == 0 ? GgmlType.Q8_0 : GgmlType.F16;
    }

    /// <summary>The 2-D+ matrices DeepSeek's checkpoint stores in BF16, FP8 or FP4 (F16 in the fixture's F16 file).</summary>
    private static bool IsCheckpointMatrix(SyntheticTensorRole role) => role is SyntheticTensorRole.TokenEmbedding
        or SyntheticTensorRole.Output or SyntheticTensorRole.Attention or SyntheticTensorRole.CompressorProjection
        or SyntheticTensorRole.Indexer or SyntheticTensorRole.IndexerWeights or SyntheticTensorRole.Router or SyntheticTensorRole.RoutedExpertGateUp
        or SyntheticTensorRole.RoutedExpertDown or SyntheticTensorRole.SharedExpert;
}
