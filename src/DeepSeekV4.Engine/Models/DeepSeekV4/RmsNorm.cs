using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>RMS normalization in float32: y = w ⊙ (x · 1/sqrt(mean(x²) + eps)), or without a weight.</summary>
public static class RmsNorm
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float InverseRms(ReadOnlySpan<float> x, float eps) =>
        1f / MathF.Sqrt(Reductions.SumOfSquares(x) / x.Length + eps);

    /// <summary>In place, with a weight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(Span<float> x, ReadOnlySpan<float> weight, float eps)
    {
        Elementwise.Multiply(x, InverseRms(x, eps), x);
        Elementwise.Multiply(x, weight, x);
    }

    /// <summary>In place, without a weight (the per-head query normalization).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normalize(Span<float> x, float eps) => Elementwise.Multiply(x, InverseRms(x, eps), x);

    /// <summary>Every row of a row-major [rows × weight.Length] buffer, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ApplyRows(Span<float> rows, int count, ReadOnlySpan<float> weight, float eps)
    {
        int n = weight.Length;
        for (int r = 0; r < count; r++) Apply(rows.Slice(r * n, n), weight, eps);
    }
}
