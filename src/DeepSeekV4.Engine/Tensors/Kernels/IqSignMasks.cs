using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// The sign masks of IQ2_XXS, IQ3_XXS and IQ2_XS (four 7-bit indices into ggml's ksigns table per 32 elements) built without scalar work, with AVX-512 VBMI: the indices shifted into the low byte of each 64-bit
/// lane (vpsrlvq), looked up in the 128-byte table (vpermi2b over its two 64-byte halves; index bit 7 is ignored, as
/// the &amp; 127 does), each sign byte spread over its 8 lanes (vpshufb) and its bits turned into 0/−1 bytes.
/// </summary>
internal readonly unsafe struct IqSignMasks
{
    public static bool IsSupported => Avx512Vbmi.IsSupported;

    private readonly Vector512<byte> _low, _high;

    private IqSignMasks(byte* ksigns)
    {
        _low = Vector512.Load(ksigns);
        _high = Vector512.Load(ksigns + 64);
    }

    /// <summary>The table in registers; create once per kernel call, outside its loops.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static IqSignMasks Load() => new(IqTables.KSigns);

    /// <summary>0/−1 byte masks for the 32 elements whose sign indices are bits 0..27 of <paramref name="word"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<sbyte> Of(uint word) => Of(word, Vector256.Create(0UL, 7, 14, 21));

    /// <summary>The same for sign indices at bit offsets <paramref name="offsets"/> of a 64-bit word (IQ2_XS: bits 9..15 of each of four 16-bit codes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<sbyte> Of(ulong word, Vector256<ulong> offsets)
    {
        var fields = Avx2.ShiftRightLogicalVariable(Vector256.Create(word), offsets);
        var signBytes = Avx512Vbmi.PermuteVar64x8x2(_low, fields.AsByte().ToVector512Unsafe(), _high).GetLower();
        var spread = Avx2.Shuffle(signBytes, Vector256.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 8, 8, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 8, 8, 8, 8));
        var bit = Vector256.Create(0x8040201008040201UL).AsByte();
        return Vector256.Equals(spread & bit, bit).AsSByte();
    }

    /// <summary>The odd scales 2·(word &gt;&gt; 28) + 1 of eight consecutive 32-bit words, as int32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> OddScales(Vector256<uint> words) => Avx2.ShiftRightLogical(words, 28).AsInt32() * 2 + Vector256<int>.One;
}
