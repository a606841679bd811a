using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// A KV compressor (reference §5.6): value and gate projections of width c·d (c = 2 for the overlapping ratio-4
/// compressor: the first d channels pool the previous block, the last d the current one), the positional bias
/// <see cref="Ape"/> added to the gate logits (row = position mod ratio, [ratio × c·d]), and the RMS norm of an entry.
/// </summary>
public sealed class CompressorWeights
{
    public required int Ratio { get; init; }
    /// <summary>d: values per compressed entry.</summary>
    public required int Dim { get; init; }
    public bool Overlap => Ratio == 4;
    public int Width => Overlap ? 2 * Dim : Dim;
    public required TensorView Values { get; init; }
    public required TensorView Gate { get; init; }
    public required float[] Ape { get; init; }
    public required float[] Norm { get; init; }

    internal static CompressorWeights Bind(TensorBinder b, string prefix, DeepSeekV4Config c, int ratio, int dim)
    {
        int width = ratio == 4 ? 2 * dim : dim;
        return new CompressorWeights
        {
            Ratio = ratio,
            Dim = dim,
            Values = b.Matrix(prefix + "_kv.weight", c.HiddenSize, width),
            Gate = b.Matrix(prefix + "_gate.weight", c.HiddenSize, width),
            Ape = b.Floats(prefix + "_ape.weight", width, ratio),
            Norm = b.Floats(prefix + "_norm.weight", dim),
        };
    }
}
