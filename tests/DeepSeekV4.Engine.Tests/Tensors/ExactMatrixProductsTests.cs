using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Formats;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Tests.Tensors;

/// <summary>
/// The float path of the Reference and Float numerics (MatMul with exact, i.e. <see cref="FloatProducts"/>): ggml's own
/// dequantization of the fixture weights dotted with the activations as they are (not quantized), within the
/// float-rounding bound of any summation order, for one token (decode), full groups of four and eight and groups with a remainder,
/// on the selected SIMD path and on the portable one.
/// </summary>
public class ExactMatrixProductsTests
{
    [Theory]
    [MemberData(nameof(MatrixProductsTests.Shapes), MemberType = typeof(MatrixProductsTests))]
    public void Exact_products_equal_dequantize_then_dot_on_the_unquantized_activations(string tensor, int width, int rows)
    {
        using var file = GgufFile.Open(GgmlQuantsFixture.PathOf("normal.gguf"));
        var weight = MatrixProductsTests.Reshape(file, tensor, width, rows);
        var w = GgmlQuantsFixture.ReadFloats(tensor == "source" ? "normal.source.f32" : $"normal.{tensor}.dequant.f32");
        foreach (int tokens in new[] { 1, 3, 4, 7, 8, 11 })
        {
            var x = Enumerable.Range(0, 4).SelectMany(seed => MatrixProductsTests.Activations(width, 1234 + seed)).Take(tokens).SelectMany(a => a).ToArray();
            var y = new float[tokens * rows];
            MatrixProducts.MatMul(weight, x, tokens, y, exact: true);
            AssertWithinBound(y, w, x, tokens, width, rows, $"{tensor} [{width}×{rows}] {KernelIsa.Selected} {tokens} tokens");
            var portable = new float[tokens * rows];
            Portable(weight, x, tokens, portable);
            AssertWithinBound(portable, w, x, tokens, width, rows, $"{tensor} [{width}×{rows}] portable {tokens} tokens");
        }
    }

    private static unsafe void Portable(TensorView weight, float[] x, int tokens, float[] y)
    {
        fixed (float* px = x)
        fixed (float* py = y)
            FloatProducts.MultiplyRows(Dequantizer.FormatOf(weight.Type), KernelPath.Portable, (byte*)weight.Address, weight.RowBytes, 0, (int)weight.RowCount,
                px, tokens, py, (int)weight.RowCount, weight.RowLength);
    }

    private static void AssertWithinBound(float[] y, float[] w, float[] x, int tokens, int width, int rows, string what)
    {
        for (int t = 0; t < tokens; t++)
            for (int r = 0; r < rows; r++)
            {
                var (exact, bound) = MatrixProductsTests.ReferenceDot(w.AsSpan(r * width, width), x.AsSpan(t * width, width));
                Assert.True(Math.Abs(y[t * rows + r] - exact) <= bound, $"{what}, token {t} row {r}: {y[t * rows + r]:R} vs exact {exact:R}, allowed {bound:G3}");
            }
    }
}
