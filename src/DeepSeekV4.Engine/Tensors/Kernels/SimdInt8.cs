using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Exact 8-bit integer dot-product steps shared by the quantized kernels. Each returns int32 lanes holding sums of four
/// adjacent byte products. No step saturates for the ranges used: unsigned operands ≤ 128, signed ones in [−127, 127]
/// (Q8_0 and Q8_K activations never hold −128), so VNNI and the vpmaddubsw path give identical sums.
/// </summary>
internal static class SimdInt8
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> DotU8S8(Vector256<byte> unsignedBytes, Vector256<sbyte> signedBytes)
    {
        if (AvxVnni.IsSupported) return AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, unsignedBytes, signedBytes);
        return Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(unsignedBytes, signedBytes), Vector256.Create((short)1));
    }

    /// <summary>acc + Σ₄ u·s, per int32 lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> AddDotU8S8(Vector256<int> acc, Vector256<byte> unsignedBytes, Vector256<sbyte> signedBytes)
    {
        if (AvxVnni.IsSupported) return AvxVnni.MultiplyWideningAndAdd(acc, unsignedBytes, signedBytes);
        return Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(unsignedBytes, signedBytes), Vector256.Create((short)1)));
    }

    /// <summary>Σ₄ a·b for two signed operands (|a| ≤ 128 as unsigned, b ∈ [−127, 127]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> DotS8S8(Vector256<sbyte> a, Vector256<sbyte> b) =>
        DotU8S8(Avx2.Abs(a), Avx2.Sign(b, a));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> DotU8S8(Vector512<byte> unsignedBytes, Vector512<sbyte> signedBytes) =>
        Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(unsignedBytes, signedBytes), Vector512.Create((short)1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> DotS8S8(Vector512<sbyte> a, Vector512<sbyte> b)
    {
        var negative = Vector512.LessThan(a, Vector512<sbyte>.Zero);
        return DotU8S8(Avx512BW.Abs(a), Vector512.ConditionalSelect(negative, Vector512<sbyte>.Zero - b, b));
    }

    /// <summary>The sums of four int32×8 vectors, as one int32×4 (a, b, c, d).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Sum4(Vector256<int> a, Vector256<int> b, Vector256<int> c, Vector256<int> d)
    {
        var h = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a, b), Avx2.HorizontalAdd(c, d));
        return Sse2.Add(h.GetLower(), h.GetUpper());
    }

    /// <summary>The sums of eight int32×8 vectors, as one int32×8 in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Sum8(Vector256<int> a, Vector256<int> b, Vector256<int> c, Vector256<int> d,
        Vector256<int> e, Vector256<int> f, Vector256<int> g, Vector256<int> h) =>
        Vector256.Create(Sum4(a, b, c, d), Sum4(e, f, g, h));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Sum(Vector256<int> v) => Vector256.Sum(v);

    /// <summary>(lower, upper) as one 512-bit vector, without Vector512.Create's dependency on a stale register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Join<T>(Vector256<T> lower, Vector256<T> upper) =>
        Avx512F.InsertVector256(lower.AsByte().ToVector512Unsafe(), upper.AsByte(), 1).As<byte, T>();
}
