using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static DeepSeekV4.Engine.Tensors.Kernels.KQuantSimd;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// IQ2_XXS · Q8_K: per 32 elements, ls = 2s + 1 times Σ grid·sign·qx (signs applied to the activations);
/// block value d·dx·Σ, row total × 1/8.
/// </summary>
internal unsafe struct Iq2XxsDot : ISuperBlockCodes, ISignedGrid
{
    public static int BlockBytes => 66;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Portable(byte* w, sbyte* x, short* groupSums)
    {
        int scaled = 0;
        for (int ib = 0; ib < 8; ib++)
        {
            uint indices = *(uint*)(w + 2 + 8 * ib);
            uint aux = *(uint*)(w + 6 + 8 * ib);
            int sum = 0;
            for (int l = 0; l < 4; l++)
            {
                ulong grid = IqTables.Iq2XxsGrid[(indices >> (8 * l)) & 0xFF];
                int signs = IqTables.KSigns[(aux >> (7 * l)) & 127];
                for (int j = 0; j < 8; j++)
                {
                    int v = (byte)(grid >> (8 * j)) * x[32 * ib + 8 * l + j];
                    sum += (signs >> j & 1) != 0 ? -v : v;
                }
            }
            scaled += (2 * (int)(aux >> 28) + 1) * sum;
        }
        return new BlockSums(scaled, 0);
    }

    /// <summary>The 32 grid values of group ib.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Grid(byte* w, int ib, ulong* grids)
    {
        byte* indices = w + 2 + 8 * ib;
        return Vector256.Create(grids[indices[0]], grids[indices[1]], grids[indices[2]], grids[indices[3]]).AsByte();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<byte> Grid, Vector256<sbyte> Signs) Group(byte* w, int ib, ulong* grids, ulong* signTable)
    {
        uint aux = *(uint*)(w + 6 + 8 * ib);
        var grid = Grid(w, ib, grids);
        var signs = Vector256.Create(signTable[aux & 127], signTable[(aux >> 7) & 127], signTable[(aux >> 14) & 127], signTable[(aux >> 21) & 127]).AsSByte();
        return (grid, signs);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Scale(byte* w, int ib) => 2 * (int)(*(uint*)(w + 6 + 8 * ib) >> 28) + 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx2Path(byte* w, sbyte* x, short* groupSums) =>
        IqSignMasks.IsSupported ? ByteSigns(w, x, groupSums) : TableSigns(w, x, groupSums);

    /// <summary>The AVX-512 BW + VBMI kernel (<see cref="SignedGridDot"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockSums ByteSigns(byte* w, sbyte* x, short* groupSums) => SignedGridDot.Run<Iq2XxsDot>(w, x);

    public static void* Grids => IqTables.Iq2XxsGrid;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Grid(byte* w, int ib, void* grids) => Grid(w, ib, (ulong*)grids);

    /// <summary>
    /// The groups' second words (scale in bits 28..31) are the odd 32-bit words from w + 2; vshufps takes them as groups
    /// (0, 1, 4, 5 | 2, 3, 6, 7), vpermd restores the order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> ScaleWords(byte* w)
    {
        var first = Avx.LoadVector256(w + 2).AsSingle();
        var second = Avx.LoadVector256(w + 34).AsSingle();
        return Avx2.PermuteVar8x32(Avx.Shuffle(first, second, 0b11_01_11_01).AsInt32(), Vector256.Create(0, 1, 4, 5, 2, 3, 6, 7)).AsUInt32();
    }

    /// <summary>The 256-bit kernel with the sign masks looked up one 8-byte mask at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockSums TableSigns(byte* w, sbyte* x, short* groupSums)
    {
        ulong* grids = IqTables.Iq2XxsGrid, signTable = IqTables.KSigns64; // read once: not re-checked per group
        var acc = Vector256<int>.Zero;
        for (int ib = 0; ib < 8; ib++)
        {
            var (grid, signs) = Group(w, ib, grids, signTable);
            int ls = Scale(w, ib);
            acc = AddScaled(acc, grid, ApplySigns(Load(x + 32 * ib), signs), Vector256.Create((short)ls));
        }
        return new BlockSums(Vector256.Sum(acc), 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx512Path(byte* w, sbyte* x, short* groupSums) =>
        IqSignMasks.IsSupported ? ByteSigns(w, x, groupSums) : TablePairs(w, x, groupSums);

    /// <summary>512-bit without VBMI: two groups per vector, sign masks looked up one 8-byte mask at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockSums TablePairs(byte* w, sbyte* x, short* groupSums)
    {
        ulong* grids = IqTables.Iq2XxsGrid, signTable = IqTables.KSigns64; // read once: not re-checked per group
        var acc = Vector512<int>.Zero;
        for (int ib = 0; ib < 8; ib += 2)
        {
            var (g0, s0) = Group(w, ib, grids, signTable);
            var (g1, s1) = Group(w, ib + 1, grids, signTable);
            int l0 = Scale(w, ib), l1 = Scale(w, ib + 1);
            acc = AddScaled(acc, SimdInt8.Join(g0, g1), ApplySigns(Load2(x + 32 * ib, x + 32 * ib + 32), SimdInt8.Join(s0, s1)), Scales(l0, l0, l1, l1));
        }
        return new BlockSums(Vector512.Sum(acc), 0);
    }

    public static CodeScaling Scaling => CodeScaling.Int16;

    public static int TileMinTokens => 2;

    public static bool BiasedCodes => true;

    /// <summary>Codes grid·sign + 43 (the largest grid value), scale ls per 32, group terms 43·ls.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static void Decode(byte* w, DecodedSuperBlock* d)
    {
        ulong* grids = IqTables.Iq2XxsGrid, signTable = IqTables.KSigns64; // read once: not re-checked per group
        var signMasks = IqSignMasks.IsSupported ? IqSignMasks.Load() : default;
        for (int ib = 0; ib < 8; ib++)
        {
            var (grid, signs) = IqSignMasks.IsSupported ? (Grid(w, ib, grids), signMasks.Of(*(uint*)(w + 6 + 8 * ib))) : Group(w, ib, grids, signTable);
            DecodedCombine.StoreBiased(d, ib, ApplySigns(grid.AsSByte(), signs), 43);
            int ls = Scale(w, ib);
            DecodedCombine.StoreScales16(d, ib, ls, ls);
            d->GroupTerms[2 * ib] = d->GroupTerms[2 * ib + 1] = (short)(43 * ls);
        }
        d->Factors[0] = KernelMath.Half(w);
    }

    public static Vector128<float> Combine4(DecodedSuperBlock* d, Vector128<float> activationScales, Vector128<int> scaled, Vector128<int> mins) =>
        DecodedCombine.Scaled(d, activationScales, scaled);

    public static float Combine(byte* w, float activationScale, BlockSums sums) => KernelMath.Half(w) * activationScale * sums.Scaled;

    public static float Finish(float sum) => 0.125f * sum;
}
