using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Dots of F32, F16 and BF16 weight rows with float32 activations, accumulated in float32 (activations are not
/// narrowed: the float models need float accuracy). SIMD paths use four FMA accumulators, so their rounding differs
/// from the sequential portable sum within the float summation bound.
/// </summary>
internal static unsafe class FloatDots
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Run<T>(KernelPath path, byte* w, float* x, int n) where T : IFloatRow => path switch
    {
        KernelPath.Avx512 => Avx512<T>(w, x, n),
        KernelPath.Avx2 => Avx2Path<T>(w, x, n),
        _ => Portable<T>(w, x, n),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Portable<T>(byte* w, float* x, int n) where T : IFloatRow
    {
        float sum = 0;
        for (int i = 0; i < n; i++) sum += T.Load1(w, i) * x[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Avx2Path<T>(byte* w, float* x, int n) where T : IFloatRow
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int i = Avx2Accumulate<T>(w, x, n, ref a0, ref a1, ref a2, ref a3);
        float sum = Vector256.Sum((a0 + a1) + (a2 + a3));
        for (; i < n; i++) sum += T.Load1(w, i) * x[i];
        return sum;
    }

    /// <summary>
    /// Adds w·x over the first multiple of 8 of <paramref name="n"/> values into four FMA accumulators (so the FMA latency
    /// does not bound the loop); returns how many values it took, the rest being the caller's scalar tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Avx2Accumulate<T>(byte* w, float* x, int n, ref Vector256<float> a0, ref Vector256<float> a1,
        ref Vector256<float> a2, ref Vector256<float> a3) where T : IFloatRow
    {
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            a0 = Fma.MultiplyAdd(T.Load8(w, i), Avx.LoadVector256(x + i), a0);
            a1 = Fma.MultiplyAdd(T.Load8(w, i + 8), Avx.LoadVector256(x + i + 8), a1);
            a2 = Fma.MultiplyAdd(T.Load8(w, i + 16), Avx.LoadVector256(x + i + 16), a2);
            a3 = Fma.MultiplyAdd(T.Load8(w, i + 24), Avx.LoadVector256(x + i + 24), a3);
        }
        for (; i + 8 <= n; i += 8) a0 = Fma.MultiplyAdd(T.Load8(w, i), Avx.LoadVector256(x + i), a0);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Avx512<T>(byte* w, float* x, int n) where T : IFloatRow
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int i = 0;
        for (; i + 64 <= n; i += 64)
        {
            a0 = Avx512F.FusedMultiplyAdd(T.Load16(w, i), Avx512F.LoadVector512(x + i), a0);
            a1 = Avx512F.FusedMultiplyAdd(T.Load16(w, i + 16), Avx512F.LoadVector512(x + i + 16), a1);
            a2 = Avx512F.FusedMultiplyAdd(T.Load16(w, i + 32), Avx512F.LoadVector512(x + i + 32), a2);
            a3 = Avx512F.FusedMultiplyAdd(T.Load16(w, i + 48), Avx512F.LoadVector512(x + i + 48), a3);
        }
        for (; i + 16 <= n; i += 16) a0 = Avx512F.FusedMultiplyAdd(T.Load16(w, i), Avx512F.LoadVector512(x + i), a0);
        float sum = Vector512.Sum((a0 + a1) + (a2 + a3));
        for (; i < n; i++) sum += T.Load1(w, i) * x[i];
        return sum;
    }
}

/// <summary>How a float weight row is read: one element, 8 (AVX2) or 16 (AVX-512) at a time, widened to float32.</summary>
internal unsafe interface IFloatRow
{
    static abstract float Load1(byte* w, int i);
    static abstract Vector256<float> Load8(byte* w, int i);
    static abstract Vector512<float> Load16(byte* w, int i);
}

internal unsafe struct F32Row : IFloatRow
{
    public static float Load1(byte* w, int i) => ((float*)w)[i];
    public static Vector256<float> Load8(byte* w, int i) => Avx.LoadVector256((float*)w + i);
    public static Vector512<float> Load16(byte* w, int i) => Avx512F.LoadVector512((float*)w + i);
}

internal unsafe struct F16Row : IFloatRow
{
    public static float Load1(byte* w, int i) => HalfVector.ToSingle(((ushort*)w)[i]);
    public static Vector256<float> Load8(byte* w, int i) => HalfVector.ToSingle(Avx2.ConvertToVector256Int32((ushort*)w + i).AsUInt32());
    public static Vector512<float> Load16(byte* w, int i) => HalfVector.ToSingle(Avx512F.ConvertToVector512UInt32(Avx.LoadVector256((ushort*)w + i)));
}

internal unsafe struct BF16Row : IFloatRow
{
    public static float Load1(byte* w, int i) => BitConverter.UInt32BitsToSingle((uint)((ushort*)w)[i] << 16);
    public static Vector256<float> Load8(byte* w, int i) => Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32((ushort*)w + i), 16).AsSingle();
    public static Vector512<float> Load16(byte* w, int i) => Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512UInt32(Avx.LoadVector256((ushort*)w + i)), 16).AsSingle();
}
