using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// One layer's attention (reference §5.5): low-rank query, the shared K=V projection, sinks, the grouped low-rank
/// output (<see cref="OutputAGroups"/>[g] = rows g·R_o .. (g+1)·R_o−1 of attn_output_a, applied to heads of group g),
/// and, for compressed layers, the compressor and (ratio 4) the lightning indexer.
/// </summary>
public sealed class AttentionWeights
{
    public required int Ratio { get; init; }
    public required TensorView QueryA { get; init; }
    public required float[] QueryNorm { get; init; }
    public required TensorView QueryB { get; init; }
    public required TensorView KeyValue { get; init; }
    public required float[] KeyValueNorm { get; init; }
    public required float[] Sinks { get; init; }
    public required TensorView OutputA { get; init; }
    public required TensorView[] OutputAGroups { get; init; }
    public required TensorView OutputB { get; init; }
    public CompressorWeights? Compressor { get; init; }
    public IndexerWeights? Indexer { get; init; }

    internal static AttentionWeights Bind(TensorBinder b, string blk, DeepSeekV4Config c, int ratio)
    {
        long groupInput = (long)c.HeadsPerGroup * c.HeadDim;
        var outputA = b.MatrixOfAnyRowShape(blk + "attn_output_a.weight", groupInput, (long)c.OutputGroupCount * c.OutputLoraRank);
        var groups = new TensorView[c.OutputGroupCount];
        for (int g = 0; g < groups.Length; g++) groups[g] = outputA.RowRange((long)g * c.OutputLoraRank, c.OutputLoraRank);
        return new AttentionWeights
        {
            Ratio = ratio,
            QueryA = b.Matrix(blk + "attn_q_a.weight", c.HiddenSize, c.QLoraRank),
            QueryNorm = b.Floats(blk + "attn_q_a_norm.weight", c.QLoraRank),
            QueryB = b.Matrix(blk + "attn_q_b.weight", c.QLoraRank, (long)c.HeadCount * c.HeadDim),
            KeyValue = b.Matrix(blk + "attn_kv.weight", c.HiddenSize, c.HeadDim),
            KeyValueNorm = b.Floats(blk + "attn_kv_a_norm.weight", c.HeadDim),
            Sinks = b.Floats(blk + "attn_sinks.weight", c.HeadCount),
            OutputA = outputA,
            OutputAGroups = groups,
            OutputB = b.Matrix(blk + "attn_output_b.weight", (long)c.OutputGroupCount * c.OutputLoraRank, c.HiddenSize),
            Compressor = ratio > 0 ? CompressorWeights.Bind(b, blk + "attn_compressor", c, ratio, c.HeadDim) : null,
            Indexer = ratio == 4 ? IndexerWeights.Bind(b, blk, c) : null,
        };
    }
}
