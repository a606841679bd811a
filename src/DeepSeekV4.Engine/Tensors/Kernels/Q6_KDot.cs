using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static DeepSeekV4.Engine.Tensors.Kernels.KQuantSimd;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Q6_K · Q8_K: codes q ∈ [0, 63] stand for q − 32; Scaled = Σ_j sc_j·Σ q·qx and Mins = Σ_j sc_j·(group sum j) over
/// 16 groups of 16, so the block value is d·dx·(Scaled − 32·Mins).
/// </summary>
internal unsafe struct Q6_KDot : ISuperBlockCodes
{
    public static int BlockBytes => 210;

    private static int ScaledGroupSums(byte* w, short* groupSums)
    {
        int mins = 0;
        for (int j = 0; j < 16; j++) mins += (sbyte)w[192 + j] * groupSums[j];
        return mins;
    }

    /// <summary>Σ sc_j·(group sum j) with one vpmaddwd.</summary>
    private static int ScaledGroupSumsSimd(byte* w, short* groupSums) =>
        Vector256.Sum(Avx2.MultiplyAddAdjacent(Avx.LoadVector256(groupSums), Avx2.ConvertToVector256Int16((sbyte*)(w + 192))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Portable(byte* w, sbyte* x, short* groupSums)
    {
        sbyte* sc = (sbyte*)(w + 192);
        int scaled = 0;
        for (int half = 0; half < 2; half++)
        {
            byte* ql = w + 64 * half;
            byte* qh = w + 128 + 32 * half;
            sbyte* xh = x + 128 * half;
            for (int l = 0; l < 32; l++)
            {
                int s = 8 * half + l / 16;
                scaled += sc[s] * (((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) * xh[l]);
                scaled += sc[s + 2] * (((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) * xh[l + 32]);
                scaled += sc[s + 4] * (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) * xh[l + 64]);
                scaled += sc[s + 6] * (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) * xh[l + 96]);
            }
        }
        return new BlockSums(scaled, ScaledGroupSums(w, groupSums));
    }

    /// <summary>Two-bit values moved to bits 4..5 (the high part of a 6-bit code).</summary>
    private static Vector256<byte> ToHigh(Vector256<byte> v) => Avx2.ShiftLeftLogical(v.AsUInt16(), 4).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx2Path(byte* w, sbyte* x, short* groupSums)
    {
        sbyte* sc = (sbyte*)(w + 192);
        var acc = Vector256<int>.Zero;
        for (int half = 0; half < 2; half++)
        {
            var ql0 = Avx.LoadVector256(w + 64 * half);
            var ql1 = Avx.LoadVector256(w + 64 * half + 32);
            var qh = Avx.LoadVector256(w + 128 + 32 * half);
            var three = Vector256.Create((byte)3);
            var h0 = ToHigh(qh & three);
            var h1 = ToHigh(Avx2.ShiftRightLogical(qh.AsUInt16(), 2).AsByte() & three);
            var h2 = ToHigh(Avx2.ShiftRightLogical(qh.AsUInt16(), 4).AsByte() & three);
            var h3 = ToHigh(Avx2.ShiftRightLogical(qh.AsUInt16(), 6).AsByte() & three);
            sbyte* xh = x + 128 * half;
            int s = 8 * half;
            acc = AddScaled(acc, LowNibbles(ql0) | h0, Load(xh), Scales(sc[s], sc[s + 1]));
            acc = AddScaled(acc, LowNibbles(ql1) | h1, Load(xh + 32), Scales(sc[s + 2], sc[s + 3]));
            acc = AddScaled(acc, HighNibbles(ql0) | h2, Load(xh + 64), Scales(sc[s + 4], sc[s + 5]));
            acc = AddScaled(acc, HighNibbles(ql1) | h3, Load(xh + 96), Scales(sc[s + 6], sc[s + 7]));
        }
        return new BlockSums(Vector256.Sum(acc), ScaledGroupSumsSimd(w, groupSums));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx512Path(byte* w, sbyte* x, short* groupSums)
    {
        sbyte* sc = (sbyte*)(w + 192);
        var acc = Vector512<int>.Zero;
        var three = Vector512.Create((byte)3);
        for (int half = 0; half < 2; half++)
        {
            // ql bytes 0..63 hold elements l (low nibbles of 0..31), l+32 (low of 32..63), l+64, l+96 (high nibbles).
            var ql = Avx512BW.LoadVector512(w + 64 * half);
            var qh256 = Avx.LoadVector256(w + 128 + 32 * half);
            var qh = SimdInt8.Join(qh256, Avx2.ShiftRightLogical(qh256.AsUInt16(), 2).AsByte());
            var highLow = Avx512BW.ShiftLeftLogical((qh & three).AsUInt16(), 4).AsByte();
            var highHigh = Avx512BW.ShiftLeftLogical((Avx512BW.ShiftRightLogical(qh.AsUInt16(), 4).AsByte() & three).AsUInt16(), 4).AsByte();
            sbyte* xh = x + 128 * half;
            int s = 8 * half;
            acc = AddScaled(acc, LowNibbles(ql) | highLow, Load2(xh, xh + 32), Scales(sc[s], sc[s + 1], sc[s + 2], sc[s + 3]));
            acc = AddScaled(acc, HighNibbles(ql) | highHigh, Load2(xh + 64, xh + 96), Scales(sc[s + 4], sc[s + 5], sc[s + 6], sc[s + 7]));
        }
        return new BlockSums(Vector512.Sum(acc), ScaledGroupSumsSimd(w, groupSums));
    }

    public static CodeScaling Scaling => CodeScaling.Int16;

    public static int TileMinTokens => 2;

    public static bool BiasedCodes => false;

    /// <summary>Codes the 6-bit q (≤ 63), int16 scale per 16, group terms the scales (Mins = Σ sc·group sum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static void Decode(byte* w, DecodedSuperBlock* d)
    {
        sbyte* sc = (sbyte*)(w + 192);
        var three = Vector256.Create((byte)3);
        for (int half = 0; half < 2; half++)
        {
            var ql0 = Avx.LoadVector256(w + 64 * half);
            var ql1 = Avx.LoadVector256(w + 64 * half + 32);
            var qh = Avx.LoadVector256(w + 128 + 32 * half);
            byte* codes = d->Codes + 128 * half;
            Avx.StoreAligned(codes, LowNibbles(ql0) | ToHigh(qh & three));
            Avx.StoreAligned(codes + 32, LowNibbles(ql1) | ToHigh(Avx2.ShiftRightLogical(qh.AsUInt16(), 2).AsByte() & three));
            Avx.StoreAligned(codes + 64, HighNibbles(ql0) | ToHigh(Avx2.ShiftRightLogical(qh.AsUInt16(), 4).AsByte() & three));
            Avx.StoreAligned(codes + 96, HighNibbles(ql1) | ToHigh(Avx2.ShiftRightLogical(qh.AsUInt16(), 6).AsByte() & three));
            for (int k = 0; k < 4; k++)
            {
                int s = 8 * half + 2 * k;
                DecodedCombine.StoreScales16(d, 4 * half + k, sc[s], sc[s + 1]);
            }
        }
        Avx.StoreAligned(d->GroupTerms, Avx2.ConvertToVector256Int16(sc));
        d->Factors[0] = KernelMath.Half(w + 208);
    }

    public static Vector128<float> Combine4(DecodedSuperBlock* d, Vector128<float> activationScales, Vector128<int> scaled, Vector128<int> mins) =>
        Vector128.Create(d->Factors[0]) * activationScales * Vector128.ConvertToSingle(scaled - (mins << 5));

    public static float Combine(byte* w, float activationScale, BlockSums sums) =>
        KernelMath.Half(w + 208) * activationScale * (sums.Scaled - 32 * sums.Mins);

    public static float Finish(float sum) => sum;
}
