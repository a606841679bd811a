using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static DeepSeekV4.Engine.Tensors.Kernels.KQuantSimd;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// IQ3_XXS · Q8_K: two 4-value grid entries and one 7-bit sign index per 8 elements, odd scale 2s + 1 per 32;
/// block value d·dx·Σ, row total × 1/4.
/// </summary>
internal unsafe struct Iq3XxsDot : ISuperBlockCodes, ISignedGrid
{
    public static int BlockBytes => 98;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Portable(byte* w, sbyte* x, short* groupSums)
    {
        byte* qs = w + 2;
        int scaled = 0;
        for (int ib = 0; ib < 8; ib++)
        {
            uint aux = *(uint*)(w + 66 + 4 * ib);
            int sum = 0;
            for (int l = 0; l < 4; l++)
            {
                ulong grid = IqTables.Iq3XxsGrid[qs[8 * ib + 2 * l]] | ((ulong)IqTables.Iq3XxsGrid[qs[8 * ib + 2 * l + 1]] << 32);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<byte> Grid, Vector256<sbyte> Signs, int Scale) Group(byte* w, int ib, uint* g, ulong* signTable)
    {
        var grid = Grid(w, ib, g);
        uint aux = SignWord(w, ib);
        var signs = Vector256.Create(signTable[aux & 127], signTable[(aux >> 7) & 127], signTable[(aux >> 14) & 127], signTable[(aux >> 21) & 127]).AsSByte();
        return (grid, signs, 2 * (int)(aux >> 28) + 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static BlockSums Avx2Path(byte* w, sbyte* x, short* groupSums) =>
        IqSignMasks.IsSupported ? ByteSigns(w, x, groupSums) : TableSigns(w, x, groupSums);

    /// <summary>The AVX-512 BW + VBMI kernel (<see cref="SignedGridDot"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockSums ByteSigns(byte* w, sbyte* x, short* groupSums) => SignedGridDot.Run<Iq3XxsDot>(w, x);

    public static void* Grids => IqTables.Iq3XxsGrid;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Grid(byte* w, int ib, void* grids)
    {
        uint* g = (uint*)grids;
        byte* q = w + 2 + 8 * ib;
        return Vector256.Create(g[q[0]], g[q[1]], g[q[2]], g[q[3]], g[q[4]], g[q[5]], g[q[6]], g[q[7]]).AsByte();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SignWord(byte* w, int ib) => *(uint*)(w + 66 + 4 * ib);

    /// <summary>The eight groups' scale words lie together after the grid indices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> ScaleWords(byte* w) => Avx.LoadVector256((uint*)(w + 66));

    /// <summary>The 256-bit kernel with the sign masks looked up one 8-byte mask at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockSums TableSigns(byte* w, sbyte* x, short* groupSums)
    {
        uint* grids = IqTables.Iq3XxsGrid;
        ulong* signTable = IqTables.KSigns64; // read once: not re-checked per group
        var acc = Vector256<int>.Zero;
        for (int ib = 0; ib < 8; ib++)
        {
            var (grid, signs, ls) = Group(w, ib, grids, signTable);
            acc = AddScaled(acc, grid, ApplySigns(Load(x + 32 * ib), signs), Scales(ls, ls));
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
        uint* grids = IqTables.Iq3XxsGrid;
        ulong* signTable = IqTables.KSigns64; // read once: not re-checked per group
        var acc = Vector512<int>.Zero;
        for (int ib = 0; ib < 8; ib += 2)
        {
            var (g0, s0, l0) = Group(w, ib, grids, signTable);
            var (g1, s1, l1) = Group(w, ib + 1, grids, signTable);
            acc = AddScaled(acc, SimdInt8.Join(g0, g1), ApplySigns(Load2(x + 32 * ib, x + 32 * ib + 32), SimdInt8.Join(s0, s1)), Scales(l0, l0, l1, l1));
        }
        return new BlockSums(Vector512.Sum(acc), 0);
    }

    public static CodeScaling Scaling => CodeScaling.Int16;

    public static int TileMinTokens => 2;

    public static bool BiasedCodes => true;

    /// <summary>Codes grid·sign + 62 (the largest grid value; ≤ 124), scale ls per 32, group terms 62·ls.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the fully optimized SuperBlockDot/SuperBlockTile loops: never left to tiering
    public static void Decode(byte* w, DecodedSuperBlock* d)
    {
        uint* grids = IqTables.Iq3XxsGrid;
        ulong* signTable = IqTables.KSigns64; // read once: not re-checked per group
        for (int ib = 0; ib < 8; ib++)
        {
            var (grid, signs, ls) = Group(w, ib, grids, signTable);
            DecodedCombine.StoreBiased(d, ib, ApplySigns(grid.AsSByte(), signs), 62);
            DecodedCombine.StoreScales16(d, ib, ls, ls);
            d->GroupTerms[2 * ib] = d->GroupTerms[2 * ib + 1] = (short)(62 * ls);
        }
        d->Factors[0] = KernelMath.Half(w);
    }

    public static Vector128<float> Combine4(DecodedSuperBlock* d, Vector128<float> activationScales, Vector128<int> scaled, Vector128<int> mins) =>
        DecodedCombine.Scaled(d, activationScales, scaled);

    public static float Combine(byte* w, float activationScale, BlockSums sums) => KernelMath.Half(w) * activationScale * sums.Scaled;

    public static float Finish(float sum) => 0.25f * sum;
}
