using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// All weights of a DeepSeek V4 GGUF bound by llama.cpp's names (reference §9.2), each shape checked against the
/// configuration. Matrices are views into the file in their stored type; nothing is expanded at load except small
/// vectors. Valid while the file stays open.
/// </summary>
public sealed class DeepSeekV4Weights
{
    public required TensorView TokenEmbedding { get; init; }
    public required TensorView Output { get; init; }
    public required float[] OutputNorm { get; init; }
    public required HyperConnectionWeights OutputMixer { get; init; }
    public required IReadOnlyList<DeepSeekV4LayerWeights> Layers { get; init; }
    public DeepSeekV4MtpWeights? Mtp { get; init; }

    /// <param name="interleave">Rearrange Q8_0 matrices for the products where the file's bytes are the process's own copy.</param>
    public static DeepSeekV4Weights Bind(GgufFile file, DeepSeekV4Config config, bool interleave = false)
    {
        var b = new TensorBinder(file, interleave);
        var c = config;
        var layers = new DeepSeekV4LayerWeights[c.LayerCount];
        for (int l = 0; l < layers.Length; l++) layers[l] = DeepSeekV4LayerWeights.Bind(b, c, l, c.CompressRatios[l]);
        return new DeepSeekV4Weights
        {
            TokenEmbedding = b.Tensor("token_embd.weight", c.HiddenSize, c.VocabSize),
            // Left plain: the head runs for one token per step, where the interleaved products read memory no faster
            // (measured slower in the model), while prompts pass only their last token through it.
            Output = b.Tensor("output.weight", c.HiddenSize, c.VocabSize),
            OutputNorm = b.Floats("output_norm.weight", c.HiddenSize),
            OutputMixer = HyperConnectionWeights.BindHead(b, c),
            Layers = layers,
            Mtp = c.MtpLayerCount > 0 ? DeepSeekV4MtpWeights.Bind(b, c) : null,
        };
    }
}
