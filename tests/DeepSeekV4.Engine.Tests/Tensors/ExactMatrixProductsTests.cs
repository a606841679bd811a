using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Tensors;

/// <summary>
/// The float path of the Reference numerics (MatMul with exact): ggml's own dequantization of the fixture weights
/// dotted with the activations as they are (not quantized), within the float-rounding bound of any summation order.
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
        const int tokens = 3;
        var x = MatrixProductsTests.Activations(width).SelectMany(a => a).ToArray();
        var y = new float[tokens * rows];
        MatrixProducts.MatMul(weight, x, tokens, y, exact: true);
        for (int t = 0; t < tokens; t++)
            for (int r = 0; r < rows; r++)
            {
                var (exact, bound) = MatrixProductsTests.ReferenceDot(w.AsSpan(r * width, width), x.AsSpan(t * width, width));
                Assert.True(Math.Abs(y[t * rows + r] - exact) <= bound,
                    $"{tensor} [{width}×{rows}] token {t} row {r}: {y[t * rows + r]:R} vs exact {exact:R}, allowed {bound:G3}");
            }
    }
}
