using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// The multi-token-prediction block as llama.cpp stores it (reference §5.11, §9.2): a full layer at index
/// <c>block_count − nextn_predict_layers</c> plus <c>blk.N.nextn.*</c> (eh_proj = [e_proj | h_proj] on
/// concat(enorm(e), hnorm(h)); embed/head/norm optional, shared with the main model when absent). Bound and checked
/// at load, kept aside: the forward pass does not run it (speculative decoding comes later).
/// </summary>
public sealed class DeepSeekV4MtpWeights
{
    public required DeepSeekV4LayerWeights Block { get; init; }
    public required TensorView EhProjection { get; init; }
    public required float[] EmbeddingNorm { get; init; }
    public required float[] HiddenNorm { get; init; }
    public TensorView? Embedding { get; init; }
    public TensorView? Head { get; init; }
    public float[]? HeadNorm { get; init; }

    internal static DeepSeekV4MtpWeights Bind(TensorBinder b, DeepSeekV4Config c)
    {
        int index = c.LayerCount;
        string n = $"blk.{index}.nextn.";
        return new DeepSeekV4MtpWeights
        {
            Block = DeepSeekV4LayerWeights.Bind(b, c, index, c.MtpCompressRatio),
            EhProjection = b.Matrix(n + "eh_proj.weight", 2L * c.HiddenSize, c.HiddenSize),
            EmbeddingNorm = b.Floats(n + "enorm.weight", c.HiddenSize),
            HiddenNorm = b.Floats(n + "hnorm.weight", c.HiddenSize),
            Embedding = b.Optional(n + "embed_tokens.weight", c.HiddenSize, c.VocabSize),
            Head = b.Optional(n + "shared_head_head.weight", c.HiddenSize, c.VocabSize),
            HeadNorm = b.Has(n + "shared_head_norm.weight") ? b.Floats(n + "shared_head_norm.weight", c.HiddenSize) : null,
        };
    }
}
