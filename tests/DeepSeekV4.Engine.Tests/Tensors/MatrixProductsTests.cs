using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Tensors;

public class MatrixProductsTests
{
    /// <summary>Shapes per tensor: the fixture's own, one row, and an odd width and odd row count.</summary>
    public static TheoryData<string, int, int> Shapes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var (tensor, type) in GgmlQuantsFixture.Tensors.Append(("source", GgmlType.F32)))
        {
            int bs = GgmlTypeInfo.Of(type).BlockSize;
            data.Add(tensor, 512, 16);
            data.Add(tensor, 512, 1);
            data.Add(tensor, bs == 1 ? 37 : bs * 3, bs == 256 ? 3 : 7);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatVecEqualsDequantizeThenDotWithinFloatRounding(string tensor, int width, int rows)
    {
        using var file = GgufFile.Open(GgmlQuantsFixture.PathOf("normal.gguf"));
        var weight = Reshape(file, tensor, width, rows);
        // ggml's own dequantization of these bytes (the flattened element order does not depend on the shape).
        var w = GgmlQuantsFixture.ReadFloats(tensor == "source" ? "normal.source.f32" : $"normal.{tensor}.dequant.f32");
        foreach (var x in Activations(width))
        {
            var y = new float[rows];
            MatrixProducts.MatVec(weight, x, y);
            var xSeen = ActivationAsKernelSeesIt(weight.Type, x);
            for (int r = 0; r < rows; r++)
            {
                var (exact, bound) = ReferenceDot(w.AsSpan(r * width, width), xSeen);
                Assert.True(Math.Abs(y[r] - exact) <= bound,
                    $"{tensor} [{width}×{rows}] row {r}: {y[r]:R} vs exact {exact:R}, allowed error {bound:G3}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMulEqualsMatVecPerToken(string tensor, int width, int rows)
    {
        using var file = GgufFile.Open(GgmlQuantsFixture.PathOf("outliers.gguf"));
        var weight = Reshape(file, tensor, width, rows);
        var xs = Activations(width).ToArray();
        var x = xs.SelectMany(v => v).ToArray();
        var y = new float[xs.Length * rows];
        MatrixProducts.MatMul(weight, x, xs.Length, y);
        for (int t = 0; t < xs.Length; t++)
        {
            var expected = new float[rows];
            MatrixProducts.MatVec(weight, xs[t], expected);
            Assert.Equal(expected, y.AsSpan(t * rows, rows).ToArray());
        }
    }

    [Fact]
    public void RowRangeWritesOnlyThoseRowsAndMatchesTheWholeProduct()
    {
        using var file = GgufFile.Open(GgmlQuantsFixture.PathOf("normal.gguf"));
        var weight = file.GetTensorView("q4_k");
        var x = Activations(512).First();
        var whole = new float[16];
        MatrixProducts.MatVec(weight, x, whole);
        var part = Enumerable.Repeat(float.NaN, 16).ToArray();
        MatrixProducts.MatVec(weight, x, part, 5, 7);
        for (int r = 0; r < 16; r++)
        {
            if (r is >= 5 and < 12) Assert.Equal(whole[r], part[r]);
            else Assert.True(float.IsNaN(part[r]));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => MatrixProducts.MatVec(weight, x, part, 10, 7));
    }

    [Fact]
    public void ShapeMismatchNamesTheTensorAndTheNumbers()
    {
        using var file = GgufFile.Open(GgmlQuantsFixture.PathOf("normal.gguf"));
        var weight = file.GetTensorView("q8_0");
        var e = Assert.Throws<ArgumentException>(() => MatrixProducts.MatVec(weight, new float[511], new float[16]));
        Assert.Contains("q8_0", e.Message);
        Assert.Contains("511", e.Message);
        e = Assert.Throws<ArgumentException>(() => MatrixProducts.MatMul(weight, new float[1024], 2, new float[31]));
        Assert.Contains("31", e.Message);
    }

    [Fact]
    public void ProductsAllocateNothingAfterWarmUp()
    {
        using var file = GgufFile.Open(GgmlQuantsFixture.PathOf("normal.gguf"));
        var x = Activations(512).First();
        var xs = new float[3 * 512];
        for (int t = 0; t < 3; t++) x.CopyTo(xs, t * 512);
        var y = new float[3 * 16];
        foreach (var (tensor, _) in GgmlQuantsFixture.Tensors.Append(("source", GgmlType.F32)))
        {
            var weight = file.GetTensorView(tensor);
            MatrixProducts.MatVec(weight, x, y);
            MatrixProducts.MatMul(weight, xs, 3, y);
            long allocated = AllocationProbe.LeastBytesAllocated(() =>
            {
                MatrixProducts.MatVec(weight, x, y);
                MatrixProducts.MatMul(weight, xs, 3, y);
            });
            Assert.True(allocated == 0, $"{tensor}: products allocated {allocated} bytes");
        }
    }

    [Fact]
    public void ActivationPartnersAreGgmlVecDotTypes()
    {
        // ggml's CPU vec_dot_type: Q8_0 for the 32-element formats, Q8_K for K- and i-quants, the float itself for floats.
        // Formats without a fused kernel here take float32 activations (dequantize-then-dot).
        var expected = new Dictionary<GgmlType, GgmlType>
        {
            [GgmlType.F32] = GgmlType.F32, [GgmlType.F16] = GgmlType.F32, [GgmlType.BF16] = GgmlType.F32,
            [GgmlType.Q8_0] = GgmlType.Q8_0, [GgmlType.Q4_0] = GgmlType.Q8_0, [GgmlType.MXFP4] = GgmlType.Q8_0,
            [GgmlType.Q2_K] = GgmlType.Q8_K, [GgmlType.Q4_K] = GgmlType.Q8_K, [GgmlType.Q5_K] = GgmlType.Q8_K, [GgmlType.Q6_K] = GgmlType.Q8_K,
            [GgmlType.IQ2_XXS] = GgmlType.Q8_K, [GgmlType.IQ2_XS] = GgmlType.Q8_K, [GgmlType.IQ3_XXS] = GgmlType.Q8_K, [GgmlType.IQ4_XS] = GgmlType.Q8_K,
        };
        foreach (var (type, partner) in expected) Assert.Equal(partner, Dequantizer.FormatOf(type).DotActivation);
        foreach (var (_, type) in GgmlQuantsFixture.Tensors)
            Assert.Contains(Dequantizer.FormatOf(type).DotActivation, new[] { GgmlType.F32, GgmlType.Q8_0, GgmlType.Q8_K });
    }

    /// <summary>
    /// x as the kernel multiplies it: float32 itself, or x quantized to the partner encoding by the reference quantizer
    /// and decoded again (both checked byte for byte against ggml elsewhere).
    /// </summary>
    internal static float[] ActivationAsKernelSeesIt(GgmlType weightType, float[] x)
    {
        var partner = Dequantizer.FormatOf(weightType).DotActivation;
        if (partner == GgmlType.F32) return x;
        var bytes = new byte[GgmlTypeInfo.Of(partner).RowBytes(x.Length)];
        Quantizer.QuantizeRow(partner, x, bytes);
        var seen = new float[x.Length];
        Dequantizer.DequantizeRow(partner, bytes, seen);
        return seen;
    }

    /// <summary>The first <paramref name="rows"/> rows of <paramref name="width"/> elements of a fixture tensor's bytes.</summary>
    internal static TensorView Reshape(GgufFile file, string tensor, int width, int rows)
    {
        var info = file.GetTensor(tensor);
        long bytes = rows * GgmlTypeInfo.Of(info.Type).RowBytes(width);
        Assert.True(bytes <= info.ByteSize);
        return new TensorView($"{tensor}[{width}x{rows}]", info.Type, [width, rows], file.GetTensorAddress(info), bytes);
    }

    /// <summary>Seeded activations: Gaussian, Gaussian with large outliers, and sparse with exact zeros.</summary>
    internal static IEnumerable<float[]> Activations(int width, int seed = 1234)
    {
        var random = new Random(seed);
        float Gaussian() => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        yield return Enumerable.Range(0, width).Select(_ => Gaussian()).ToArray();
        yield return Enumerable.Range(0, width).Select(i => i % 17 == 3 ? 300 * Gaussian() : Gaussian()).ToArray();
        yield return Enumerable.Range(0, width).Select(i => i % 5 == 0 ? Gaussian() * 1e-3f : 0f).ToArray();
    }

    /// <summary>
    /// Σ w·x in double (exact enough to be the reference) and the bound any float32 evaluation order meets:
    /// |fl(Σ w·x) − Σ w·x| ≤ γ(n+1)·Σ|w·x| with γ(k) = k·u/(1 − k·u), u = 2^-24 (n products, n − 1 additions).
    /// </summary>
    internal static (double Exact, double Bound) ReferenceDot(ReadOnlySpan<float> w, ReadOnlySpan<float> x)
    {
        double sum = 0, abs = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double p = (double)w[i] * x[i];
            sum += p;
            abs += Math.Abs(p);
        }
        double ku = (w.Length + 1) * Math.Pow(2, -24);
        return (sum, ku / (1 - ku) * abs + float.Epsilon);
    }
}

public class MatrixProductsParallelTests
{
    [Theory]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.Q5_1)]
    public void LargeProductsSplitOverThreadsEqualTheRowByRowKernel(GgmlType type)
    {
        // 1000 rows (not a multiple of the 16-row chunk alignment) of 1024: above the parallel threshold for these types.
        using var buffer = new NativeTensorBuffer("big", type, [1024, 1000]);
        Assert.True(buffer.ByteSize >= MatrixProducts.ParallelThresholdBytes);
        var random = new Random(5);
        SyntheticBlocks.Fill(type, buffer.Bytes, random);
        var x = Enumerable.Range(0, 2 * 1024).Select(_ => SyntheticBlocks.Gaussian(random)).ToArray();
        var format = Dequantizer.FormatOf(type);
        var activation = new byte[GgmlTypeInfo.Of(format.DotActivation).RowBytes(1024)];
        var expected = new float[2 * 1000];
        for (int t = 0; t < 2; t++)
        {
            if (format.DotActivation == GgmlType.F32) System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan(t * 1024, 1024)).CopyTo(activation);
            else Quantizer.QuantizeRow(format.DotActivation, x.AsSpan(t * 1024, 1024), activation);
            for (int r = 0; r < 1000; r++) expected[t * 1000 + r] = format.DotRow(buffer.View.Row(r), activation, 1024);
        }
        var y = new float[2 * 1000];
        MatrixProducts.MatMul(buffer.View, x, 2, y);
        Assert.Equal(expected, y);
        var single = new float[1000];
        MatrixProducts.MatVec(buffer.View, x.AsSpan(1024, 1024), single);
        Assert.Equal(expected.AsSpan(1000, 1000).ToArray(), single);

        Assert.Equal(0, AllocationProbe.LeastBytesAllocated(() =>
        {
            MatrixProducts.MatVec(buffer.View, x.AsSpan(1024, 1024), single);
            MatrixProducts.MatMul(buffer.View, x, 2, y);
        }));
    }
}
