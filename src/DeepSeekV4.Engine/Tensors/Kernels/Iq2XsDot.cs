using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static DeepSeekV4.Engine.Tensors.Kernels.KQuantSimd;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// IQ2_XS · Q8_K: 9-bit grid index and 7-bit sign index per 8 elements; two odd scales 2s + 1 per 32 (one per 16);
/// block value d·dx·Σ, row total × 1/8.
/// </summary>
internal unsafe struct Iq2XsDot : ISuperBlockCodes
{
    public static int BlockBytes => 74;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Portable(byte* w, sbyte* x, short* groupSums)
    {
        ushort* qs = (ushort*)(w + 2);
        int scaled = 0;
        for (int ib = 0; ib < 8; ib++)
        {
            int sc = w[66 + ib];
            for (int half = 0; half < 2; half++)
            {
                int sum = 0;
                for (int l = 2 * half; l < 2 * half + 2; l++)
                {
                    int q = qs[4 * ib + l];
                    ulong grid = IqTables.Iq2XsGrid[q & 511];
                    int signs = IqTables.KSigns[q >> 9];
                    for (int j = 0; j < 8; j++)
                    {
                        int v = (byte)(grid >> (8 * j)) * x[32 * ib + 8 * l + j];
                        sum += (signs >> j & 1) != 0 ? -v : v;
                    }
                }
                scaled += (2 * ((sc >> (4 * half)) & 0xF) + 1) * sum;
            }
        }
        return new BlockSums(scaled, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<byte> Grid, Vector256<sbyte> Signs, Vector256<short> Scales) Group(byte* w, int ib, ulong* grids, ulong* signTable)
    {
        ushort* q = (ushort*)(w + 2) + 4 * ib;
        var grid = Vector256.Create(grids[q[0] & 511], grids[q[1] & 511], grids[q[2] & 511], grids[q[3] & 511]).AsByte();
        var signs = Vector256.Create(signTable[q[0] >> 9], signTable[q[1] >> 9], signTable[q[2] >> 9], signTable[q[3] >> 9]).AsSByte();
        int sc = w[66 + ib];
        return (grid, signs, Scales(2 * (sc & 0xF) + 1, 2 * (sc >> 4) + 1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx2Path(byte* w, sbyte* x, short* groupSums) =>
        IqSignMasks.IsSupported ? ByteSigns(w, x, groupSums) : TableSigns(w, x, groupSums);

    /// <summary>The 256-bit kernel with the sign masks from <see cref="IqSignMasks"/> (AVX-512 VBMI).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockSums ByteSigns(byte* w, sbyte* x, short* groupSums)
    {
        ulong* grids = IqTables.Iq2XsGrid; // read once: not re-checked per group
        var signMasks = IqSignMasks.Load();
        var signOffsets = Vector256.Create(9UL, 25, 41, 57);
        var acc = Vector256<int>.Zero;
        for (int ib = 0; ib < 8; ib++)
        {
            ushort* q = (ushort*)(w + 2) + 4 * ib;
            var grid = Vector256.Create(grids[q[0] & 511], grids[q[1] & 511], grids[q[2] & 511], grids[q[3] & 511]).AsByte();
            var signs = signMasks.Of(*(ulong*)q, signOffsets);
            int sc = w[66 + ib];
            acc = AddScaled(acc, grid, ApplySigns(Load(x + 32 * ib), signs), Scales(2 * (sc & 0xF) + 1, 2 * (sc >> 4) + 1));
        }
        return new BlockSums(Vector256.Sum(acc), 0);
    }

    /// <summary>The 256-bit kernel with the sign masks looked up one 8-byte mask at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockSums TableSigns(byte* w, sbyte* x, short* groupSums)
    {
        ulong* grids = IqTables.Iq2XsGrid, signTable = IqTables.KSigns64; // read once: not re-checked per group
        var acc = Vector256<int>.Zero;
        for (int ib = 0; ib < 8; ib++)
        {
            var (grid, signs, scales) = Group(w, ib, grids, signTable);
            acc = AddScaled(acc, grid, ApplySigns(Load(x + 32 * ib), signs), scales);
        }
        return new BlockSums(Vector256.Sum(acc), 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx512Path(byte* w, sbyte* x, short* groupSums)
    {
        ulong* grids = IqTables.Iq2XsGrid, signTable = IqTables.KSigns64; // read once: not re-checked per group
        var acc = Vector512<int>.Zero;
        for (int ib = 0; ib < 8; ib += 2)
        {
            var (g0, s0, c0) = Group(w, ib, grids, signTable);
            var (g1, s1, c1) = Group(w, ib + 1, grids, signTable);
            acc = AddScaled(acc, SimdInt8.Join(g0, g1), ApplySigns(Load2(x + 32 * ib, x + 32 * ib + 32), SimdInt8.Join(s0, s1)), SimdInt8.Join(c0, c1));
        }
        return new BlockSums(Vector512.Sum(acc), 0);
    }

    public static CodeScaling Scaling => CodeScaling.Int16;

    public static int TileMinTokens => 2;

    public static bool BiasedCodes => true;

    /// <summary>Codes grid·sign + 43 (the largest grid value), scale ls per 16, group terms 43·ls.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static void Decode(byte* w, DecodedSuperBlock* d)
    {
        ulong* grids = IqTables.Iq2XsGrid, signTable = IqTables.KSigns64; // read once: not re-checked per group
        for (int ib = 0; ib < 8; ib++)
        {
            var (grid, signs, scales) = Group(w, ib, grids, signTable);
            DecodedCombine.StoreBiased(d, ib, ApplySigns(grid.AsSByte(), signs), 43);
            Avx.StoreAligned((short*)(d->Scales + 32 * ib), scales);
            int sc = w[66 + ib];
            d->GroupTerms[2 * ib] = (short)(43 * (2 * (sc & 0xF) + 1));
            d->GroupTerms[2 * ib + 1] = (short)(43 * (2 * (sc >> 4) + 1));
        }
        d->Factors[0] = KernelMath.Half(w);
    }

    public static Vector128<float> Combine4(DecodedSuperBlock* d, Vector128<float> activationScales, Vector128<int> scaled, Vector128<int> mins) =>
        DecodedCombine.Scaled(d, activationScales, scaled);

    public static float Combine(byte* w, float activationScale, BlockSums sums) => KernelMath.Half(w) * activationScale * sums.Scaled;

    public static float Finish(float sum) => 0.125f * sum;
}
