using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static DeepSeekV4.Engine.Tensors.Kernels.KQuantSimd;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Q4_K · Q8_K: Σ_j sc_j·Σ q·qx over 8 sub-blocks of 32 and Σ_j m_j·(their activation sums);
/// block value d·dx·scaled − dmin·dx·mins.
/// </summary>
internal unsafe struct Q4_KDot : ISuperBlockCodes
{
    public static int BlockBytes => 144;

    /// <summary>The 8 scales and 8 mins of a Q4_K/Q5_K block (ggml's get_scale_min_k4), and Σ m_j·(group sums of sub-block j).</summary>
    internal static int Unpack(byte* w, short* groupSums, int* scales)
    {
        var packed = new ReadOnlySpan<byte>(w + 4, 12);
        int mins = 0;
        for (int j = 0; j < 8; j++)
        {
            var (sc, m) = Formats.KQuantScales.Get(packed, j);
            scales[j] = sc;
            mins += m * (groupSums[2 * j] + groupSums[2 * j + 1]);
        }
        return mins;
    }

    /// <summary>
    /// The same unpacking with whole-word masks: returns the 8 scales as bytes of one ulong and Σ m_j·(group sums).
    /// Scales 0–3 are the low 6 bits of bytes 0–3, scales 4–7 the low nibbles of bytes 8–11 with bits 6–7 of bytes 0–3
    /// on top; mins likewise from bytes 4–7 and the high nibbles of 8–11.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong UnpackFast(byte* w, short* groupSums, out int mins)
    {
        ulong scales = ScalesAndMins(w, out var groupMins);
        // Σ m_j·(s_2j + s_2j+1): each min widened to the two 16-lane group sums it covers.
        mins = Vector256.Sum(Avx2.MultiplyAddAdjacent(Avx.LoadVector256(groupSums), groupMins));
        return scales;
    }

    /// <summary>The 8 scales as bytes of one ulong, and the 8 mins as int16, each twice (once per 16-element group).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ScalesAndMins(byte* w, out Vector256<short> groupMins)
    {
        uint u0 = *(uint*)(w + 4), u1 = *(uint*)(w + 8), u2 = *(uint*)(w + 12);
        const uint low6 = 0x3F3F3F3F, low4 = 0x0F0F0F0F, low2 = 0x03030303;
        ulong scales = (u0 & low6) | (ulong)((u2 & low4) | (((u0 >> 6) & low2) << 4)) << 32;
        ulong minBytes = (u1 & low6) | (ulong)(((u2 >> 4) & low4) | (((u1 >> 6) & low2) << 4)) << 32;
        var m = Sse2.UnpackLow(Vector128.CreateScalar(minBytes).AsByte(), Vector128.CreateScalar(minBytes).AsByte());
        groupMins = Avx2.ConvertToVector256Int16(m);
        return scales;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Portable(byte* w, sbyte* x, short* groupSums)
    {
        int* sc = stackalloc int[8];
        int mins = Unpack(w, groupSums, sc);
        byte* qs = w + 16;
        int scaled = 0;
        for (int c = 0; c < 4; c++)
        {
            int low = 0, high = 0;
            for (int l = 0; l < 32; l++)
            {
                low += (qs[32 * c + l] & 0xF) * x[64 * c + l];
                high += (qs[32 * c + l] >> 4) * x[64 * c + 32 + l];
            }
            scaled += sc[2 * c] * low + sc[2 * c + 1] * high;
        }
        return new BlockSums(scaled, mins);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx2Path(byte* w, sbyte* x, short* groupSums)
    {
        ulong sc = UnpackFast(w, groupSums, out int mins);
        byte* qs = w + 16;
        var acc = Vector256<int>.Zero;
        for (int c = 0; c < 4; c++)
        {
            var q = Avx.LoadVector256(qs + 32 * c);
            acc = AddScaled(acc, LowNibbles(q), Load(x + 64 * c), Vector256.Create((short)(byte)(sc >> (16 * c))));
            acc = AddScaled(acc, HighNibbles(q), Load(x + 64 * c + 32), Vector256.Create((short)(byte)(sc >> (16 * c + 8))));
        }
        return new BlockSums(Vector256.Sum(acc), mins);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx512Path(byte* w, sbyte* x, short* groupSums)
    {
        ulong sc = UnpackFast(w, groupSums, out int mins);
        byte* qs = w + 16;
        var acc = Vector512<int>.Zero;
        for (int k = 0; k < 2; k++)
        {
            var q = Avx512BW.LoadVector512(qs + 64 * k);
            int c = 2 * k;
            acc = AddScaled(acc, LowNibbles(q), Load2(x + 64 * c, x + 64 * c + 64), Pairs(sc, 2 * c, 2 * c + 2));
            acc = AddScaled(acc, HighNibbles(q), Load2(x + 64 * c + 32, x + 64 * c + 96), Pairs(sc, 2 * c + 1, 2 * c + 3));
        }
        return new BlockSums(Vector512.Sum(acc), mins);
    }

    /// <summary>Scale byte a for the lower 32 elements, byte b for the upper 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<short> Pairs(ulong scales, int a, int b) =>
        SimdInt8.Join(Vector256.Create((short)(byte)(scales >> (8 * a))), Vector256.Create((short)(byte)(scales >> (8 * b))));

    public static CodeScaling Scaling => CodeScaling.Int16;

    public static int TileMinTokens => 3;

    public static bool BiasedCodes => false;

    /// <summary>Codes the nibbles (low nibbles of 32 bytes, then their high nibbles), int16 scale per 32, group terms the mins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static void Decode(byte* w, DecodedSuperBlock* d)
    {
        ulong sc = ScalesAndMins(w, out var groupMins);
        for (int c = 0; c < 4; c++)
        {
            var q = Avx.LoadVector256(w + 16 + 32 * c);
            Avx.StoreAligned(d->Codes + 64 * c, LowNibbles(q));
            Avx.StoreAligned(d->Codes + 64 * c + 32, HighNibbles(q));
        }
        StoreScalesAndMins(d, sc, groupMins);
        d->Factors[0] = KernelMath.Half(w);
        d->Factors[1] = KernelMath.Half(w + 2);
    }

    /// <summary>The scales and mins of a Q4_K/Q5_K super-block, one scale byte per chunk of 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreScalesAndMins(DecodedSuperBlock* d, ulong scales, Vector256<short> groupMins)
    {
        for (int c = 0; c < 8; c++)
        {
            int s = (byte)(scales >> (8 * c));
            DecodedCombine.StoreScales16(d, c, s, s);
        }
        Avx.StoreAligned(d->GroupTerms, groupMins);
    }

    public static Vector128<float> Combine4(DecodedSuperBlock* d, Vector128<float> activationScales, Vector128<int> scaled, Vector128<int> mins) =>
        DecodedCombine.ScaledMinusMins(d, activationScales, scaled, mins);

    public static float Combine(byte* w, float activationScale, BlockSums sums)
    {
        float d = KernelMath.Half(w) * activationScale;
        float dmin = KernelMath.Half(w + 2) * activationScale;
        return d * sums.Scaled - dmin * sums.Mins;
    }

    public static float Finish(float sum) => sum;
}
