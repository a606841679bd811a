using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>The lightning indexer of a CSA layer (reference §5.7): query projection from q_lat, per-head weights, its own compressor.</summary>
public sealed class IndexerWeights
{
    public required TensorView Query { get; init; }
    public required TensorView HeadWeights { get; init; }
    public required CompressorWeights Compressor { get; init; }

    internal static IndexerWeights Bind(TensorBinder b, string blk, DeepSeekV4Config c) => new()
    {
        Query = b.Matrix(blk + "indexer.attn_q_b.weight", c.QLoraRank, (long)c.IndexerHeadCount * c.IndexerHeadDim),
        HeadWeights = b.Matrix(blk + "indexer.proj.weight", c.HiddenSize, c.IndexerHeadCount),
        Compressor = CompressorWeights.Bind(b, blk + "indexer_compressor", c, 4, c.IndexerHeadDim),
    };
}
