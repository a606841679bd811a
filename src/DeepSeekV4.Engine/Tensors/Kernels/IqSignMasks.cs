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

    /// <summary>
    /// The sign bytes of a whole super-block: byte 8g + j (j &lt; 4) is the ksigns entry of the j-th 7-bit index in group g's
    /// word. vpmultishiftqb cuts the four 7-bit fields out of each zero-extended word, one vpermi2b looks all 32 up.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> SuperBlockSigns(Vector256<uint> words)
    {
        var fields = Avx512Vbmi.MultiShift(Vector512.Create(0x00000000_15_0E_07_00UL).AsByte(), Avx512F.ConvertToVector512UInt64(words));
        return Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(IqTables.KSigns), fields, Vector512.Load(IqTables.KSigns + 64));
    }

    /// <summary>
    /// x (the 64 activations of groups 2p and 2p + 1) negated where <paramref name="signs"/> (from
    /// <see cref="SuperBlockSigns"/>) has the element's bit set: element e takes bit e % 8 of sign byte 8·(2p + e / 32) + (e % 32) / 8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> ApplyPairSigns(Vector512<byte> signs, int p, Vector512<sbyte> x)
    {
        var spread = Avx512Vbmi.PermuteVar64x8(signs, PairSpread + Vector512.Create((byte)(16 * p)));
        var bit = Vector512.Create(0x8040201008040201UL).AsByte();
        return Vector512.ConditionalSelect(Vector512.Equals(spread & bit, bit).AsSByte(), -x, x);
    }

    private static Vector512<byte> PairSpread
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 9, 10, 10, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 11, 11, 11);
    }

    /// <summary>The odd scales 2·(word &gt;&gt; 28) + 1 of eight consecutive 32-bit words, as int32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> OddScales(Vector256<uint> words) => Avx2.ShiftRightLogical(words, 28).AsInt32() * 2 + Vector256<int>.One;
}
