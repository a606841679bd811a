using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Rows of 32-element weight blocks (Q8_0, Q4_0, MXFP4) times up to four tokens of Q8_0 activations at once, with
/// AVX-VNNI: each weight block is loaded and turned into unsigned bytes (code + bias) once for all the tokens, vpdpbusd
/// multiplies it with each token's signed codes, and bias · Σ codes (kept with the activation row) is subtracted from the
/// block's sum. Block sums are exact integers, scaled and accumulated exactly as <see cref="Block32Dot"/> does (block b
/// into lane b mod 8, the same tree at the end), so every result equals the single-row kernels' bit for bit.
/// </summary>
internal static unsafe class Block32Tile
{
    /// <summary>True when the tile kernel runs for <paramref name="path"/>: a SIMD path on a CPU with AVX-VNNI.</summary>
    public static bool Serves(KernelPath path) => path != KernelPath.Portable && AvxVnni.IsSupported;

    /// <summary>Tokens one pass over a row serves.</summary>
    public const int TokenTile = 4;

    /// <summary>Rows whose weights are multiplied with one group of tokens before the next group (they stay in L1/L2).</summary>
    private const int RowTile = 8;

    /// <summary>y[t · outputs + r] for rows [begin, end) and every token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(byte* weights, int rowBytes, int begin, int end, ActivationRow* activations, int tokens, float* y, int outputs, int n)
        where T : IBlock32Weights
    {
        int blocks = n / 32;
        for (int tile = begin; tile < end; tile += RowTile)
        {
            int tileEnd = Math.Min(end, tile + RowTile);
            int t = 0;
            for (; t + 4 <= tokens; t += 4)
                for (int r = tile; r < tileEnd; r++) Dot<T, Four>(weights + (long)r * rowBytes, activations + t, blocks, y + (long)t * outputs + r, outputs);
            int rest = tokens - t;
            for (int r = tile; r < tileEnd && rest > 0; r++)
            {
                byte* w = weights + (long)r * rowBytes;
                float* yr = y + (long)t * outputs + r;
                if (rest == 3) Dot<T, Three>(w, activations + t, blocks, yr, outputs);
                else if (rest == 2) Dot<T, Two>(w, activations + t, blocks, yr, outputs);
                else Dot<T, One>(w, activations + t, blocks, yr, outputs);
            }
        }
    }

    /// <summary>One row times C tokens; y[k · stride] receives token k's result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Dot<T, C>(byte* w, ActivationRow* x, int blocks, float* y, int stride)
        where T : IBlock32Weights where C : ITokenCount
    {
        var acc0 = Vector256<float>.Zero;
        var acc1 = Vector256<float>.Zero;
        var acc2 = Vector256<float>.Zero;
        var acc3 = Vector256<float>.Zero;
        sbyte* x0 = x[0].Codes, x1 = C.Value > 1 ? x[1].Codes : null, x2 = C.Value > 2 ? x[2].Codes : null, x3 = C.Value > 3 ? x[3].Codes : null;
        int b = 0;
        for (; b + 8 <= blocks; b += 8)
        {
            byte* wb = w + b * T.BlockBytes;
            var scales = T.Scales8(wb);
            var w0 = T.BiasedCodes(wb);
            var w1 = T.BiasedCodes(wb + T.BlockBytes);
            var w2 = T.BiasedCodes(wb + 2 * T.BlockBytes);
            var w3 = T.BiasedCodes(wb + 3 * T.BlockBytes);
            var w4 = T.BiasedCodes(wb + 4 * T.BlockBytes);
            var w5 = T.BiasedCodes(wb + 5 * T.BlockBytes);
            var w6 = T.BiasedCodes(wb + 6 * T.BlockBytes);
            var w7 = T.BiasedCodes(wb + 7 * T.BlockBytes);
            acc0 = Accumulate<T>(acc0, Sum4(w0, w1, w2, w3, x0 + 32 * b), Sum4(w4, w5, w6, w7, x0 + 32 * b + 128), scales, x[0], b);
            if (C.Value > 1) acc1 = Accumulate<T>(acc1, Sum4(w0, w1, w2, w3, x1 + 32 * b), Sum4(w4, w5, w6, w7, x1 + 32 * b + 128), scales, x[1], b);
            if (C.Value > 2) acc2 = Accumulate<T>(acc2, Sum4(w0, w1, w2, w3, x2 + 32 * b), Sum4(w4, w5, w6, w7, x2 + 32 * b + 128), scales, x[2], b);
            if (C.Value > 3) acc3 = Accumulate<T>(acc3, Sum4(w0, w1, w2, w3, x3 + 32 * b), Sum4(w4, w5, w6, w7, x3 + 32 * b + 128), scales, x[3], b);
        }
        if (b < blocks)
        {
            acc0 += Block32Dot.TailProducts<T>(w, x[0], b, blocks);
            if (C.Value > 1) acc1 += Block32Dot.TailProducts<T>(w, x[1], b, blocks);
            if (C.Value > 2) acc2 += Block32Dot.TailProducts<T>(w, x[2], b, blocks);
            if (C.Value > 3) acc3 += Block32Dot.TailProducts<T>(w, x[3], b, blocks);
        }
        y[0] = Block32Dot.Reduce(acc0);
        if (C.Value > 1) y[stride] = Block32Dot.Reduce(acc1);
        if (C.Value > 2) y[2 * stride] = Block32Dot.Reduce(acc2);
        if (C.Value > 3) y[3 * stride] = Block32Dot.Reduce(acc3);
    }

    /// <summary>Σ (code + bias) · x for four consecutive blocks, as int32×4 in block order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Sum4(Vector256<byte> w0, Vector256<byte> w1, Vector256<byte> w2, Vector256<byte> w3, sbyte* x) =>
        SimdInt8.Sum4(
            AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, w0, Avx.LoadAlignedVector256(x)),
            AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, w1, Avx.LoadAlignedVector256(x + 32)),
            AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, w2, Avx.LoadAlignedVector256(x + 64)),
            AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, w3, Avx.LoadAlignedVector256(x + 96)));

    /// <summary>acc + (Σ codes·x of blocks b..b+7) · (weight scale · activation scale), as <see cref="Block32Dot"/> adds them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Accumulate<T>(Vector256<float> acc, Vector128<int> first4, Vector128<int> last4, Vector256<float> weightScales, in ActivationRow x, int b)
        where T : IBlock32Weights
    {
        var sums = Vector256.Create(first4, last4) - (Avx.LoadVector256(x.BlockSums + b) << T.BiasShift);
        return acc + Avx.ConvertToVector256Single(sums) * (weightScales * Avx.LoadVector256(x.Scales + b));
    }
}

/// <summary>A token count known to the JIT, so <see cref="Block32Tile.Dot{T, C}"/> compiles without the unused tokens.</summary>
internal interface ITokenCount
{
    static abstract int Value { get; }
}

internal struct One : ITokenCount { public static int Value => 1; }

internal struct Two : ITokenCount { public static int Value => 2; }

internal struct Three : ITokenCount { public static int Value => 3; }

internal struct Four : ITokenCount { public static int Value => 4; }
