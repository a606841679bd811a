using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static DeepSeekV4.Engine.Tensors.Kernels.KQuantSimd;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// IQ4_XS · Q8_K: 4-bit indices into the non-linear int8 codebook, a 6-bit scale ls per 32 standing for ls − 32;
/// block value d·dx·Σ (ls − 32)·Σ kvalue·qx.
/// </summary>
internal unsafe struct Iq4XsDot : ISuperBlockCodes
{
    public static int BlockBytes => 136;

    private static readonly Vector256<sbyte> Codebook = Vector256.Create(Vector128.Create(Tables.GgmlTables.KValuesIq4Nl));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Scale(byte* w, int ib) =>
        (((w[4 + ib / 2] >> (4 * (ib % 2))) & 0xF) | (((*(ushort*)(w + 2) >> (2 * ib)) & 3) << 4)) - 32;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Portable(byte* w, sbyte* x, short* groupSums)
    {
        int scaled = 0;
        for (int ib = 0; ib < 8; ib++)
        {
            byte* qs = w + 8 + 16 * ib;
            int sum = 0;
            for (int j = 0; j < 16; j++)
                sum += IqTables.KValuesIq4Nl[qs[j] & 0xF] * x[32 * ib + j] + IqTables.KValuesIq4Nl[qs[j] >> 4] * x[32 * ib + 16 + j];
            scaled += Scale(w, ib) * sum;
        }
        return new BlockSums(scaled, 0);
    }

    /// <summary>The 32 codebook values of group ib (low nibbles are its first 16 elements).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> Values(byte* w, int ib, Vector256<sbyte> codebook)
    {
        var q = Sse2.LoadVector128(w + 8 + 16 * ib);
        var nibbles = Vector256.Create(q, Sse2.ShiftRightLogical(q.AsUInt16(), 4).AsByte()) & Vector256.Create((byte)0x0F);
        return Avx2.Shuffle(codebook, nibbles.AsSByte());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx2Path(byte* w, sbyte* x, short* groupSums)
    {
        var codebook = Codebook; // read once: not re-checked per group
        var acc = Vector256<int>.Zero;
        for (int ib = 0; ib < 8; ib++)
        {
            var v = Values(w, ib, codebook);
            int ls = Scale(w, ib);
            acc = AddScaled(acc, Avx2.Abs(v), Avx2.Sign(Load(x + 32 * ib), v), Scales(ls, ls));
        }
        return new BlockSums(Vector256.Sum(acc), 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx512Path(byte* w, sbyte* x, short* groupSums)
    {
        var codebook = Codebook; // read once: not re-checked per group
        var acc = Vector512<int>.Zero;
        for (int ib = 0; ib < 8; ib += 2)
        {
            var v = SimdInt8.Join(Values(w, ib, codebook), Values(w, ib + 1, codebook));
            var xs = Load2(x + 32 * ib, x + 32 * ib + 32);
            var signed = Vector512.ConditionalSelect(Vector512.LessThan(v, Vector512<sbyte>.Zero), Vector512<sbyte>.Zero - xs, xs);
            int l0 = Scale(w, ib), l1 = Scale(w, ib + 1);
            acc = AddScaled(acc, Avx512BW.Abs(v), signed, Scales(l0, l0, l1, l1));
        }
        return new BlockSums(Vector512.Sum(acc), 0);
    }

    public static CodeScaling Scaling => CodeScaling.Int32;

    public static int TileMinTokens => 2;

    public static bool BiasedCodes => true;

    /// <summary>Codes kvalue + 128 (1..241: int32 scaling), scale ls − 32 per 32, group terms 128·(ls − 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static void Decode(byte* w, DecodedSuperBlock* d)
    {
        var codebook = Codebook; // read once: not re-checked per group
        for (int ib = 0; ib < 8; ib++)
        {
            DecodedCombine.StoreBiased(d, ib, Values(w, ib, codebook), 128);
            int ls = Scale(w, ib);
            Avx.StoreAligned((int*)(d->Scales + 32 * ib), Vector256.Create(ls));
            d->GroupTerms[2 * ib] = d->GroupTerms[2 * ib + 1] = (short)(128 * ls);
        }
        d->Factors[0] = KernelMath.Half(w);
    }

    public static Vector128<float> Combine4(DecodedSuperBlock* d, Vector128<float> activationScales, Vector128<int> scaled, Vector128<int> mins) =>
        DecodedCombine.Scaled(d, activationScales, scaled);

    public static float Combine(byte* w, float activationScale, BlockSums sums) => KernelMath.Half(w) * activationScale * sums.Scaled;

    public static float Finish(float sum) => sum;
}
