using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// The AVX-512 (BW + VBMI) super-block kernel shared by IQ2_XXS and IQ3_XXS: two groups of 32 per 512-bit vector; the
/// super-block's 32 sign bytes looked up once (<see cref="IqSignMasks.SuperBlockSigns"/>); per pair of groups the grid
/// bytes times the activations with their signs applied (vpmaddubsw), times the groups' odd scales 2s + 1 (vpmaddwd).
/// </summary>
internal static unsafe class SignedGridDot
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BlockSums Run<T>(byte* w, sbyte* x) where T : ISignedGrid
    {
        void* grids = T.Grids; // read once: not re-checked per group
        var words = T.ScaleWords(w);
        var signs = IqSignMasks.SuperBlockSigns(words);
        // each odd scale in both 16-bit halves of its lane, for vpmaddwd
        var scales = (IqSignMasks.OddScales(words) * 0x10001).ToVector512Unsafe();
        var acc = PairDot<T>(w, x, 0, grids, signs, scales, Vector512<int>.Zero);
        acc = PairDot<T>(w, x, 1, grids, signs, scales, acc);
        acc = PairDot<T>(w, x, 2, grids, signs, scales, acc);
        acc = PairDot<T>(w, x, 3, grids, signs, scales, acc);
        return new BlockSums(Vector512.Sum(acc), 0);
    }

    /// <summary>acc + the scaled dots of groups 2p and 2p + 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> PairDot<T>(byte* w, sbyte* x, int p, void* grids, Vector512<byte> signs, Vector512<int> scales, Vector512<int> acc)
        where T : ISignedGrid
    {
        var grid = SimdInt8.Join(T.Grid(w, 2 * p, grids), T.Grid(w, 2 * p + 1, grids));
        var signed = IqSignMasks.ApplyPairSigns(signs, p, Vector512.Load(x + 64 * p));
        var pairScales = Avx512F.PermuteVar16x32(scales, PairLanes + Vector512.Create(2 * p)).AsInt16();
        return Avx512BW.Add(acc, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(grid, signed), pairScales));
    }

    private static Vector512<int> PairLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    }
}

/// <summary>Where one grid-and-signs i-quant keeps its grid values, sign indices and scales.</summary>
internal unsafe interface ISignedGrid
{
    /// <summary>The format's grid table.</summary>
    static abstract void* Grids { get; }
    /// <summary>The 32 grid values of group ib.</summary>
    static abstract Vector256<byte> Grid(byte* w, int ib, void* grids);
    /// <summary>The eight groups' words (sign indices in bits 0..27, scale in bits 28..31), in group order.</summary>
    static abstract Vector256<uint> ScaleWords(byte* w);
}
