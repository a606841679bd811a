using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Model;

/// <summary>What a compressor's entries are rounded to after RMS norm and RoPE (with QAT simulation on).</summary>
public enum EntryRounding
{
    /// <summary>Main KV entries: FP8 e4m3 on the non-rotary dims.</summary>
    Fp8NonRotary,
    /// <summary>Indexer keys: Hadamard, then FP4 e2m1.</summary>
    HadamardFp4,
}

/// <summary>
/// A compressor over a whole sequence (reference §5.6): per channel, a softmax over the gate logits (+ ape) of the
/// block's tokens pools their values into one entry per complete block of <c>ratio</c> tokens; the overlapping
/// ratio-4 compressor also pools the previous block's tokens through the first half of its channels. Entries are
/// RMS-normalised and rotated at their block's first position. Only complete blocks make entries.
/// </summary>
public static class CompressorOp
{
    /// <param name="prefix">e.g. <c>blk.2.attn_compressor</c> or <c>blk.2.indexer_compressor</c>.</param>
    public static Tensor Entries(Tensor x, ParameterStore p, string prefix, int ratio, int dim, Rotary rope, float eps,
        bool qat, EntryRounding rounding, Tensor? hadamard)
    {
        long t = x.shape[0], count = t / ratio;
        if (count == 0) return zeros(0, dim);
        bool overlap = ratio == 4;
        int width = (overlap ? 2 : 1) * dim;
        var used = x.narrow(0, 0, count * ratio);
        var values = used.matmul(p[prefix + "_kv.weight"].t()).view(count, ratio, width);
        var logits = used.matmul(p[prefix + "_gate.weight"].t()).view(count, ratio, width) + p[prefix + "_ape.weight"].unsqueeze(0);
        if (overlap)
        {
            var current = values.narrow(2, dim, dim);
            var currentLogits = logits.narrow(2, dim, dim);
            var previous = cat([zeros(1, ratio, dim), values.narrow(2, 0, dim).narrow(0, 0, count - 1)], 0);
            var previousLogits = cat([full(1, ratio, dim, float.NegativeInfinity), logits.narrow(2, 0, dim).narrow(0, 0, count - 1)], 0);
            values = cat([previous, current], 1);
            logits = cat([previousLogits, currentLogits], 1);
        }
        var entries = (logits.softmax(1) * values).sum(1);
        entries = Norms.Rms(entries, p[prefix + "_norm.weight"], eps);
        entries = rope.Apply(entries, arange(0, count, dtype: ScalarType.Int64) * ratio);
        if (!qat) return rounding == EntryRounding.HadamardFp4 && hadamard is not null ? entries.matmul(hadamard) : entries;
        if (rounding == EntryRounding.HadamardFp4) return QatSimulation.Fp4(entries.matmul(hadamard!));
        int rotary = rope.RopeDim;
        return cat([QatSimulation.Fp8(entries.narrow(1, 0, dim - rotary)), entries.narrow(1, dim - rotary, rotary)], 1);
    }
}
