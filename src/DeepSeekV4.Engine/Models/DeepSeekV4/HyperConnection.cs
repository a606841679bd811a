using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// Manifold-constrained hyper-connections (reference §5.3): the residual state is hc streams of D values. Before a
/// sublayer the streams are reduced to its input with weights "pre"; after it the output is spread back with
/// weights "post" and the old streams are mixed by the Sinkhorn-normalized matrix "comb" (comb[j, k] takes old
/// stream j into new stream k).
/// </summary>
public static class HyperConnection
{
    /// <summary>
    /// mixes[t] = Wfn · x̂_t / rms(x̂_t) for every token's flattened streams (row-major [tokens × hc·D] in,
    /// [tokens × Wfn.RowCount] out).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Mixes(TensorView function, ReadOnlySpan<float> streams, int tokens, float normEps, Span<float> mixes)
    {
        int width = function.RowLength, outputs = (int)function.RowCount;
        MatrixProducts.MatMul(function, streams[..(tokens * width)], tokens, mixes);
        for (int t = 0; t < tokens; t++)
            Elementwise.Multiply(mixes.Slice(t * outputs, outputs), RmsNorm.InverseRms(streams.Slice(t * width, width), normEps), mixes.Slice(t * outputs, outputs));
    }

    /// <summary>Splits one token's mixes into pre (σ(·)+eps), post (2σ(·)) and the Sinkhorn-normalized comb.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Split(ReadOnlySpan<float> mixes, HyperConnectionWeights w, int hc, int iterations, float eps,
        Span<float> pre, Span<float> post, Span<float> comb)
    {
        for (int h = 0; h < hc; h++)
        {
            pre[h] = Sigmoid(mixes[h] * w.Scale[0] + w.Base[h]) + eps;
            post[h] = 2f * Sigmoid(mixes[hc + h] * w.Scale[1] + w.Base[hc + h]);
        }
        for (int i = 0; i < hc * hc; i++) comb[i] = mixes[2 * hc + i] * w.Scale[2] + w.Base[2 * hc + i];
        Sinkhorn(comb[..(hc * hc)], hc, iterations, eps);
    }

    /// <summary>Row softmax + eps, a column normalization, then (iterations − 1) row and column normalizations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sinkhorn(Span<float> m, int n, int iterations, float eps)
    {
        for (int j = 0; j < n; j++)
        {
            var row = m.Slice(j * n, n);
            float max = Elementwise.Max(row);
            Elementwise.Subtract(row, max, row);
            Reductions.Exp(row, row);
            Elementwise.Divide(row, Reductions.Sum(row), row);
            Elementwise.Add(row, eps, row);
        }
        NormalizeColumns(m, n, eps);
        for (int it = 1; it < iterations; it++)
        {
            for (int j = 0; j < n; j++)
            {
                var row = m.Slice(j * n, n);
                Elementwise.Divide(row, Reductions.Sum(row) + eps, row);
            }
            NormalizeColumns(m, n, eps);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NormalizeColumns(Span<float> m, int n, float eps)
    {
        for (int k = 0; k < n; k++)
        {
            float sum = 0;
            for (int j = 0; j < n; j++) sum += m[j * n + k];
            float d = sum + eps;
            for (int j = 0; j < n; j++) m[j * n + k] /= d;
        }
    }

    /// <summary>The sublayer input: Σ_h weights[h] · streams[h].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Reduce(ReadOnlySpan<float> streams, ReadOnlySpan<float> weights, int hc, Span<float> output)
    {
        int d = output.Length;
        Elementwise.Multiply(streams[..d], weights[0], output);
        for (int h = 1; h < hc; h++) Elementwise.MultiplyAdd(streams.Slice(h * d, d), weights[h], output, output);
    }

    /// <summary>new[k] = post[k] · y + Σ_j comb[j, k] · old[j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Expand(ReadOnlySpan<float> y, ReadOnlySpan<float> old, ReadOnlySpan<float> post, ReadOnlySpan<float> comb, int hc, Span<float> next)
    {
        int d = y.Length;
        for (int k = 0; k < hc; k++)
        {
            var dst = next.Slice(k * d, d);
            Elementwise.Multiply(y, post[k], dst);
            for (int j = 0; j < hc; j++) Elementwise.MultiplyAdd(old.Slice(j * d, d), comb[j * hc + k], dst, dst);
        }
    }

    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
