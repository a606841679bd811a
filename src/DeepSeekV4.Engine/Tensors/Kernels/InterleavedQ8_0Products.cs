using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Products of <see cref="InterleavedQ8_0"/> matrices with Q8_0 activations. For a group of 8 rows and one block, eight
/// vpdpbusd (each weight chunk times 4 codes of the token broadcast to every lane) leave the 8 rows' exact integer sums
/// in the 8 lanes of one vector: no horizontal sums, and each weight vector serves up to four tokens. Per row and token
/// the result is defined as: isum_b exact, s_b = weight scale · activation scale, even blocks accumulated by fused
/// multiply-add into one float, odd blocks into another, result = even + odd — which the portable path computes the same
/// way, so every path gives the same bits.
/// </summary>
internal static unsafe class InterleavedQ8_0Products
{
    private const int GroupBlockBytes = 8 * 34;

    public static bool IsSupported => AvxVnni.IsSupported && Fma.IsSupported;

    /// <summary>y[t · outputs + r] for rows [begin, end) (whole groups of 8) and every token.</summary>
    public static void MultiplyRows(KernelPath path, byte* weights, int rowBytes, int begin, int end, ActivationRow* x, int tokens, float* y, int outputs, int n)
    {
        int blocks = n / 32;
        for (int row = begin; row < end; row += InterleavedQ8_0.Rows)
        {
            byte* group = weights + (long)row * rowBytes;
            if (path == KernelPath.Portable || !IsSupported)
            {
                for (int t = 0; t < tokens; t++) Portable(group, x[t], blocks, y + (long)t * outputs + row);
                continue;
            }
            int t0 = 0;
            for (; t0 + 4 <= tokens; t0 += 4) Group<Four>(group, x + t0, blocks, y + (long)t0 * outputs + row, outputs);
            switch (tokens - t0)
            {
                case 3: Group<Three>(group, x + t0, blocks, y + (long)t0 * outputs + row, outputs); break;
                case 2: Group<Two>(group, x + t0, blocks, y + (long)t0 * outputs + row, outputs); break;
                case 1: Group<One>(group, x + t0, blocks, y + (long)t0 * outputs + row, outputs); break;
            }
        }
    }

    /// <summary>The definition, one row at a time: y[r] for the 8 rows of the group.</summary>
    internal static void Portable(byte* group, in ActivationRow x, int blocks, float* y)
    {
        for (int r = 0; r < 8; r++)
        {
            float even = 0, odd = 0;
            for (int b = 0; b < blocks; b++)
            {
                byte* block = group + (long)b * GroupBlockBytes;
                int isum = 0;
                for (int j = 0; j < 32; j++) isum += ((block[16 + 32 * (j / 4) + 4 * r + j % 4]) - 128) * x.Codes[32 * b + j];
                float scale = HalfVector.ToSingle(*(ushort*)(block + 2 * r)) * x.Scales[b];
                if ((b & 1) == 0) even = MathF.FusedMultiplyAdd(isum, scale, even);
                else odd = MathF.FusedMultiplyAdd(isum, scale, odd);
            }
            y[r] = even + odd;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group<C>(byte* group, ActivationRow* x, int blocks, float* y, int stride) where C : ITokenCount
    {
        var even = default(Accumulators);
        var odd = default(Accumulators);
        int b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            byte* first = group + (long)b * GroupBlockBytes;
            var (evenScales, oddScales) = PairScales(first);
            even = Block<C>(even, first, evenScales, x, b);
            odd = Block<C>(odd, first + GroupBlockBytes, oddScales, x, b + 1);
        }
        if (b < blocks) even = Block<C>(even, group + (long)b * GroupBlockBytes, Scales(group + (long)b * GroupBlockBytes), x, b);
        Avx.Store(y, even.T0 + odd.T0);
        if (C.Value > 1) Avx.Store(y + stride, even.T1 + odd.T1);
        if (C.Value > 2) Avx.Store(y + 2 * stride, even.T2 + odd.T2);
        if (C.Value > 3) Avx.Store(y + 3 * stride, even.T3 + odd.T3);
    }

    /// <summary>The 8 rows' f16 scales of one block as floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Scales(byte* block) => HalfVector.ToSingle(Avx2.ConvertToVector256Int32(Sse2.LoadVector128((ushort*)block)).AsUInt32());

    /// <summary>The scales of two consecutive blocks, widened together (one 512-bit conversion where AVX-512 is present).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> First, Vector256<float> Second) PairScales(byte* first)
    {
        if (!Avx512F.IsSupported) return (Scales(first), Scales(first + GroupBlockBytes));
        var halves = Vector256.Create(Sse2.LoadVector128((ushort*)first), Sse2.LoadVector128((ushort*)(first + GroupBlockBytes)));
        var floats = HalfVector.ToSingle(Avx512F.ConvertToVector512UInt32(halves));
        return (floats.GetLower(), floats.GetUpper());
    }

    /// <summary>One block of the 8 rows for each token: acc += isum · (weight scale · activation scale), fused.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Accumulators Block<C>(Accumulators acc, byte* block, Vector256<float> scales, ActivationRow* x, int b) where C : ITokenCount
    {
        var w0 = Avx.LoadVector256(block + 16);
        var w1 = Avx.LoadVector256(block + 48);
        var w2 = Avx.LoadVector256(block + 80);
        var w3 = Avx.LoadVector256(block + 112);
        var w4 = Avx.LoadVector256(block + 144);
        var w5 = Avx.LoadVector256(block + 176);
        var w6 = Avx.LoadVector256(block + 208);
        var w7 = Avx.LoadVector256(block + 240);
        acc.T0 = Fma.MultiplyAdd(Sums(w0, w1, w2, w3, w4, w5, w6, w7, x[0], b), scales * Vector256.Create(x[0].Scales[b]), acc.T0);
        if (C.Value > 1) acc.T1 = Fma.MultiplyAdd(Sums(w0, w1, w2, w3, w4, w5, w6, w7, x[1], b), scales * Vector256.Create(x[1].Scales[b]), acc.T1);
        if (C.Value > 2) acc.T2 = Fma.MultiplyAdd(Sums(w0, w1, w2, w3, w4, w5, w6, w7, x[2], b), scales * Vector256.Create(x[2].Scales[b]), acc.T2);
        if (C.Value > 3) acc.T3 = Fma.MultiplyAdd(Sums(w0, w1, w2, w3, w4, w5, w6, w7, x[3], b), scales * Vector256.Create(x[3].Scales[b]), acc.T3);
        return acc;
    }

    /// <summary>The 8 rows' exact Σ code · x for block b, as floats (|sum| ≤ 32 · 128 · 127, exact in float32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Sums(Vector256<byte> w0, Vector256<byte> w1, Vector256<byte> w2, Vector256<byte> w3,
        Vector256<byte> w4, Vector256<byte> w5, Vector256<byte> w6, Vector256<byte> w7, in ActivationRow x, int b)
    {
        int* q = (int*)(x.Codes + 32 * b);
        var s0 = AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, w0, Vector256.Create(q[0]).AsSByte());
        var s1 = AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, w1, Vector256.Create(q[1]).AsSByte());
        s0 = AvxVnni.MultiplyWideningAndAdd(s0, w2, Vector256.Create(q[2]).AsSByte());
        s1 = AvxVnni.MultiplyWideningAndAdd(s1, w3, Vector256.Create(q[3]).AsSByte());
        s0 = AvxVnni.MultiplyWideningAndAdd(s0, w4, Vector256.Create(q[4]).AsSByte());
        s1 = AvxVnni.MultiplyWideningAndAdd(s1, w5, Vector256.Create(q[5]).AsSByte());
        s0 = AvxVnni.MultiplyWideningAndAdd(s0, w6, Vector256.Create(q[6]).AsSByte());
        s1 = AvxVnni.MultiplyWideningAndAdd(s1, w7, Vector256.Create(q[7]).AsSByte());
        return Avx.ConvertToVector256Single(s0 + s1 - Vector256.Create(x.BlockSums[b] << 7));
    }

    private struct Accumulators
    {
        public Vector256<float> T0, T1, T2, T3;
    }
}
