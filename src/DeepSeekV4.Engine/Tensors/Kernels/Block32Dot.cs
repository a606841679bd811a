using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Dot of a row of 32-element weight blocks (Q8_0, Q4_0, MXFP4) with Q8_0 activations: per block the exact integer sum
/// Σ q·qx, times (weight scale · activation scale). Block b's product is added to accumulator b mod 8 and the eight
/// accumulators are reduced in one fixed tree, so every path gives the same float32 result bit for bit.
/// </summary>
internal static unsafe class Block32Dot
{
    internal static float Run<T>(KernelPath path, byte* w, in ActivationRow x, int n) where T : IBlock32Weights => path switch
    {
        KernelPath.Avx512 => Avx512<T>(w, x, n / 32),
        KernelPath.Avx2 => Avx2Path<T>(w, x, n / 32),
        _ => Portable<T>(w, x, n / 32),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Portable<T>(byte* w, in ActivationRow x, int blocks) where T : IBlock32Weights
    {
        float* acc = stackalloc float[8];
        for (int k = 0; k < 8; k++) acc[k] = 0;
        for (int b = 0; b < blocks; b++)
        {
            byte* wb = w + b * T.BlockBytes;
            sbyte* xq = x.Codes + 32 * b;
            int isum = 0;
            for (int j = 0; j < 32; j++) isum += T.Code(wb, j) * xq[j];
            acc[b & 7] += isum * (T.Scale(wb) * x.Scales[b]);
        }
        float s0 = acc[0] + acc[4], s1 = acc[1] + acc[5], s2 = acc[2] + acc[6], s3 = acc[3] + acc[7];
        return (s0 + s2) + (s1 + s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Reduce(Vector256<float> acc)
    {
        var s = acc.GetLower() + acc.GetUpper();
        var t = s + Sse.Shuffle(s, s, 0b01_00_11_10);
        return t.ToScalar() + t.GetElement(1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> Codes(in ActivationRow x, int b) => Avx.LoadAlignedVector256(x.Codes + 32 * b);

    /// <summary>
    /// The products of the last blocks % 8 blocks in lanes b mod 8 (the other lanes +0), to be added to the accumulator
    /// as the portable path adds them.
    /// </summary>
    internal static Vector256<float> TailProducts<T>(byte* w, in ActivationRow x, int first, int blocks) where T : IBlock32Weights
    {
        float* products = stackalloc float[8];
        for (int k = 0; k < 8; k++) products[k] = 0;
        for (int b = first; b < blocks; b++)
        {
            byte* wb = w + b * T.BlockBytes;
            int isum = SimdInt8.Sum(SimdInt8.DotS8S8(T.Codes(wb), Codes(x, b)));
            products[b & 7] = isum * (T.Scale(wb) * x.Scales[b]);
        }
        return Avx.LoadVector256(products);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Avx2Path<T>(byte* w, in ActivationRow x, int blocks) where T : IBlock32Weights
    {
        var acc = Vector256<float>.Zero;
        int b = 0;
        for (; b + 8 <= blocks; b += 8)
        {
            byte* wb = w + b * T.BlockBytes;
            var sums = SimdInt8.Sum8(
                SimdInt8.DotS8S8(T.Codes(wb), Codes(x, b)),
                SimdInt8.DotS8S8(T.Codes(wb + T.BlockBytes), Codes(x, b + 1)),
                SimdInt8.DotS8S8(T.Codes(wb + 2 * T.BlockBytes), Codes(x, b + 2)),
                SimdInt8.DotS8S8(T.Codes(wb + 3 * T.BlockBytes), Codes(x, b + 3)),
                SimdInt8.DotS8S8(T.Codes(wb + 4 * T.BlockBytes), Codes(x, b + 4)),
                SimdInt8.DotS8S8(T.Codes(wb + 5 * T.BlockBytes), Codes(x, b + 5)),
                SimdInt8.DotS8S8(T.Codes(wb + 6 * T.BlockBytes), Codes(x, b + 6)),
                SimdInt8.DotS8S8(T.Codes(wb + 7 * T.BlockBytes), Codes(x, b + 7)));
            acc += Avx.ConvertToVector256Single(sums) * (T.Scales8(wb) * Avx.LoadVector256(x.Scales + b));
        }
        if (b < blocks) acc += TailProducts<T>(w, x, b, blocks);
        return Reduce(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Pair<T>(byte* wb, in ActivationRow x, int b) where T : IBlock32Weights =>
        SimdInt8.DotS8S8(SimdInt8.Join(T.Codes(wb), T.Codes(wb + T.BlockBytes)), Avx512BW.LoadAlignedVector512(x.Codes + 32 * b));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Avx512<T>(byte* w, in ActivationRow x, int blocks) where T : IBlock32Weights
    {
        var acc = Vector256<float>.Zero;
        int b = 0;
        for (; b + 8 <= blocks; b += 8)
        {
            byte* wb = w + b * T.BlockBytes;
            var p01 = Pair<T>(wb, x, b);
            var p23 = Pair<T>(wb + 2 * T.BlockBytes, x, b + 2);
            var p45 = Pair<T>(wb + 4 * T.BlockBytes, x, b + 4);
            var p67 = Pair<T>(wb + 6 * T.BlockBytes, x, b + 6);
            var sums = SimdInt8.Sum8(p01.GetLower(), p01.GetUpper(), p23.GetLower(), p23.GetUpper(),
                p45.GetLower(), p45.GetUpper(), p67.GetLower(), p67.GetUpper());
            acc += Avx.ConvertToVector256Single(sums) * (T.Scales8(wb) * Avx.LoadVector256(x.Scales + b));
        }
        if (b < blocks) acc += TailProducts<T>(w, x, b, blocks);
        return Reduce(acc);
    }
}

/// <summary>How one 32-element weight format exposes its blocks to <see cref="Block32Dot"/>.</summary>
internal unsafe interface IBlock32Weights
{
    static abstract int BlockBytes { get; }
    /// <summary>The signed integer code of element j (weight = scale · code).</summary>
    static abstract int Code(byte* block, int j);
    static abstract float Scale(byte* block);
    /// <summary>The 32 codes as signed bytes (|code| ≤ 128).</summary>
    static abstract Vector256<sbyte> Codes(byte* block);
    /// <summary>The scales of 8 consecutive blocks.</summary>
    static abstract Vector256<float> Scales8(byte* blocks);
    /// <summary>log2 of the bias that makes every code a non-negative byte (code + 2^BiasShift ∈ [0, 255]).</summary>
    static abstract int BiasShift { get; }
    /// <summary>The 32 codes plus 2^<see cref="BiasShift"/>, as unsigned bytes (vpdpbusd's unsigned operand).</summary>
    static abstract Vector256<byte> BiasedCodes(byte* block);
}

internal unsafe struct Q8_0Weights : IBlock32Weights
{
    public static int BlockBytes => 34;
    public static int Code(byte* block, int j) => (sbyte)block[2 + j];
    public static float Scale(byte* block) => HalfVector.ToSingle(*(ushort*)block);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Codes(byte* block) => Avx.LoadVector256((sbyte*)(block + 2));
    public static int BiasShift => 7;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> BiasedCodes(byte* block) => Avx.LoadVector256(block + 2) ^ Vector256.Create((byte)0x80);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Scales8(byte* b) => HalfVector.ToSingle(Block32Scales.Q8_0(b));
}

internal unsafe struct Q4_0Weights : IBlock32Weights
{
    public static int BlockBytes => 18;
    public static int Code(byte* block, int j) => (j < 16 ? block[2 + j] & 0xF : block[2 + j - 16] >> 4) - 8;
    public static float Scale(byte* block) => HalfVector.ToSingle(*(ushort*)block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Codes(byte* block) => BiasedCodes(block).AsSByte() - Vector256.Create((sbyte)8);
    public static int BiasShift => 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> BiasedCodes(byte* block)
    {
        var q = Sse2.LoadVector128(block + 2);
        return Vector256.Create(q, Sse2.ShiftRightLogical(q.AsUInt16(), 4).AsByte()) & Vector256.Create((byte)0x0F);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Scales8(byte* b) => HalfVector.ToSingle(Block32Scales.Q4_0(b));
}

internal unsafe struct Mxfp4Weights : IBlock32Weights
{
    private static readonly float[] E8M0 = Tables.GgmlTables.Mxfp4E8M0Scale;
    private static readonly sbyte[] Values = Tables.GgmlTables.KValuesMxfp4;
    private static readonly Vector256<sbyte> Table = Vector256.Create(Vector128.Create(Values));
    private static readonly Vector256<byte> BiasedTable = Table.AsByte() ^ Vector256.Create((byte)0x80);

    public static int BlockBytes => 17;
    public static int Code(byte* block, int j) => Values[j < 16 ? block[1 + j] & 0xF : block[1 + j - 16] >> 4];
    public static float Scale(byte* block) => E8M0[*block];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Codes(byte* block) => Avx2.Shuffle(Table, Nibbles(block).AsSByte());
    public static int BiasShift => 7;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> BiasedCodes(byte* block) => Avx2.Shuffle(BiasedTable, Nibbles(block));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Nibbles(byte* block)
    {
        var q = Sse2.LoadVector128(block + 1);
        return Vector256.Create(q, Sse2.ShiftRightLogical(q.AsUInt16(), 4).AsByte()) & Vector256.Create((byte)0x0F);
    }

    /// <summary>
    /// Half the E8M0 scale, as ggml's table holds it, computed from the exponent byte e: 2^(e − 128), i.e. float bits
    /// (e − 1) &lt;&lt; 23 for e ≥ 2 and the subnormals 0x00200000 &lt;&lt; e below.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Scales8(byte* b)
    {
        var e = Block32Scales.Mxfp4(b);
        var normal = (e - Vector256<uint>.One) << 23;
        var subnormal = Avx2.ShiftLeftLogicalVariable(Vector256.Create(0x00200000u), e);
        return Vector256.ConditionalSelect(Vector256.LessThan(e, Vector256.Create(2u)), subnormal, normal).AsSingle();
    }
}
