using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static DeepSeekV4.Engine.Tensors.Kernels.KQuantSimd;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// The AVX-512 VBMI + AVX-VNNI super-block kernel shared by IQ2_XXS and IQ3_XXS: per group of 32, the format's grid
/// bytes times the activations with the group's signs applied (masks from <see cref="IqSignMasks"/>), one vpdpbusd;
/// the eight odd scales 2s + 1 applied once per super-block to the eight group sums.
/// </summary>
internal static unsafe class SignedGridDot
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BlockSums Run<T>(byte* w, sbyte* x) where T : ISignedGrid
    {
        void* grids = T.Grids; // read once: not re-checked per group
        var signMasks = IqSignMasks.Load();
        var sums = SimdInt8.Sum8(
            GroupDot<T>(w, 0, x, grids, signMasks), GroupDot<T>(w, 1, x, grids, signMasks),
            GroupDot<T>(w, 2, x, grids, signMasks), GroupDot<T>(w, 3, x, grids, signMasks),
            GroupDot<T>(w, 4, x, grids, signMasks), GroupDot<T>(w, 5, x, grids, signMasks),
            GroupDot<T>(w, 6, x, grids, signMasks), GroupDot<T>(w, 7, x, grids, signMasks));
        return new BlockSums(Vector256.Sum(sums * IqSignMasks.OddScales(T.ScaleWords(w))), 0);
    }

    /// <summary>Σ grid · signed x of group ib, as eight int32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> GroupDot<T>(byte* w, int ib, sbyte* x, void* grids, in IqSignMasks signMasks) where T : ISignedGrid =>
        AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, T.Grid(w, ib, grids), ApplySigns(Load(x + 32 * ib), signMasks.Of(T.SignWord(w, ib))));
}

/// <summary>Where one grid-and-signs i-quant keeps its grid values, sign indices and scales.</summary>
internal unsafe interface ISignedGrid
{
    /// <summary>The format's grid table.</summary>
    static abstract void* Grids { get; }
    /// <summary>The 32 grid values of group ib.</summary>
    static abstract Vector256<byte> Grid(byte* w, int ib, void* grids);
    /// <summary>The word whose bits 0..27 hold group ib's four 7-bit sign indices.</summary>
    static abstract uint SignWord(byte* w, int ib);
    /// <summary>The eight groups' words whose bits 28..31 hold their scales, in group order.</summary>
    static abstract Vector256<uint> ScaleWords(byte* w);
}
