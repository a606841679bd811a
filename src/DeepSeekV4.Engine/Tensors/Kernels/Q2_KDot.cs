using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static DeepSeekV4.Engine.Tensors.Kernels.KQuantSimd;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Q2_K · Q8_K: 2-bit codes, 16 groups of 16 with a 4-bit scale and a 4-bit min each;
/// block value d·dx·Σ sc·Σ q·qx − dmin·dx·Σ m·(group sum).
/// </summary>
internal unsafe struct Q2_KDot : ISuperBlockCodes
{
    public static int BlockBytes => 84;

    private static int Mins(byte* w, short* groupSums)
    {
        int mins = 0;
        for (int j = 0; j < 16; j++) mins += (w[j] >> 4) * groupSums[j];
        return mins;
    }

    /// <summary>Σ m_j·(group sum j) with one vpmaddwd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MinsSimd(byte* w, short* groupSums)
    {
        var m = Sse2.ShiftRightLogical(Sse2.LoadVector128(w).AsUInt16(), 4).AsByte() & Vector128.Create((byte)0x0F);
        return Vector256.Sum(Avx2.MultiplyAddAdjacent(Avx.LoadVector256(groupSums), Avx2.ConvertToVector256Int16(m)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Portable(byte* w, sbyte* x, short* groupSums)
    {
        int scaled = 0;
        for (int h = 0; h < 2; h++)
        {
            byte* q = w + 16 + 32 * h;
            for (int j = 0; j < 4; j++)
            {
                sbyte* xg = x + 128 * h + 32 * j;
                int first = 0, second = 0;
                for (int l = 0; l < 16; l++)
                {
                    first += ((q[l] >> (2 * j)) & 3) * xg[l];
                    second += ((q[l + 16] >> (2 * j)) & 3) * xg[l + 16];
                }
                scaled += (w[8 * h + 2 * j] & 0xF) * first + (w[8 * h + 2 * j + 1] & 0xF) * second;
            }
        }
        return new BlockSums(scaled, Mins(w, groupSums));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx2Path(byte* w, sbyte* x, short* groupSums) =>
        Avx512BW.IsSupported ? Wide(w, x, groupSums) : AvxVnni.IsSupported ? Vnni(w, x, groupSums) : Pairs(w, x, groupSums);

    /// <summary>Without AVX-VNNI: vpmaddubsw pairs, then vpmaddwd with the int16 scales.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockSums Pairs(byte* w, sbyte* x, short* groupSums)
    {
        var acc = Vector256<int>.Zero;
        var three = Vector256.Create((byte)3);
        for (int h = 0; h < 2; h++)
        {
            var q = Avx.LoadVector256(w + 16 + 32 * h);
            for (int j = 0; j < 4; j++)
            {
                int s = 8 * h + 2 * j;
                acc = AddScaled(acc, q & three, Load(x + 128 * h + 32 * j), Scales(w[s] & 0xF, w[s + 1] & 0xF));
                q = Avx2.ShiftRightLogical(q.AsUInt16(), 2).AsByte();
            }
        }
        return new BlockSums(Vector256.Sum(acc), MinsSimd(w, groupSums));
    }

    /// <summary>
    /// With AVX-VNNI: codes times their scales in one vpmullw (sc·q ≤ 45 fits a byte, no carry between the byte pairs),
    /// then one vpdpbusd per 32 elements. The 16 scales are spread to int16 lanes with vpshufb (control word 0x80nn: byte
    /// nn, zero high byte), the control advancing by two scales per 32 elements.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    internal static BlockSums Vnni(byte* w, sbyte* x, short* groupSums)
    {
        var acc = Vector256<int>.Zero;
        var three = Vector256.Create((byte)3);
        var low4 = Sse2.LoadVector128(w) & Vector128.Create((byte)0x0F);
        var allScales = Vector256.Create(low4, low4);
        var control = Vector256.Create(Vector128.Create(unchecked((short)0x8000)), Vector128.Create(unchecked((short)0x8001)));
        var step = Vector256.Create((short)2);
        for (int h = 0; h < 2; h++)
        {
            var q = Avx.LoadVector256(w + 16 + 32 * h);
            for (int j = 0; j < 4; j++)
            {
                var scales = Avx2.Shuffle(allScales, control.AsByte()).AsInt16();
                var codes = Avx2.MultiplyLow((q & three).AsInt16(), scales).AsByte();
                acc = AvxVnni.MultiplyWideningAndAdd(acc, codes, Load(x + 128 * h + 32 * j));
                q = Avx2.ShiftRightLogical(q.AsUInt16(), 2).AsByte();
                control += step;
            }
        }
        return new BlockSums(Vector256.Sum(acc), MinsSimd(w, groupSums));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx512Path(byte* w, sbyte* x, short* groupSums) => Wide(w, x, groupSums);

    /// <summary>
    /// 512-bit: each half's 32 code bytes and the same shifted by 2 give the codes of 64 consecutive elements, whose four
    /// groups of 16 take scales 4k .. 4k + 3 (picked per 16-bit lane with vpermw); vpmaddubsw, then vpmaddwd by the scales.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockSums Wide(byte* w, sbyte* x, short* groupSums)
    {
        var three = Vector512.Create((byte)3);
        var scales = (Avx2.ConvertToVector256Int16(Sse2.LoadVector128(w)) & Vector256.Create((short)0x0F)).ToVector512Unsafe();
        var acc = Vector512<int>.Zero;
        for (int h = 0; h < 2; h++)
        {
            var q256 = Avx.LoadVector256(w + 16 + 32 * h);
            var q = SimdInt8.Join(q256, Avx2.ShiftRightLogical(q256.AsUInt16(), 2).AsByte());
            acc = AddScaled(acc, q & three, Vector512.Load(x + 128 * h), Avx512BW.PermuteVar32x16(scales, ScaleLanes + Vector512.Create((short)(8 * h))));
            q = Avx512BW.ShiftRightLogical(q.AsUInt16(), 4).AsByte();
            acc = AddScaled(acc, q & three, Vector512.Load(x + 128 * h + 64), Avx512BW.PermuteVar32x16(scales, ScaleLanes + Vector512.Create((short)(8 * h + 4))));
        }
        return new BlockSums(Vector512.Sum(acc), MinsSimd(w, groupSums));
    }

    /// <summary>int16 lane i of 64 elements belongs to group i / 8.</summary>
    private static Vector512<short> ScaleLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, (short)3);
    }

    public static CodeScaling Scaling => CodeScaling.InCodes;

    public static int TileMinTokens => 3;

    public static bool BiasedCodes => false;

    /// <summary>Codes sc·q (≤ 45: one vpmullw on byte pairs, no carry between them); group terms the mins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static void Decode(byte* w, DecodedSuperBlock* d)
    {
        var three = Vector256.Create((byte)3);
        for (int h = 0; h < 2; h++)
        {
            var q = Avx.LoadVector256(w + 16 + 32 * h);
            for (int j = 0; j < 4; j++)
            {
                int s = 8 * h + 2 * j;
                var codes = Avx2.MultiplyLow((q & three).AsInt16(), Scales(w[s] & 0xF, w[s + 1] & 0xF));
                Avx.StoreAligned(d->Codes + 128 * h + 32 * j, codes.AsByte());
                q = Avx2.ShiftRightLogical(q.AsUInt16(), 2).AsByte();
            }
        }
        var m = Sse2.ShiftRightLogical(Sse2.LoadVector128(w).AsUInt16(), 4).AsByte() & Vector128.Create((byte)0x0F);
        Avx.StoreAligned(d->GroupTerms, Avx2.ConvertToVector256Int16(m));
        d->Factors[0] = KernelMath.Half(w + 80);
        d->Factors[1] = KernelMath.Half(w + 82);
    }

    public static Vector128<float> Combine4(DecodedSuperBlock* d, Vector128<float> activationScales, Vector128<int> scaled, Vector128<int> mins) =>
        DecodedCombine.ScaledMinusMins(d, activationScales, scaled, mins);

    public static float Combine(byte* w, float activationScale, BlockSums sums)
    {
        float d = KernelMath.Half(w + 80) * activationScale;
        float dmin = KernelMath.Half(w + 82) * activationScale;
        return d * sums.Scaled - dmin * sums.Mins;
    }

    public static float Finish(float sum) => sum;
}
