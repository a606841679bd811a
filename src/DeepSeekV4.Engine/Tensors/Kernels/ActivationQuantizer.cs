using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// AVX2 versions of ggml's reference quantizers for Q8_0 and Q8_K activations, written straight into the
/// <see cref="ActivationRow"/> layout. They give the reference quantizers' exact codes, scales and sums (tests compare
/// them on random, tie and edge values): the same float32 operations, roundf done as truncate-and-adjust, nearest_int
/// as the CPU's round-to-nearest-even conversion.
/// </summary>
internal static unsafe class ActivationQuantizer
{
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Q8_0: per 32 values d = amax/127 (stored as f16), codes roundf(x/d) with 1/d from the unrounded d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void QuantizeQ8_0(float* x, int blocks, sbyte* codes, float* scales)
    {
        var absMask = Vector256.Create(0x7FFFFFFF).AsSingle();
        for (int b = 0; b < blocks; b++)
        {
            float* xb = x + 32 * b;
            var v0 = Avx.LoadVector256(xb);
            var v1 = Avx.LoadVector256(xb + 8);
            var v2 = Avx.LoadVector256(xb + 16);
            var v3 = Avx.LoadVector256(xb + 24);
            var m = Avx.Max(Avx.Max(v0 & absMask, v1 & absMask), Avx.Max(v2 & absMask, v3 & absMask));
            float amax = MaxAcross(m);
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            scales[b] = (float)(Half)d;
            var scale = Vector256.Create(id);
            Store32(codes + 32 * b, RoundAway(v0 * scale), RoundAway(v1 * scale), RoundAway(v2 * scale), RoundAway(v3 * scale));
        }
    }

    /// <summary>
    /// Q8_K: per 256 values, max = the first value of largest magnitude, codes min(127, nearest_int(−127/max · x)),
    /// d = 1/(−127/max), and the sum of every 16 codes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void QuantizeQ8_K(float* x, int blocks, sbyte* codes, float* scales, short* groupSums)
    {
        var absMask = Vector256.Create(0x7FFFFFFF).AsSingle();
        int* groups = stackalloc int[16];
        for (int b = 0; b < blocks; b++)
        {
            float* xb = x + 256 * b;
            var m = Vector256<float>.Zero;
            for (int i = 0; i < 256; i += 8) m = Avx.Max(m, Avx.LoadVector256(xb + i) & absMask);
            float amax = MaxAcross(m);
            sbyte* cb = codes + 256 * b;
            if (amax == 0)
            {
                new Span<byte>(cb, 256).Clear();
                new Span<short>(groupSums + 16 * b, 16).Clear();
                scales[b] = 0;
                continue;
            }
            float max = xb[FirstIndexOf(xb, amax)];
            float iscale = -127f / max;
            var scale = Vector256.Create(iscale);
            var limit = Vector256.Create(127);
            for (int g = 0; g < 16; g += 2)
            {
                float* xg = xb + 16 * g;
                var c0 = Avx2.Min(ToCode(Avx.ConvertToVector256Int32(Avx.LoadVector256(xg) * scale)), limit);
                var c1 = Avx2.Min(ToCode(Avx.ConvertToVector256Int32(Avx.LoadVector256(xg + 8) * scale)), limit);
                var c2 = Avx2.Min(ToCode(Avx.ConvertToVector256Int32(Avx.LoadVector256(xg + 16) * scale)), limit);
                var c3 = Avx2.Min(ToCode(Avx.ConvertToVector256Int32(Avx.LoadVector256(xg + 24) * scale)), limit);
                Store32(cb + 16 * g, c0, c1, c2, c3);
                groups[g] = Vector256.Sum(c0 + c1);
                groups[g + 1] = Vector256.Sum(c2 + c3);
            }
            for (int g = 0; g < 16; g++) groupSums[16 * b + g] = (short)groups[g];
            scales[b] = 1 / iscale;
        }
    }

    private static int FirstIndexOf(float* xb, float amax)
    {
        var target = Vector256.Create(amax);
        var absMask = Vector256.Create(0x7FFFFFFF).AsSingle();
        for (int i = 0; ; i += 8)
        {
            uint mask = Vector256.Equals(Avx.LoadVector256(xb + i) & absMask, target).ExtractMostSignificantBits();
            if (mask != 0) return i + BitOperations.TrailingZeroCount(mask);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float MaxAcross(Vector256<float> v)
    {
        var m = Sse.Max(v.GetLower(), v.GetUpper());
        m = Sse.Max(m, Sse.Shuffle(m, m, 0b01_00_11_10));
        return Sse.MaxScalar(m, Sse.Shuffle(m, m, 0b10_11_00_01)).ToScalar();
    }

    /// <summary>C's roundf (half away from zero), exactly: truncate, then step away from zero when the dropped part is ≥ ½.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> RoundAway(Vector256<float> p)
    {
        var t = Avx.RoundToZero(p);
        var dropped = (p - t) & Vector256.Create(0x7FFFFFFF).AsSingle();
        var step = (p & Vector256.Create(unchecked((int)0x80000000)).AsSingle()) | Vector256.Create(1f);
        var adjust = Avx.CompareGreaterThanOrEqual(dropped, Vector256.Create(0.5f)) & step;
        return ToCode(Avx.ConvertToVector256Int32WithTruncation(t + adjust));
    }

    /// <summary>
    /// The int8 code ggml stores for a converted value: the value itself when in range, and 0 where the conversion
    /// overflowed (an infinite scale from a subnormal block maximum): the low byte of x86's 0x80000000, as ggml's
    /// (int8_t) store gives, and of nearest_int's −2^22 for infinities.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> ToCode(Vector256<int> v) => Avx2.AndNot(Avx2.CompareEqual(v, Vector256.Create(int.MinValue)), v);

    /// <summary>Four int32×8 vectors (values within int8) stored as 32 bytes in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store32(sbyte* destination, Vector256<int> a, Vector256<int> b, Vector256<int> c, Vector256<int> d)
    {
        var bytes = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(a, b), Avx2.PackSignedSaturate(c, d));
        Avx.Store(destination, Avx2.PermuteVar8x32(bytes.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsSByte());
    }
}
