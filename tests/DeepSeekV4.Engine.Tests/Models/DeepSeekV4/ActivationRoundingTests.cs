using global::DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>
/// The Reference numerics' FP8 activation rounding, by its definition: each block of 128 values of a row gets a
/// power-of-two scale that brings its largest magnitude within e4m3's range (≤ 448), and every value becomes the
/// nearest e4m3 number times that scale — so at most 2⁻⁴ relative error for values in e4m3's normal range, zeros stay
/// zero, rounding twice is rounding once, and blocks do not influence each other.
/// </summary>
public class ActivationRoundingTests
{
    private static float[] Row(int n, int seed, float scale)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale)];
    }

    [Theory]
    [InlineData(128, 1f)]
    [InlineData(300, 1e-3f)]
    [InlineData(256, 5e4f)]
    [InlineData(32, 7f)]
    public void Each_value_is_within_e4m3_precision_of_its_block_and_rounding_is_idempotent(int n, float scale)
    {
        var x = Row(n, n, scale);
        x[0] = 0f;
        var once = (float[])x.Clone();
        ActivationRounding.RoundInPlace(once, 1, n);
        for (int b = 0; b < n; b += ActivationRounding.BlockSize)
        {
            int end = Math.Min(n, b + ActivationRounding.BlockSize);
            float max = x[b..end].Max(MathF.Abs);
            for (int i = b; i < end; i++)
            {
                // Values far below the block's maximum fall into e4m3's subnormals: absolute error ≤ half their spacing.
                float allowed = Math.Max(MathF.Abs(x[i]) / 16f, max / 448f * MathF.Pow(2, -9) * 1.0001f);
                Assert.True(MathF.Abs(once[i] - x[i]) <= allowed, $"n={n} value {i}: {x[i]} → {once[i]} (max {max})");
            }
        }
        Assert.Equal(0f, once[0]);
        var twice = (float[])once.Clone();
        ActivationRounding.RoundInPlace(twice, 1, n);
        Assert.Equal(once, twice);
    }

    [Fact]
    public void Blocks_and_rows_are_rounded_independently()
    {
        var x = Row(2 * 256, 9, 1f);
        var alone = x[..128].ToArray();
        ActivationRounding.RoundInPlace(alone, 1, 128);
        x[130] = 1e6f;        // a huge value in the second block of the first row
        x[256 + 5] = -1e6f;   // and in the second row
        ActivationRounding.RoundInPlace(x, 2, 256);
        Assert.Equal(alone, x[..128]);
    }
}
