using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// The SIMD step the K- and i-quant kernels share: unsigned codes (≤ 63) times signed activations, summed in pairs
/// (vpmaddubsw, no saturation for these ranges), then times an int16 scale per 16 elements and summed in pairs
/// (vpmaddwd), added to int32 lanes. Exact.
/// </summary>
internal static class KQuantSimd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> AddScaled(Vector256<int> acc, Vector256<byte> codes, Vector256<sbyte> x, Vector256<short> scales) =>
        Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(codes, x), scales));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> AddScaled(Vector512<int> acc, Vector512<byte> codes, Vector512<sbyte> x, Vector512<short> scales) =>
        Avx512BW.Add(acc, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(codes, x), scales));

    /// <summary>Scale a for the first 16 elements of 32, b for the last 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Scales(int a, int b) => Vector256.Create(Vector128.Create((short)a), Vector128.Create((short)b));

    /// <summary>Four 16-element scales for 64 elements (two 32-element groups in one 512-bit vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> Scales(int a, int b, int c, int d) => SimdInt8.Join(Scales(a, b), Scales(c, d));

    /// <summary>x with the sign of each byte flipped where the mask byte is 0xFF: (x ^ m) − m.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> ApplySigns(Vector256<sbyte> x, Vector256<sbyte> mask) => (x ^ mask) - mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> ApplySigns(Vector512<sbyte> x, Vector512<sbyte> mask) => (x ^ mask) - mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<sbyte> Load(sbyte* p) => Avx.LoadVector256(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<sbyte> Load2(sbyte* first, sbyte* second) => SimdInt8.Join(Avx.LoadVector256(first), Avx.LoadVector256(second));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> LowNibbles(Vector256<byte> q) => q & Vector256.Create((byte)0x0F);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> HighNibbles(Vector256<byte> q) => Avx2.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & Vector256.Create((byte)0x0F);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> LowNibbles(Vector512<byte> q) => q & Vector512.Create((byte)0x0F);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> HighNibbles(Vector512<byte> q) => Avx512BW.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & Vector512.Create((byte)0x0F);
}
