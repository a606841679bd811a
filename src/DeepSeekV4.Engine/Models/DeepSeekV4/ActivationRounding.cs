using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// The reference's <c>act_quant</c> as a simulation (reference §5.10): the input rows of a product whose release weights
/// are FP8 or FP4 are rounded to FP8 e4m3 with a power-of-two scale per <see cref="BlockSize"/> values (a shorter row
/// or tail is one block), before the float product. Used where <see cref="ForwardRounding.RoundsActivations"/> (Reference on an FP8/FP4 release).
/// </summary>
internal static class ActivationRounding
{
    public const int BlockSize = 128;

    /// <summary>Copies <paramref name="tokens"/> rows of <paramref name="n"/> values into <paramref name="scratch"/>, rounded; returns the copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ReadOnlySpan<float> Round(ReadOnlySpan<float> x, int tokens, int n, Span<float> scratch)
    {
        var rounded = scratch[..(tokens * n)];
        x[..(tokens * n)].CopyTo(rounded);
        RoundInPlace(rounded, tokens, n);
        return rounded;
    }

    /// <summary>Rounds <paramref name="tokens"/> rows of <paramref name="n"/> values in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RoundInPlace(Span<float> x, int tokens, int n)
    {
        for (int t = 0; t < tokens; t++)
        {
            var row = x.Slice(t * n, n);
            for (int b = 0; b < n; b += BlockSize)
            {
                var block = row.Slice(b, Math.Min(BlockSize, n - b));
                Fp8E4M3.Simulate(block, block.Length);
            }
        }
    }
}
