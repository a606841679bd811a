using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Dot of a row of 256-element super-blocks (K- and i-quants) with Q8_K activations. Per super-block each path computes
/// the same exact integer sums; the float steps (scales, the per-block sum, the final factor) are one shared scalar
/// sequence, so every path gives the same float32 result bit for bit.
/// </summary>
internal static unsafe class SuperBlockDot
{
    // Kernels are compiled fully optimized at once: tiering would run the first calls (and, on a busy machine, many
    // more) through unoptimized code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Run<T>(KernelPath path, byte* w, in ActivationRow x, int n) where T : ISuperBlockKernel
    {
        int blocks = n / 256;
        float sum = 0;
        sbyte* codes = x.Codes;
        float* scales = x.Scales;
        short* sums = x.GroupSums;
        switch (path)
        {
            case KernelPath.Avx512:
                for (int i = 0; i < blocks; i++)
                {
                    byte* wb = w + i * T.BlockBytes;
                    var s = T.Avx512Path(wb, codes + 256 * i, sums + 16 * i);
                    sum += T.Combine(wb, scales[i], s);
                }
                break;
            case KernelPath.Avx2:
                for (int i = 0; i < blocks; i++)
                {
                    byte* wb = w + i * T.BlockBytes;
                    var s = T.Avx2Path(wb, codes + 256 * i, sums + 16 * i);
                    sum += T.Combine(wb, scales[i], s);
                }
                break;
            default:
                for (int i = 0; i < blocks; i++)
                {
                    byte* wb = w + i * T.BlockBytes;
                    var s = T.Portable(wb, codes + 256 * i, sums + 16 * i);
                    sum += T.Combine(wb, scales[i], s);
                }
                break;
        }
        return T.Finish(sum);
    }
}

/// <summary>The exact integer parts of one super-block's dot: the scaled code sum and, for formats with mins, the min sum.</summary>
internal readonly record struct BlockSums(int Scaled, int Mins);

/// <summary>One K- or i-quant format's super-block kernel, in three instruction-set versions with identical results.</summary>
internal unsafe interface ISuperBlockKernel
{
    static abstract int BlockBytes { get; }
    static abstract BlockSums Portable(byte* w, sbyte* x, short* groupSums);
    static abstract BlockSums Avx2Path(byte* w, sbyte* x, short* groupSums);
    static abstract BlockSums Avx512Path(byte* w, sbyte* x, short* groupSums);
    /// <summary>This super-block's float contribution from its integer sums and the activation scale.</summary>
    static abstract float Combine(byte* w, float activationScale, BlockSums sums);
    /// <summary>The factor applied once to the whole row's sum (a power of two, or none).</summary>
    static abstract float Finish(float sum);
}

internal static unsafe class KernelMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Half(byte* p) => HalfVector.ToSingle(*(ushort*)p);
}
