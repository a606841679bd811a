using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static DeepSeekV4.Engine.Tensors.Kernels.KQuantSimd;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>Q5_K · Q8_K: as Q4_K with a fifth bit per code from qh (bit 2c for the low nibbles of chunk c, 2c+1 for the high).</summary>
internal unsafe struct Q5_KDot : ISuperBlockCodes
{
    public static int BlockBytes => 176;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Portable(byte* w, sbyte* x, short* groupSums)
    {
        int* sc = stackalloc int[8];
        int mins = Q4_KDot.Unpack(w, groupSums, sc);
        byte* qh = w + 16, qs = w + 48;
        int scaled = 0;
        for (int c = 0; c < 4; c++)
        {
            int low = 0, high = 0;
            for (int l = 0; l < 32; l++)
            {
                low += ((qs[32 * c + l] & 0xF) | (((qh[l] >> (2 * c)) & 1) << 4)) * x[64 * c + l];
                high += ((qs[32 * c + l] >> 4) | (((qh[l] >> (2 * c + 1)) & 1) << 4)) * x[64 * c + 32 + l];
            }
            scaled += sc[2 * c] * low + sc[2 * c + 1] * high;
        }
        return new BlockSums(scaled, mins);
    }

    private static Vector256<byte> FifthBit(Vector256<byte> qh, int bit)
    {
        var mask = Vector256.Create((byte)(1 << bit));
        return Vector256.Equals(qh & mask, mask) & Vector256.Create((byte)16);
    }

    private static Vector512<byte> FifthBit(Vector512<byte> qh, int bitFirst, int bitSecond)
    {
        var mask = SimdInt8.Join(Vector256.Create((byte)(1 << bitFirst)), Vector256.Create((byte)(1 << bitSecond)));
        return Vector512.Equals(qh & mask, mask) & Vector512.Create((byte)16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx2Path(byte* w, sbyte* x, short* groupSums)
    {
        ulong sc = Q4_KDot.UnpackFast(w, groupSums, out int mins);
        var qh = Avx.LoadVector256(w + 16);
        byte* qs = w + 48;
        var acc = Vector256<int>.Zero;
        for (int c = 0; c < 4; c++)
        {
            var q = Avx.LoadVector256(qs + 32 * c);
            acc = AddScaled(acc, LowNibbles(q) | FifthBit(qh, 2 * c), Load(x + 64 * c), Vector256.Create((short)(byte)(sc >> (16 * c))));
            acc = AddScaled(acc, HighNibbles(q) | FifthBit(qh, 2 * c + 1), Load(x + 64 * c + 32), Vector256.Create((short)(byte)(sc >> (16 * c + 8))));
        }
        return new BlockSums(Vector256.Sum(acc), mins);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx512Path(byte* w, sbyte* x, short* groupSums)
    {
        ulong sc = Q4_KDot.UnpackFast(w, groupSums, out int mins);
        var qh256 = Avx.LoadVector256(w + 16);
        var qh = SimdInt8.Join(qh256, qh256);
        byte* qs = w + 48;
        var acc = Vector512<int>.Zero;
        for (int k = 0; k < 2; k++)
        {
            var q = Avx512BW.LoadVector512(qs + 64 * k);
            int c = 2 * k;
            acc = AddScaled(acc, LowNibbles(q) | FifthBit(qh, 2 * c, 2 * c + 2), Load2(x + 64 * c, x + 64 * c + 64), Q4_KDot.Pairs(sc, 2 * c, 2 * c + 2));
            acc = AddScaled(acc, HighNibbles(q) | FifthBit(qh, 2 * c + 1, 2 * c + 3), Load2(x + 64 * c + 32, x + 64 * c + 96), Q4_KDot.Pairs(sc, 2 * c + 1, 2 * c + 3));
        }
        return new BlockSums(Vector512.Sum(acc), mins);
    }

    public static CodeScaling Scaling => CodeScaling.Int16;

    public static int TileMinTokens => 3;

    public static bool BiasedCodes => false;

    /// <summary>Codes nibble | fifth bit · 16 (≤ 31), int16 scale per 32, group terms the mins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static void Decode(byte* w, DecodedSuperBlock* d)
    {
        ulong sc = Q4_KDot.ScalesAndMins(w, out var groupMins);
        var qh = Avx.LoadVector256(w + 16);
        for (int c = 0; c < 4; c++)
        {
            var q = Avx.LoadVector256(w + 48 + 32 * c);
            Avx.StoreAligned(d->Codes + 64 * c, LowNibbles(q) | FifthBit(qh, 2 * c));
            Avx.StoreAligned(d->Codes + 64 * c + 32, HighNibbles(q) | FifthBit(qh, 2 * c + 1));
        }
        Q4_KDot.StoreScalesAndMins(d, sc, groupMins);
        d->Factors[0] = KernelMath.Half(w);
        d->Factors[1] = KernelMath.Half(w + 2);
    }

    public static Vector128<float> Combine4(DecodedSuperBlock* d, Vector128<float> activationScales, Vector128<int> scaled, Vector128<int> mins) =>
        DecodedCombine.ScaledMinusMins(d, activationScales, scaled, mins);

    public static float Combine(byte* w, float activationScale, BlockSums sums) => Q4_KDot.Combine(w, activationScale, sums);

    public static float Finish(float sum) => sum;
}
