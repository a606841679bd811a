using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using DeepSeekV4.Engine.Tensors.Formats;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Products in float32 on the dequantized weights (MatrixProducts' exact path, the Reference and Float numerics). The float
/// formats (F32, F16, BF16) are widened in registers; Q8_0 (the FP8-release matrices of most files) is decoded block by
/// block in registers, each weight q·d as ggml decodes it (one token: 16 lanes on AVX-512; several: eight tokens per
/// decoded block); other block formats are decoded a chunk of whole blocks (up to <see cref="ChunkValues"/> values) at a
/// time into a buffer that stays in L1, never the whole row. Each decoded vector is multiplied into up to
/// <see cref="TokensPerPass"/> (Q8_0: <see cref="Q8_0TokensPerPass"/>) tokens' accumulators, so a prefill reads and
/// decodes a weight row once per group of tokens. Sums are float32 in another order than a sequential dot: within the
/// float summation bound of ggml's dequantization dotted exactly.
/// </summary>
internal static unsafe class FloatProducts
{
    public const int ChunkValues = 256;
    public const int TokensPerPass = 4;
    /// <summary>Tokens per pass of the Q8_0 kernel: eight accumulators, one decoded vector and its scale fit AVX2's 16 registers.</summary>
    public const int Q8_0TokensPerPass = 8;

    /// <summary>Y[t·outputs + r] = Σ_i W[r, i]·X[t·n + i] for rows [begin, end) and every token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyRows(BlockFormat format, KernelPath path, byte* weights, int rowBytes, int begin, int end,
        float* x, int tokens, float* y, int outputs, int n)
    {
        switch (format.Type)
        {
            case GgmlType.F32: Rows<F32Row>(null, 4, path, weights, rowBytes, begin, end, x, tokens, y, outputs, n); break;
            case GgmlType.F16: Rows<F16Row>(null, 2, path, weights, rowBytes, begin, end, x, tokens, y, outputs, n); break;
            case GgmlType.BF16: Rows<BF16Row>(null, 2, path, weights, rowBytes, begin, end, x, tokens, y, outputs, n); break;
            default: Rows<F32Row>(format, 4, path, weights, rowBytes, begin, end, x, tokens, y, outputs, n); break;
        }
    }

    // blocks null: T reads the row itself (elementBytes each); else the chunks are decoded by blocks into F32 values.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<T>(BlockFormat? blocks, int elementBytes, KernelPath path, byte* weights, int rowBytes, int begin, int end,
        float* x, int tokens, float* y, int outputs, int n) where T : IFloatRow
    {
        int blockSize = blocks?.Info.BlockSize ?? 1;
        int chunk = blocks is null ? n : Math.Max(blockSize, ChunkValues / blockSize * blockSize);
        float* buffer = stackalloc float[blocks is null ? 1 : chunk];
        float* sums = stackalloc float[Q8_0TokensPerPass];
        var source = new ChunkSource(blocks, elementBytes, buffer, chunk);
        bool simd = path != KernelPath.Portable;
        bool q8 = simd && blocks?.Type == GgmlType.Q8_0 && n % 32 == 0;
        int perPass = q8 ? Q8_0TokensPerPass : TokensPerPass;
        for (int r = begin; r < end; r++)
        {
            byte* row = weights + (long)r * rowBytes;
            for (int t0 = 0; t0 < tokens; t0 += perPass)
            {
                int count = Math.Min(perPass, tokens - t0);
                float* xt = x + (long)t0 * n;
                if (q8 && count == 1 && path == KernelPath.Avx512) sums[0] = Q8_0One512(row, xt, n);
                else if (q8) Q8_0Rows(row, xt, n, count, sums);
                else if (!simd) Portable<T>(source, row, xt, n, count, sums);
                else if (count == 1) Avx2One<T>(source, row, xt, n, sums);
                else Avx2Four<T>(source, row, xt, n, count, sums);
                for (int t = 0; t < count; t++) y[(long)(t0 + t) * outputs + r] = sums[t];
            }
        }
    }

    /// <summary>Where a chunk's float values come from: the row itself (float formats) or the buffer it is decoded into.</summary>
    private readonly struct ChunkSource(BlockFormat? blocks, int elementBytes, float* buffer, int chunk)
    {
        public int Chunk => chunk;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public byte* Values(byte* row, int offset, int count)
        {
            if (blocks is null) return row + (long)offset * elementBytes;
            var info = blocks.Info;
            blocks.Dequantize(new ReadOnlySpan<byte>(row + (long)(offset / info.BlockSize) * info.BytesPerBlock, count / info.BlockSize * info.BytesPerBlock),
                new Span<float>(buffer, count));
            return (byte*)buffer;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Portable<T>(in ChunkSource source, byte* row, float* x, int n, int count, float* sums) where T : IFloatRow
    {
        for (int t = 0; t < count; t++) sums[t] = 0;
        for (int o = 0; o < n; o += source.Chunk)
        {
            int m = Math.Min(source.Chunk, n - o);
            byte* w = source.Values(row, o, m);
            for (int t = 0; t < count; t++)
            {
                float* xt = x + (long)t * n + o;
                float s = 0;
                for (int i = 0; i < m; i++) s += T.Load1(w, i) * xt[i];
                sums[t] += s;
            }
        }
    }

    // One token (decode): four accumulators over each chunk, so the FMA latency does not bound the loop.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Avx2One<T>(in ChunkSource source, byte* row, float* x, int n, float* sums) where T : IFloatRow
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        float tail = 0;
        for (int o = 0; o < n; o += source.Chunk)
        {
            int m = Math.Min(source.Chunk, n - o);
            byte* w = source.Values(row, o, m);
            float* xo = x + o;
            int i = FloatDots.Avx2Accumulate<T>(w, xo, m, ref a0, ref a1, ref a2, ref a3);
            for (; i < m; i++) tail += T.Load1(w, i) * xo[i];
        }
        sums[0] = Vector256.Sum((a0 + a1) + (a2 + a3)) + tail;
    }

    // Two to four tokens: each decoded weight vector is loaded once and multiplied into every token's accumulator.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Avx2Four<T>(in ChunkSource source, byte* row, float* x, int n, int count, float* sums) where T : IFloatRow
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        // Missing tokens read the last one's row again; their sums are not written out.
        float* x0 = x, x1 = x + (long)Math.Min(1, count - 1) * n, x2 = x + (long)Math.Min(2, count - 1) * n, x3 = x + (long)(count - 1) * n;
        for (int o = 0; o < n; o += source.Chunk)
        {
            int m = Math.Min(source.Chunk, n - o);
            byte* w = source.Values(row, o, m);
            int i = 0;
            for (; i + 8 <= m; i += 8)
            {
                var wv = T.Load8(w, i);
                int k = o + i;
                a0 = Fma.MultiplyAdd(wv, Avx.LoadVector256(x0 + k), a0);
                a1 = Fma.MultiplyAdd(wv, Avx.LoadVector256(x1 + k), a1);
                a2 = Fma.MultiplyAdd(wv, Avx.LoadVector256(x2 + k), a2);
                a3 = Fma.MultiplyAdd(wv, Avx.LoadVector256(x3 + k), a3);
            }
            for (; i < m; i++)
            {
                float wi = T.Load1(w, i);
                int k = o + i;
                t0 += wi * x0[k];
                t1 += wi * x1[k];
                t2 += wi * x2[k];
                t3 += wi * x3[k];
            }
        }
        sums[0] = Vector256.Sum(a0) + t0;
        sums[1] = Vector256.Sum(a1) + t1;
        sums[2] = Vector256.Sum(a2) + t2;
        sums[3] = Vector256.Sum(a3) + t3;
    }

    private static float* Row(float* x, int t, int count, int n) => x + (long)Math.Min(t, count - 1) * n;

    // Q8_0 in registers: per block of 32, w = q·d (ggml's decoding, exactly) multiplied into up to eight tokens' accumulators.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q8_0Rows(byte* row, float* x, int n, int count, float* sums)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int blocks = n / 32;
        if (count == 1)
        {
            for (int b = 0; b < blocks; b++)
            {
                byte* block = row + b * 34;
                var d = Vector256.Create(HalfVector.ToSingle(*(ushort*)block));
                sbyte* q = (sbyte*)(block + 2);
                float* xb = x + b * 32;
                a0 = Fma.MultiplyAdd(Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(q)), d), Avx.LoadVector256(xb), a0);
                a1 = Fma.MultiplyAdd(Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(q + 8)), d), Avx.LoadVector256(xb + 8), a1);
                a2 = Fma.MultiplyAdd(Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(q + 16)), d), Avx.LoadVector256(xb + 16), a2);
                a3 = Fma.MultiplyAdd(Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(q + 24)), d), Avx.LoadVector256(xb + 24), a3);
            }
            sums[0] = Vector256.Sum((a0 + a1) + (a2 + a3));
            return;
        }
        // Up to eight tokens; missing ones read the last token's row again and are not written out.
        float* x0 = x, x1 = Row(x, 1, count, n), x2 = Row(x, 2, count, n), x3 = Row(x, 3, count, n);
        float* x4 = Row(x, 4, count, n), x5 = Row(x, 5, count, n), x6 = Row(x, 6, count, n), x7 = Row(x, 7, count, n);
        Vector256<float> a4 = default, a5 = default, a6 = default, a7 = default;
        for (int b = 0; b < blocks; b++)
        {
            byte* block = row + b * 34;
            var d = Vector256.Create(HalfVector.ToSingle(*(ushort*)block));
            sbyte* q = (sbyte*)(block + 2);
            for (int k = 0; k < 32; k += 8)
            {
                var w = Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(q + k)), d);
                int i = b * 32 + k;
                a0 = Fma.MultiplyAdd(w, Avx.LoadVector256(x0 + i), a0);
                a1 = Fma.MultiplyAdd(w, Avx.LoadVector256(x1 + i), a1);
                a2 = Fma.MultiplyAdd(w, Avx.LoadVector256(x2 + i), a2);
                a3 = Fma.MultiplyAdd(w, Avx.LoadVector256(x3 + i), a3);
                if (count <= 4) continue;
                a4 = Fma.MultiplyAdd(w, Avx.LoadVector256(x4 + i), a4);
                a5 = Fma.MultiplyAdd(w, Avx.LoadVector256(x5 + i), a5);
                a6 = Fma.MultiplyAdd(w, Avx.LoadVector256(x6 + i), a6);
                a7 = Fma.MultiplyAdd(w, Avx.LoadVector256(x7 + i), a7);
            }
        }
        sums[0] = Vector256.Sum(a0);
        sums[1] = Vector256.Sum(a1);
        sums[2] = Vector256.Sum(a2);
        sums[3] = Vector256.Sum(a3);
        sums[4] = Vector256.Sum(a4);
        sums[5] = Vector256.Sum(a5);
        sums[6] = Vector256.Sum(a6);
        sums[7] = Vector256.Sum(a7);
    }

    // One token on AVX-512: 16 weights per instruction, two blocks per step into four accumulators.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Q8_0One512(byte* row, float* x, int n)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int blocks = n / 32, b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            byte* block = row + b * 34;
            var d0 = Vector512.Create(HalfVector.ToSingle(*(ushort*)block));
            var d1 = Vector512.Create(HalfVector.ToSingle(*(ushort*)(block + 34)));
            sbyte* q0 = (sbyte*)(block + 2), q1 = (sbyte*)(block + 36);
            float* xb = x + b * 32;
            a0 = Avx512F.FusedMultiplyAdd(Avx512F.Multiply(Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Sse2.LoadVector128(q0))), d0), Avx512F.LoadVector512(xb), a0);
            a1 = Avx512F.FusedMultiplyAdd(Avx512F.Multiply(Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Sse2.LoadVector128(q0 + 16))), d0), Avx512F.LoadVector512(xb + 16), a1);
            a2 = Avx512F.FusedMultiplyAdd(Avx512F.Multiply(Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Sse2.LoadVector128(q1))), d1), Avx512F.LoadVector512(xb + 32), a2);
            a3 = Avx512F.FusedMultiplyAdd(Avx512F.Multiply(Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Sse2.LoadVector128(q1 + 16))), d1), Avx512F.LoadVector512(xb + 48), a3);
        }
        if (b < blocks)
        {
            byte* block = row + b * 34;
            var d = Vector512.Create(HalfVector.ToSingle(*(ushort*)block));
            sbyte* q = (sbyte*)(block + 2);
            float* xb = x + b * 32;
            a0 = Avx512F.FusedMultiplyAdd(Avx512F.Multiply(Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Sse2.LoadVector128(q))), d), Avx512F.LoadVector512(xb), a0);
            a1 = Avx512F.FusedMultiplyAdd(Avx512F.Multiply(Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Sse2.LoadVector128(q + 16))), d), Avx512F.LoadVector512(xb + 16), a1);
        }
        return Vector512.Sum((a0 + a1) + (a2 + a3));
    }
}
