using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// Streaming gated pooling of a compressor (reference §5.6): every token's value row u and gate logits g (+ ape)
/// enter the state; when a block of <c>ratio</c> tokens completes, each channel is pooled by a softmax over its
/// candidates — the block's tokens, and for the overlapping ratio-4 compressor also the previous block's tokens
/// through the first half of the channels (the block's own tokens use the second half). The pooled entry is returned
/// raw; normalization, RoPE and the QAT rounding are the caller's.
/// </summary>
public sealed class Compressor
{
    private readonly float[] _max;
    private readonly float[] _sum;
    private readonly float[] _weights;

    public Compressor(int maxDim)
    {
        _max = new float[maxDim];
        _sum = new float[maxDim];
        _weights = new float[maxDim];
    }

    /// <summary>
    /// Stores the token at <paramref name="position"/> and, when it completes a block, writes the pooled entry into
    /// <paramref name="entry"/> (d values) and returns true.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Push(CompressorStateRing state, CompressorWeights w, int position, ReadOnlySpan<float> values, ReadOnlySpan<float> logits, Span<float> entry)
    {
        int m = w.Ratio, width = w.Width, d = w.Dim;
        values[..width].CopyTo(state.ValuesForWrite(position));
        Elementwise.Add(logits[..width], w.Ape.AsSpan(position % m * width, width), state.LogitsForWrite(position));
        if ((position + 1) % m != 0) return false;

        int start = position + 1 - m;
        int firstPrevious = w.Overlap && start >= m ? start - m : start;
        var max = _max.AsSpan(0, d);
        var sum = _sum.AsSpan(0, d);
        var weights = _weights.AsSpan(0, d);
        max.Fill(float.NegativeInfinity);
        for (int p = firstPrevious; p <= position; p++) Elementwise.Max(max, Half(state.Logits(p), w, p < start), max);
        sum.Clear();
        entry[..d].Clear();
        for (int p = firstPrevious; p <= position; p++)
        {
            bool previous = p < start;
            Elementwise.Subtract(Half(state.Logits(p), w, previous), max, weights);
            Reductions.Exp(weights, weights);
            Elementwise.Add(sum, weights, sum);
            Elementwise.MultiplyAdd(Half(state.Values(p), w, previous), weights, entry[..d], entry[..d]);
        }
        Elementwise.Divide(entry[..d], sum, entry[..d]);
        return true;
    }

    // Overlapping compressor: the previous block contributes channels [0, d), the current block [d, 2d).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlySpan<float> Half(ReadOnlySpan<float> row, CompressorWeights w, bool previous) =>
        !w.Overlap ? row : previous ? row[..w.Dim] : row.Slice(w.Dim, w.Dim);
}
