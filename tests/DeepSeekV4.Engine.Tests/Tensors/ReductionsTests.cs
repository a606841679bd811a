using System.Numerics.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Tests.Tensors;

/// <summary>
/// The engine's own reductions against sums in double precision: a float sum of n terms in any order is within
/// n·2⁻²⁴·Σ|terms| of the exact sum (each addition rounds once, by at most half an ulp of a partial sum no larger than
/// Σ|terms|); the exponential against TensorPrimitives.Exp within 2 ulp.
/// </summary>
public class ReductionsTests
{
    public static TheoryData<int> Lengths => [0, 1, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 127, 128, 129, 448, 1000, 4099];

    private static float[] Random(int n, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale)];
    }

    private static void Within(double exact, double magnitude, int n, float actual)
    {
        double bound = Math.Max(1, n) * Math.Pow(2, -24) * magnitude + 1e-30;
        Assert.True(Math.Abs(actual - exact) <= bound, $"n={n}: {actual} vs exact {exact} (bound {bound})");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Dot_is_within_float_rounding_of_the_exact_sum(int n)
    {
        var x = Random(n, n + 1, 3f);
        var y = Random(n, n + 2, 5f);
        double exact = 0, magnitude = 0;
        for (int i = 0; i < n; i++)
        {
            exact += (double)x[i] * y[i];
            magnitude += Math.Abs((double)x[i] * y[i]);
        }
        Within(exact, magnitude, n, Reductions.Dot(x, y));
        Within(exact, magnitude, n, TensorPrimitives.Dot(x, y));   // the bound holds for the library too: it is the right bound
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sum_and_sum_of_squares_are_within_float_rounding(int n)
    {
        var x = Random(n, n + 3, 7f);
        double sum = 0, magnitude = 0, squares = 0;
        foreach (float v in x)
        {
            sum += v;
            magnitude += Math.Abs(v);
            squares += (double)v * v;
        }
        Within(sum, magnitude, n, Reductions.Sum(x));
        Within(squares, squares, n, Reductions.SumOfSquares(x));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Exp_matches_the_library_within_two_ulp_in_place_or_not(int n)
    {
        var x = Random(n, n + 4, 30f);
        if (n > 3) (x[0], x[1], x[2]) = (-200f, 0f, 88f);
        var expected = new float[n];
        TensorPrimitives.Exp(x, expected);
        var actual = new float[n];
        Reductions.Exp(x, actual);
        Reductions.Exp(x, x);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(actual[i], x[i]);
            int ulps = Math.Abs(BitConverter.SingleToInt32Bits(actual[i]) - BitConverter.SingleToInt32Bits(expected[i]));
            Assert.True(ulps <= 2, $"exp at {i}: {actual[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void Dot_refuses_spans_of_different_lengths() =>
        Assert.Throws<ArgumentException>(() => Reductions.Dot(new float[3], new float[4]));
}
