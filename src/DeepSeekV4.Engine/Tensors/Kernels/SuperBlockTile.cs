using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Rows of 256-element super-blocks (K- and i-quants) times many tokens of Q8_K activations, with AVX-VNNI. Each weight
/// row is decoded once into unsigned byte codes and integer scales (<see cref="ISuperBlockCodes.Decode"/>: grid lookups,
/// sign expansion and scale unpacking happen once per row, not once per token), then vpdpbusd dots it with up to four
/// tokens at a time. The integer sums equal the single-row kernels' exactly and go through the same
/// <see cref="ISuperBlockKernel.Combine"/> / <see cref="ISuperBlockKernel.Finish"/> float steps in the same order, so every
/// result equals <see cref="SuperBlockDot"/>'s bit for bit.
/// </summary>
internal static unsafe class SuperBlockTile
{
    /// <summary>
    /// True when the tile kernel runs: a SIMD path on a CPU with AVX-VNNI, and at least two tokens (one token gains
    /// nothing from decoding a row ahead; the single-row kernel fuses decoding into the dot).
    /// </summary>
    public static bool Serves(KernelPath path, int tokens) => tokens >= 2 && path != KernelPath.Portable && AvxVnni.IsSupported;

    [ThreadStatic] private static ScratchBuffer? _scratch;

    /// <summary>y[t · outputs + r] for rows [begin, end) and every token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(byte* weights, int rowBytes, int begin, int end, ActivationRow* activations, int tokens, float* y, int outputs, int n)
        where T : ISuperBlockCodes
    {
        int blocks = n / 256;
        var decoded = (DecodedSuperBlock*)(_scratch ??= new()).Get((long)blocks * sizeof(DecodedSuperBlock));
        for (int r = begin; r < end; r++)
        {
            byte* w = weights + (long)r * rowBytes;
            for (int i = 0; i < blocks; i++) T.Decode(w + i * T.BlockBytes, decoded + i);
            int t = 0;
            for (; t + 4 <= tokens; t += 4) Dot<T, Four>(w, decoded, activations + t, blocks, y + (long)t * outputs + r, outputs);
            int rest = tokens - t;
            float* yr = y + (long)t * outputs + r;
            if (rest == 3) Dot<T, Three>(w, decoded, activations + t, blocks, yr, outputs);
            else if (rest == 2) Dot<T, Two>(w, decoded, activations + t, blocks, yr, outputs);
            else if (rest == 1) Dot<T, One>(w, decoded, activations + t, blocks, yr, outputs);
        }
    }

    /// <summary>One decoded row times C tokens; y[k · stride] receives token k's result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot<T, C>(byte* w, DecodedSuperBlock* decoded, ActivationRow* x, int blocks, float* y, int stride)
        where T : ISuperBlockCodes where C : ITokenCount
    {
        float sum0 = 0, sum1 = 0, sum2 = 0, sum3 = 0;
        sbyte* x0 = x[0].Codes, x1 = C.Value > 1 ? x[1].Codes : null, x2 = C.Value > 2 ? x[2].Codes : null, x3 = C.Value > 3 ? x[3].Codes : null;
        for (int i = 0; i < blocks; i++)
        {
            DecodedSuperBlock* d = decoded + i;
            var acc0 = Vector256<int>.Zero;
            var acc1 = Vector256<int>.Zero;
            var acc2 = Vector256<int>.Zero;
            var acc3 = Vector256<int>.Zero;
            int o = 256 * i;
            for (int c = 0; c < 256; c += 32)
            {
                var codes = Avx.LoadAlignedVector256(d->Codes + c);
                var scales = T.ScalesInCodes ? default : Avx.LoadAlignedVector256(d->Scales + c / 4);
                acc0 = Step<T>(acc0, codes, scales, x0 + o + c);
                if (C.Value > 1) acc1 = Step<T>(acc1, codes, scales, x1 + o + c);
                if (C.Value > 2) acc2 = Step<T>(acc2, codes, scales, x2 + o + c);
                if (C.Value > 3) acc3 = Step<T>(acc3, codes, scales, x3 + o + c);
            }
            var terms = Avx.LoadAlignedVector256(d->GroupTerms);
            var g0 = GroupTerms(terms, x[0], i);
            var g1 = C.Value > 1 ? GroupTerms(terms, x[1], i) : Vector256<int>.Zero;
            var g2 = C.Value > 2 ? GroupTerms(terms, x[2], i) : Vector256<int>.Zero;
            var g3 = C.Value > 3 ? GroupTerms(terms, x[3], i) : Vector256<int>.Zero;
            Vector128<int> scaled, mins;
            if (T.BiasedCodes)
            {
                scaled = SimdInt8.Sum4(acc0 - g0, acc1 - g1, acc2 - g2, acc3 - g3);
                mins = Vector128<int>.Zero;
            }
            else
            {
                scaled = SimdInt8.Sum4(acc0, acc1, acc2, acc3);
                mins = SimdInt8.Sum4(g0, g1, g2, g3);
            }
            byte* wb = w + i * T.BlockBytes;
            sum0 += T.Combine(wb, x[0].Scales[i], new BlockSums(scaled.ToScalar(), mins.ToScalar()));
            if (C.Value > 1) sum1 += T.Combine(wb, x[1].Scales[i], new BlockSums(scaled.GetElement(1), mins.GetElement(1)));
            if (C.Value > 2) sum2 += T.Combine(wb, x[2].Scales[i], new BlockSums(scaled.GetElement(2), mins.GetElement(2)));
            if (C.Value > 3) sum3 += T.Combine(wb, x[3].Scales[i], new BlockSums(scaled.GetElement(3), mins.GetElement(3)));
        }
        y[0] = T.Finish(sum0);
        if (C.Value > 1) y[stride] = T.Finish(sum1);
        if (C.Value > 2) y[2 * stride] = T.Finish(sum2);
        if (C.Value > 3) y[3 * stride] = T.Finish(sum3);
    }

    /// <summary>acc + (Σ₄ code·x per lane) · lane scale; with the scales folded into the codes, acc + Σ₄ code·x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Step<T>(Vector256<int> acc, Vector256<byte> codes, Vector256<int> scales, sbyte* x) where T : ISuperBlockCodes
    {
        var xs = Avx.LoadAlignedVector256(x);
        if (T.ScalesInCodes) return AvxVnni.MultiplyWideningAndAdd(acc, codes, xs);
        return acc + Avx2.MultiplyLow(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, codes, xs), scales);
    }

    /// <summary>Σ term_g · (activation sum of group g), as eight int32 lanes of pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> GroupTerms(Vector256<short> terms, in ActivationRow x, int block) =>
        Avx2.MultiplyAddAdjacent(Avx.LoadVector256(x.GroupSums + 16 * block), terms);
}

/// <summary>
/// One super-block decoded for <see cref="SuperBlockTile"/>: the 256 codes as unsigned bytes in element order, the integer
/// scale of every 4 elements (one int32 per vpdpbusd lane: chunk c's lanes are Scales[8c..8c+7]), and one int16 term per
/// 16-element group, multiplied with the activations' group sums: the mins (Mins) or, for biased codes, bias · scale
/// (subtracted from Scaled).
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 576)]
internal unsafe struct DecodedSuperBlock
{
    public fixed byte Codes[256];
    public fixed int Scales[64];
    public fixed short GroupTerms[16];
}

/// <summary>A super-block format the tile kernel serves: how one super-block decodes to unsigned codes and integer scales.</summary>
internal unsafe interface ISuperBlockCodes : ISuperBlockKernel
{
    /// <summary>True when <see cref="Decode"/> multiplies the scales into the codes (products fit a byte) and leaves Scales unset.</summary>
    static abstract bool ScalesInCodes { get; }

    /// <summary>
    /// True when the codes are the signed values plus a bias: Scaled = Σ scale·code·x − Σ GroupTerms·(group sums) and
    /// Mins = 0. Otherwise Scaled = Σ scale·code·x and Mins = Σ GroupTerms·(group sums).
    /// </summary>
    static abstract bool BiasedCodes { get; }

    static abstract void Decode(byte* w, DecodedSuperBlock* d);
}
