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
    /// True when the tile kernel runs: a SIMD path on a CPU with AVX-VNNI, and at least <see cref="ISuperBlockCodes.TileMinTokens"/>
    /// tokens (one token gains nothing from decoding a row ahead: the single-row kernel fuses decoding into the dot).
    /// </summary>
    public static bool Serves<T>(KernelPath path, int tokens) where T : ISuperBlockCodes =>
        tokens >= T.TileMinTokens && path != KernelPath.Portable && AvxVnni.IsSupported;

    /// <summary>Rows decoded together; each group of four tokens is dotted with all of them while its activations stay in L1.</summary>
    private const int RowTile = 8;

    [ThreadStatic] private static ScratchBuffer? _scratch;

    /// <summary>y[t · outputs + r] for rows [begin, end) and every token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(byte* weights, int rowBytes, int begin, int end, ActivationRow* activations, int tokens, float* y, int outputs, int n)
        where T : ISuperBlockCodes
    {
        int blocks = n / 256;
        var decoded = (DecodedSuperBlock*)(_scratch ??= new()).Get((long)RowTile * blocks * sizeof(DecodedSuperBlock));
        for (int tile = begin; tile < end; tile += RowTile)
        {
            int rows = Math.Min(end, tile + RowTile) - tile;
            for (int r = 0; r < rows; r++)
            {
                byte* w = weights + (long)(tile + r) * rowBytes;
                for (int i = 0; i < blocks; i++) T.Decode(w + i * T.BlockBytes, decoded + r * blocks + i);
            }
            int t = 0;
            for (; t + 4 <= tokens; t += 4)
                for (int r = 0; r < rows; r++) Dot<T, Four>(decoded + r * blocks, activations + t, blocks, y + (long)t * outputs + tile + r, outputs);
            int rest = tokens - t;
            for (int r = 0; r < rows && rest > 0; r++)
            {
                float* yr = y + (long)t * outputs + tile + r;
                if (rest == 3) Dot<T, Three>(decoded + r * blocks, activations + t, blocks, yr, outputs);
                else if (rest == 2) Dot<T, Two>(decoded + r * blocks, activations + t, blocks, yr, outputs);
                else Dot<T, One>(decoded + r * blocks, activations + t, blocks, yr, outputs);
            }
        }
    }

    /// <summary>One decoded row times C tokens; y[k · stride] receives token k's result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot<T, C>(DecodedSuperBlock* decoded, ActivationRow* x, int blocks, float* y, int stride)
        where T : ISuperBlockCodes where C : ITokenCount
    {
        var sums = Vector128<float>.Zero;
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
                var scales = T.Scaling == CodeScaling.InCodes ? default : Avx.LoadAlignedVector256(d->Scales + c);
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
            var activationScales = Vector128.Create(x[0].Scales[i], C.Value > 1 ? x[1].Scales[i] : 0, C.Value > 2 ? x[2].Scales[i] : 0, C.Value > 3 ? x[3].Scales[i] : 0);
            sums += T.Combine4(d, activationScales, scaled, mins);
        }
        y[0] = T.Finish(sums.ToScalar());
        if (C.Value > 1) y[stride] = T.Finish(sums.GetElement(1));
        if (C.Value > 2) y[2 * stride] = T.Finish(sums.GetElement(2));
        if (C.Value > 3) y[3 * stride] = T.Finish(sums.GetElement(3));
    }
    /// <summary>acc + Σ scale·code·x over one chunk of 32, in eight int32 lanes (exact; see <see cref="CodeScaling"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Step<T>(Vector256<int> acc, Vector256<byte> codes, Vector256<byte> scales, sbyte* x) where T : ISuperBlockCodes
    {
        var xs = Avx.LoadAlignedVector256(x);
        return T.Scaling switch
        {
            CodeScaling.InCodes => AvxVnni.MultiplyWideningAndAdd(acc, codes, xs),
            CodeScaling.Int16 => KQuantSimd.AddScaled(acc, codes, xs, scales.AsInt16()),
            _ => acc + Avx2.MultiplyLow(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, codes, xs), scales.AsInt32()),
        };
    }

    /// <summary>Σ term_g · (activation sum of group g), as eight int32 lanes of pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> GroupTerms(Vector256<short> terms, in ActivationRow x, int block) =>
        Avx2.MultiplyAddAdjacent(Avx.LoadVector256(x.GroupSums + 16 * block), terms);
}

/// <summary>
/// One super-block decoded for <see cref="SuperBlockTile"/>: the 256 codes as unsigned bytes in element order; for each
/// chunk of 32 codes, 32 bytes of scales at Scales[32c] (sixteen int16, one per pair of codes, for
/// <see cref="CodeScaling.Int16"/>; eight int32, one per four codes, for <see cref="CodeScaling.Int32"/>); one int16 term
/// per 16-element group, multiplied with the activations' group sums: the mins (Mins) or, for biased codes, bias · scale
/// (subtracted from Scaled); and the float factors the format's Combine reads.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 576)]
internal unsafe struct DecodedSuperBlock
{
    public fixed byte Codes[256];
    public fixed byte Scales[256];
    public fixed short GroupTerms[16];
    /// <summary>The super-block's float factors (e.g. d and dmin), as <see cref="ISuperBlockKernel.Combine"/> reads them.</summary>
    public fixed float Factors[2];
}

/// <summary>A super-block format the tile kernel serves: how one super-block decodes to unsigned codes and integer scales.</summary>
internal unsafe interface ISuperBlockCodes : ISuperBlockKernel
{
    static abstract CodeScaling Scaling { get; }

    /// <summary>The fewest tokens for which the tile beats the single-row kernel (measured: 3 where that kernel is cheap, else 2).</summary>
    static abstract int TileMinTokens { get; }

    /// <summary>
    /// True when the codes are the signed values plus a bias: Scaled = Σ scale·code·x − Σ GroupTerms·(group sums) and
    /// Mins = 0. Otherwise Scaled = Σ scale·code·x and Mins = Σ GroupTerms·(group sums).
    /// </summary>
    static abstract bool BiasedCodes { get; }

    static abstract void Decode(byte* w, DecodedSuperBlock* d);

    /// <summary>
    /// <see cref="ISuperBlockKernel.Combine"/> for four tokens in the lanes: the same float32 operations in the same
    /// order, on the factors <see cref="Decode"/> stored.
    /// </summary>
    static abstract Vector128<float> Combine4(DecodedSuperBlock* d, Vector128<float> activationScales, Vector128<int> scaled, Vector128<int> mins);
}

/// <summary>The float steps the formats' <see cref="ISuperBlockCodes.Combine4"/> share, each mirroring a scalar Combine.</summary>
internal static unsafe class DecodedCombine
{
    /// <summary>(f₀·dx)·Scaled − (f₁·dx)·Mins, as Q2_K/Q4_K/Q5_K combine (d, dmin).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ScaledMinusMins(DecodedSuperBlock* d, Vector128<float> activationScales, Vector128<int> scaled, Vector128<int> mins)
    {
        var dd = Vector128.Create(d->Factors[0]) * activationScales;
        var dmin = Vector128.Create(d->Factors[1]) * activationScales;
        return dd * Vector128.ConvertToSingle(scaled) - dmin * Vector128.ConvertToSingle(mins);
    }

    /// <summary>f₀·dx·Scaled, as the i-quants combine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Scaled(DecodedSuperBlock* d, Vector128<float> activationScales, Vector128<int> scaled) =>
        Vector128.Create(d->Factors[0]) * activationScales * Vector128.ConvertToSingle(scaled);

    /// <summary>Signed values plus a bias, stored as chunk <paramref name="chunk"/>'s unsigned codes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBiased(DecodedSuperBlock* d, int chunk, Vector256<sbyte> values, byte bias) =>
        Avx.StoreAligned(d->Codes + 32 * chunk, values.AsByte() + Vector256.Create(bias));

    /// <summary>Chunk <paramref name="chunk"/>'s int16 scales: a for its first 16 codes, b for the last 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreScales16(DecodedSuperBlock* d, int chunk, int a, int b) =>
        Avx.StoreAligned((short*)(d->Scales + 32 * chunk), KQuantSimd.Scales(a, b));
}

/// <summary>How <see cref="SuperBlockTile"/> applies a format's integer scales; each way is exact for the codes it is used with.</summary>
internal enum CodeScaling
{
    /// <summary>The scales are multiplied into the codes (every product fits a byte): vpdpbusd accumulates Σ code·x directly.</summary>
    InCodes,
    /// <summary>Codes ≤ 128: vpmaddubsw pairs (|pair| ≤ 2·128·127, no saturation), then vpmaddwd with int16 scales.</summary>
    Int16,
    /// <summary>Any unsigned codes: vpdpbusd per chunk, then vpmulld with int32 lane scales.</summary>
    Int32,
}
