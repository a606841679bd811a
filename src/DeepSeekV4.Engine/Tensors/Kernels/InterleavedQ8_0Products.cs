using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Products of <see cref="InterleavedQ8_0"/> matrices with Q8_0 activations. For 8 rows (a half of a group) and one
/// block, eight vpdpbusd (each weight chunk times 4 codes of the token broadcast to every lane) leave the 8 rows' exact
/// integer sums in the 8 lanes of one vector: no horizontal sums. One token (decoding) runs both halves together, so
/// each broadcast serves 16 rows; several tokens run a half at a time, each weight vector serving up to four tokens.
/// Per row and token the result is defined as: isum_b exact, s_b = weight scale · activation scale, even blocks
/// accumulated by fused multiply-add into one float, odd blocks into another, result = even + odd — which the portable
/// path computes the same way, so every path gives the same bits.
/// </summary>
internal static unsafe class InterleavedQ8_0Products
{
    private const int Rows = InterleavedQ8_0.Rows;
    private const int GroupBlockBytes = Rows * 34;

    public static bool IsSupported => AvxVnni.IsSupported && Fma.IsSupported;

    /// <summary>y[t · outputs + r] for rows [begin, end) (whole groups) and every token.</summary>
    public static void MultiplyRows(KernelPath path, byte* weights, int rowBytes, int begin, int end, ActivationRow* x, int tokens, float* y, int outputs, int n)
    {
        int blocks = n / 32;
        for (int row = begin; row < end; row += Rows)
        {
            byte* group = weights + (long)row * rowBytes;
            if (path == KernelPath.Portable || !IsSupported)
            {
                for (int t = 0; t < tokens; t++) Portable(group, x[t], blocks, y + (long)t * outputs + row);
                continue;
            }
            if (tokens == 1)
            {
                GroupOne(group, x[0], blocks, y + row);
                continue;
            }
            for (int half = 0; half < 2; half++)
            {
                float* yh = y + row + 8 * half;
                int t0 = 0;
                for (; t0 + 4 <= tokens; t0 += 4) Group<Four>(group, half, x + t0, blocks, yh + (long)t0 * outputs, outputs);
                switch (tokens - t0)
                {
                    case 3: Group<Three>(group, half, x + t0, blocks, yh + (long)t0 * outputs, outputs); break;
                    case 2: Group<Two>(group, half, x + t0, blocks, yh + (long)t0 * outputs, outputs); break;
                    case 1: Group<One>(group, half, x + t0, blocks, yh + (long)t0 * outputs, outputs); break;
                }
            }
        }
    }

    /// <summary>The definition, one row at a time: y[r] for the 16 rows of the group.</summary>
    internal static void Portable(byte* group, in ActivationRow x, int blocks, float* y)
    {
        for (int r = 0; r < Rows; r++)
        {
            float even = 0, odd = 0;
            for (int b = 0; b < blocks; b++)
            {
                byte* block = group + (long)b * GroupBlockBytes;
                int isum = 0;
                for (int j = 0; j < 32; j++) isum += (block[InterleavedQ8_0.CodeOffset(r, j)] - 128) * x.Codes[32 * b + j];
                float scale = HalfVector.ToSingle(*(ushort*)(block + 2 * r)) * x.Scales[b];
                if ((b & 1) == 0) even = MathF.FusedMultiplyAdd(isum, scale, even);
                else odd = MathF.FusedMultiplyAdd(isum, scale, odd);
            }
            y[r] = even + odd;
        }
    }

    /// <summary>One token times the 16 rows of a group: each broadcast of 4 activation codes is multiplied with both halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GroupOne(byte* group, in ActivationRow x, int blocks, float* y)
    {
        Vector256<float> evenLow = default, oddLow = default, evenHigh = default, oddHigh = default;
        int* q = (int*)x.Codes;
        float* scales = x.Scales;
        int* sums = x.BlockSums;
        byte* block = group;
        int b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            var (low, high) = BothSums(block, q, sums);
            var (scaleLow, scaleHigh) = GroupScales(block, scales[0]);
            evenLow = Fma.MultiplyAdd(low, scaleLow, evenLow);
            evenHigh = Fma.MultiplyAdd(high, scaleHigh, evenHigh);
            (low, high) = BothSums(block + GroupBlockBytes, q + 8, sums + 1);
            (scaleLow, scaleHigh) = GroupScales(block + GroupBlockBytes, scales[1]);
            oddLow = Fma.MultiplyAdd(low, scaleLow, oddLow);
            oddHigh = Fma.MultiplyAdd(high, scaleHigh, oddHigh);
            block += 2 * GroupBlockBytes;
            q += 16;
            scales += 2;
            sums += 2;
        }
        if (b < blocks)
        {
            var (low, high) = BothSums(block, q, sums);
            var (scaleLow, scaleHigh) = GroupScales(block, scales[0]);
            evenLow = Fma.MultiplyAdd(low, scaleLow, evenLow);
            evenHigh = Fma.MultiplyAdd(high, scaleHigh, evenHigh);
        }
        Avx.Store(y, evenLow + oddLow);
        Avx.Store(y + 8, evenHigh + oddHigh);
    }

    /// <summary>The 16 rows' exact Σ code · x of one block, as floats for rows 0..7 and 8..15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Low, Vector256<float> High) BothSums(byte* block, int* q, int* blockSum)
    {
        Vector256<int> low0 = default, low1 = default, high0 = default, high1 = default;
        for (int k = 0; k < 8; k += 2)
        {
            var even = Vector256.Create(q[k]).AsSByte();
            var odd = Vector256.Create(q[k + 1]).AsSByte();
            low0 = AvxVnni.MultiplyWideningAndAdd(low0, Avx.LoadVector256(block + 32 + 64 * k), even);
            high0 = AvxVnni.MultiplyWideningAndAdd(high0, Avx.LoadVector256(block + 64 + 64 * k), even);
            low1 = AvxVnni.MultiplyWideningAndAdd(low1, Avx.LoadVector256(block + 96 + 64 * k), odd);
            high1 = AvxVnni.MultiplyWideningAndAdd(high1, Avx.LoadVector256(block + 128 + 64 * k), odd);
        }
        var correction = Avx2.ShiftLeftLogical(Vector256.Create(*blockSum), 7);
        return (Avx.ConvertToVector256Single(low0 + low1 - correction), Avx.ConvertToVector256Single(high0 + high1 - correction));
    }

    /// <summary>The 16 rows' f16 scales of one block as floats, times the activation's scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Low, Vector256<float> High) GroupScales(byte* block, float activationScale)
    {
        var a = Vector256.Create(activationScale);
        if (!Avx512F.IsSupported) return (Scales(block) * a, Scales(block + 16) * a);
        var floats = HalfVector.ToSingle(Avx512F.ConvertToVector512UInt32(Avx.LoadVector256((ushort*)block)));
        return (floats.GetLower() * a, floats.GetUpper() * a);
    }

    /// <summary>C tokens times rows 8·half … 8·half + 7 of a group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group<C>(byte* group, int half, ActivationRow* x, int blocks, float* y, int stride) where C : ITokenCount
    {
        var even = default(Accumulators);
        var odd = default(Accumulators);
        int b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            byte* first = group + (long)b * GroupBlockBytes;
            var (evenScales, oddScales) = PairScales(first + 16 * half);
            even = Block<C>(even, first + 32 * half, evenScales, x, b);
            odd = Block<C>(odd, first + GroupBlockBytes + 32 * half, oddScales, x, b + 1);
        }
        if (b < blocks)
        {
            byte* last = group + (long)b * GroupBlockBytes;
            even = Block<C>(even, last + 32 * half, Scales(last + 16 * half), x, b);
        }
        Avx.Store(y, even.T0 + odd.T0);
        if (C.Value > 1) Avx.Store(y + stride, even.T1 + odd.T1);
        if (C.Value > 2) Avx.Store(y + 2 * stride, even.T2 + odd.T2);
        if (C.Value > 3) Avx.Store(y + 3 * stride, even.T3 + odd.T3);
    }

    /// <summary>The 8 rows' f16 scales of one block (of a half) as floats.</summary>
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

    /// <summary>
    /// One block of a half's 8 rows for each token: acc += isum · (weight scale · activation scale), fused.
    /// <paramref name="block"/> is the block's start plus 32 · half, so that its chunk k lies at + 32 + 64k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Accumulators Block<C>(Accumulators acc, byte* block, Vector256<float> scales, ActivationRow* x, int b) where C : ITokenCount
    {
        var w0 = Avx.LoadVector256(block + 32);
        var w1 = Avx.LoadVector256(block + 96);
        var w2 = Avx.LoadVector256(block + 160);
        var w3 = Avx.LoadVector256(block + 224);
        var w4 = Avx.LoadVector256(block + 288);
        var w5 = Avx.LoadVector256(block + 352);
        var w6 = Avx.LoadVector256(block + 416);
        var w7 = Avx.LoadVector256(block + 480);
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
