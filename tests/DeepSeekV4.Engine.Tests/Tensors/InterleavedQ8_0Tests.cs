using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;
using DeepSeekV4.Engine.Tests.Tensors.Kernels;

namespace DeepSeekV4.Engine.Tests.Tensors;

/// <summary>
/// The interleaved Q8_0 layout: a lossless rearrangement (every row comes back byte for byte), products on every kernel
/// path equal to the layout's stated definition computed here from the plain rows, and MatMul over it equal to MatMul
/// over the plain matrix within float32 rounding.
/// </summary>
public unsafe class InterleavedQ8_0Tests
{
    private static NativeTensorBuffer RandomMatrix(int n, int rows, int seed)
    {
        var buffer = new NativeTensorBuffer("w", GgmlType.Q8_0, [n, rows]);
        SyntheticBlocks.Fill(GgmlType.Q8_0, buffer.Bytes, new Random(seed));
        return buffer;
    }

    [Fact]
    public void InterleavingKeepsEveryRowAndItsValues()
    {
        using var buffer = RandomMatrix(32 * 9, 48, 1);
        var plain = buffer.Bytes.ToArray();
        var view = InterleavedQ8_0.Interleave(buffer.View);
        Assert.True(view.IsInterleaved);
        Assert.NotEqual(plain, buffer.Bytes.ToArray());
        int rowBytes = view.RowBytes;
        var row = new byte[rowBytes];
        var values = new float[view.RowLength];
        var expected = new float[view.RowLength];
        for (int r = 0; r < 48; r++)
        {
            InterleavedQ8_0.CopyRow((byte*)view.Address, r, rowBytes, row);
            Assert.Equal(plain.AsSpan(r * rowBytes, rowBytes).ToArray(), row);
            view.DequantizeRow(r, values);
            Dequantizer.DequantizeRow(GgmlType.Q8_0, plain.AsSpan(r * rowBytes, rowBytes), expected);
            Assert.Equal(expected, values);
        }
    }

    [Fact]
    public void InterleavedViewsRefuseRowAccessAndMisalignedRanges()
    {
        using var buffer = RandomMatrix(64, 32, 2);
        var view = InterleavedQ8_0.Interleave(buffer.View);
        Assert.Throws<InvalidOperationException>(() => view.Row(0).Length);
        Assert.Throws<ArgumentException>(() => view.RowRange(8, 8));
        Assert.Throws<ArgumentException>(() => view.RowRange(0, 24));
        Assert.True(view.RowRange(16, 16).IsInterleaved);
        Assert.Throws<ArgumentException>(() => InterleavedQ8_0.Interleave(view));
        using var odd = RandomMatrix(64, 24, 3);
        Assert.Throws<ArgumentException>(() => InterleavedQ8_0.Interleave(odd.View));
        var y = new float[32];
        Assert.Throws<ArgumentException>(() => MatrixProducts.MatVec(view, new float[64], y, 8, 16));
    }

    public static TheoryData<KernelPath> Paths()
    {
        var data = new TheoryData<KernelPath>();
        foreach (var path in new[] { KernelPath.Portable, KernelPath.Avx2, KernelPath.Avx512 }.Where(KernelIsa.IsSupported)) data.Add(path);
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ProductsEqualTheLayoutsDefinitionComputedFromThePlainRows(KernelPath path)
    {
        foreach (int blocks in new[] { 1, 2, 3, 8, 17 })
        {
            int n = 32 * blocks, rows = 48;
            using var buffer = RandomMatrix(n, rows, 10 + blocks);
            var plain = buffer.Bytes.ToArray();
            var view = InterleavedQ8_0.Interleave(buffer.View);
            foreach (int tokens in new[] { 1, 2, 3, 4, 5, 9 })
            {
                var random = new Random(tokens * 31 + blocks);
                var x = new float[tokens * n];
                for (int i = 0; i < x.Length; i++) x[i] = SyntheticBlocks.Gaussian(random) * (i % 53 == 0 ? 40f : 1f);
                var y = Run(view, path, x, tokens, begin: 16, end: rows);
                for (int t = 0; t < tokens; t++)
                {
                    var q = Q8_0Reference(x.AsSpan(t * n, n));
                    for (int r = 0; r < rows; r++)
                    {
                        float actual = y[t * rows + r];
                        if (r < 16)
                        {
                            Assert.True(float.IsNaN(actual), $"row {r} outside the range was written");
                            continue;
                        }
                        float expected = Definition(plain.AsSpan(r * view.RowBytes, view.RowBytes), q, blocks);
                        Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(actual),
                            $"{path} blocks={blocks} tokens={tokens} row {r} token {t}: {actual:R} vs {expected:R}");
                    }
                }
            }
        }
    }

    [Fact]
    public void MatMulOverTheInterleavedMatrixMatchesThePlainOneWithinRounding()
    {
        int n = 4096, rows = 64, tokens = 6;
        using var plainBuffer = RandomMatrix(n, rows, 77);
        using var interleavedBuffer = RandomMatrix(n, rows, 77);
        var interleaved = InterleavedQ8_0.Interleave(interleavedBuffer.View);
        var random = new Random(5);
        var x = Enumerable.Range(0, tokens * n).Select(_ => SyntheticBlocks.Gaussian(random)).ToArray();
        var expected = new float[tokens * rows];
        var actual = new float[tokens * rows];
        MatrixProducts.MatMul(plainBuffer.View, x, tokens, expected);
        MatrixProducts.MatMul(interleaved, x, tokens, actual);
        var w = new float[n];
        for (int t = 0; t < tokens; t++)
        {
            for (int r = 0; r < rows; r++)
            {
                // Both sum the same exact block products in float32 in different orders: within 2·γ(n/32+1)·Σ|products|.
                plainBuffer.View.DequantizeRow(r, w);
                double magnitude = 0;
                for (int i = 0; i < n; i++) magnitude += Math.Abs(w[i] * x[t * n + i]) * 1.01;
                double bound = 2 * (n / 32 + 1) * Math.Pow(2, -24) * magnitude + 1e-6;
                Assert.True(Math.Abs(actual[t * rows + r] - expected[t * rows + r]) <= bound,
                    $"row {r} token {t}: {actual[t * rows + r]:R} vs {expected[t * rows + r]:R} (bound {bound:G3})");
            }
        }
    }

    /// <summary>isum exact, s = d_w · d_x, even blocks and odd blocks each fused-multiply-added, then even + odd.</summary>
    private static float Definition(ReadOnlySpan<byte> row, (sbyte[] Codes, float[] Scales) x, int blocks)
    {
        float even = 0, odd = 0;
        for (int b = 0; b < blocks; b++)
        {
            int isum = 0;
            for (int j = 0; j < 32; j++) isum += (sbyte)row[34 * b + 2 + j] * x.Codes[32 * b + j];
            float scale = (float)BitConverter.UInt16BitsToHalf((ushort)(row[34 * b] | row[34 * b + 1] << 8)) * x.Scales[b];
            if (b % 2 == 0) even = MathF.FusedMultiplyAdd(isum, scale, even);
            else odd = MathF.FusedMultiplyAdd(isum, scale, odd);
        }
        return even + odd;
    }

    /// <summary>ggml's reference Q8_0 quantization of the activations (codes and f16 scales).</summary>
    private static (sbyte[] Codes, float[] Scales) Q8_0Reference(ReadOnlySpan<float> x)
    {
        var blocks = new byte[x.Length / 32 * 34];
        Quantizer.QuantizeRow(GgmlType.Q8_0, x, blocks);
        var codes = new sbyte[x.Length];
        var scales = new float[x.Length / 32];
        for (int b = 0; b < scales.Length; b++)
        {
            scales[b] = (float)BitConverter.UInt16BitsToHalf((ushort)(blocks[34 * b] | blocks[34 * b + 1] << 8));
            for (int j = 0; j < 32; j++) codes[32 * b + j] = (sbyte)blocks[34 * b + 2 + j];
        }
        return (codes, scales);
    }

    private static float[] Run(TensorView view, KernelPath path, float[] x, int tokens, int begin, int end)
    {
        int n = view.RowLength, rows = (int)view.RowCount;
        return RowProductHarness.Run(GgmlType.Q8_0, x, tokens, n, rows, (a, y) =>
            InterleavedQ8_0Products.MultiplyRows(path, (byte*)view.Address, view.RowBytes, begin, end, a, tokens, y, rows, n));
    }
}
