namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>One decoder block (reference §5.2): hyper-connections around attention and the MoE, with their norms.</summary>
public sealed class DeepSeekV4LayerWeights
{
    public required int Layer { get; init; }
    public required HyperConnectionWeights AttentionMixer { get; init; }
    public required HyperConnectionWeights FeedForwardMixer { get; init; }
    public required float[] AttentionNorm { get; init; }
    public required float[] FeedForwardNorm { get; init; }
    public required AttentionWeights Attention { get; init; }
    public required MoeWeights Moe { get; init; }

    internal static DeepSeekV4LayerWeights Bind(TensorBinder b, DeepSeekV4Config c, int layer, int ratio)
    {
        string blk = $"blk.{layer}.";
        return new DeepSeekV4LayerWeights
        {
            Layer = layer,
            AttentionMixer = HyperConnectionWeights.Bind(b, blk + "hc_attn", c),
            FeedForwardMixer = HyperConnectionWeights.Bind(b, blk + "hc_ffn", c),
            AttentionNorm = b.Floats(blk + "attn_norm.weight", c.HiddenSize),
            FeedForwardNorm = b.Floats(blk + "ffn_norm.weight", c.HiddenSize),
            Attention = AttentionWeights.Bind(b, blk, c, ratio),
            Moe = MoeWeights.Bind(b, blk, c, layer),
        };
    }
}
