using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// One hyper-connection mixer (reference §5.3): <see cref="Function"/> maps the flattened hc·D streams to the mixing
/// logits — rows pre (hc), post (hc), then the hc×hc comb matrix row-major (row = old stream, column = new stream) —
/// scaled by <see cref="Scale"/> per group and shifted by <see cref="Base"/>. The output head uses a pre-only mixer.
/// </summary>
public sealed class HyperConnectionWeights(TensorView function, float[] @base, float[] scale)
{
    public TensorView Function { get; } = function;
    public float[] Base { get; } = @base;
    public float[] Scale { get; } = scale;

    internal static HyperConnectionWeights Bind(TensorBinder b, string prefix, DeepSeekV4Config c)
    {
        long hcDim = (long)c.HyperConnectionCount * c.HiddenSize;
        int mix = c.HyperConnectionMixCount;
        return new HyperConnectionWeights(
            b.Tensor(prefix + "_fn.weight", hcDim, mix),
            b.Floats(prefix + "_base.weight", mix),
            b.Floats(prefix + "_scale.weight", 3));
    }

    /// <param name="prefix">output_hc for the model's head; blk.N.nextn.hc_head for an MTP block's own.</param>
    internal static HyperConnectionWeights BindHead(TensorBinder b, DeepSeekV4Config c, string prefix = "output_hc")
    {
        long hcDim = (long)c.HyperConnectionCount * c.HiddenSize;
        int hc = c.HyperConnectionCount;
        return new HyperConnectionWeights(
            b.Tensor(prefix + "_fn.weight", hcDim, hc),
            b.Floats(prefix + "_base.weight", hc),
            b.Floats(prefix + "_scale.weight", 1));
    }
}
