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
    /// <summary>The MTP block: the main file's, or one bound later from a separate file (<see cref="DeepSeekV4Model.BindMtp(string)"/>).</summary>
    public DeepSeekV4MtpWeights? Mtp { get; internal set; }

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
            // Interleaved too since the 16-row layout: the head (a quarter of a token's weight bytes) streamed at 64–72
            // instead of 58–60 GB/s with 2 threads, ds4-q2 generation with 1 thread +10 %.
            Output = b.Matrix("output.weight", c.HiddenSize, c.VocabSize),
            OutputNorm = b.Floats("output_norm.weight", c.HiddenSize),
            OutputMixer = HyperConnectionWeights.BindHead(b, c),
            Layers = layers,
            Mtp = c.MtpLayerCount > 0 ? DeepSeekV4MtpWeights.Bind(file, c, MtpLayout.MainFile) : null,
        };
    }
}
