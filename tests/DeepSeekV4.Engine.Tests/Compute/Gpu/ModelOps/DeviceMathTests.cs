using DeepSeekV4.Engine.Compute.Gpu.Kernels;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>
/// The device's double-precision exp, ln, sin and cos (run here as plain C#) against the C library's: relative error
/// within 8·2^-53 (sin/cos: absolute, the reduction of |x| &lt; 10^6 adds |x|·2^-86). Their float roundings then equal
/// the CPU's MathF results except next to a rounding tie, which the float tests check within one ulp.
/// </summary>
public sealed class DeviceMathTests
{
    private static readonly double Ulp = Math.ScaleB(1.0, -53);

    [Fact]
    public void ExpMatchesTheCLibrary()
    {
        var random = new Random(3);
        var xs = Enumerable.Range(0, 20_000).Select(_ => (random.NextDouble() - 0.5) * 1400).Concat([0, -0.0, 1e-300, 709.7, -745, 88.7, -103, 20, 0.5 * Math.Log(2)]);
        foreach (double x in xs)
        {
            double expected = Math.Exp(x), actual = DeviceMath.Exp(x);
            Assert.True(Math.Abs(actual - expected) <= 8 * Ulp * expected + double.Epsilon, $"exp({x:R}) = {actual:R}, expected {expected:R}");
        }
        Assert.Equal(double.PositiveInfinity, DeviceMath.Exp(710));
        Assert.Equal(0.0, DeviceMath.Exp(-746));
        Assert.True(double.IsNaN(DeviceMath.Exp(double.NaN)));
    }

    [Fact]
    public void LogMatchesTheCLibrary()
    {
        var random = new Random(4);
        var xs = Enumerable.Range(0, 20_000).Select(_ => Math.Exp((random.NextDouble() - 0.5) * 1400))
            .Concat([1, 1 + 1e-15, 2, Math.Sqrt(2), 1e-310, double.MaxValue, 1 + Math.Exp(20)]);
        foreach (double x in xs)
        {
            double expected = Math.Log(x), actual = DeviceMath.Log(x);
            Assert.True(Math.Abs(actual - expected) <= 8 * Ulp * Math.Abs(expected) + 4 * Ulp * Ulp, $"ln({x:R}) = {actual:R}, expected {expected:R}");
        }
        Assert.Equal(double.NegativeInfinity, DeviceMath.Log(0));
        Assert.True(double.IsNaN(DeviceMath.Log(-1)));
    }

    [Fact]
    public void SinCosMatchTheCLibrary()
    {
        var random = new Random(5);
        var xs = Enumerable.Range(0, 20_000).Select(i => i % 2 == 0 ? (random.NextDouble() - 0.5) * 20 : random.NextDouble() * 1e6)
            .Concat([0, Math.PI / 4, Math.PI / 2, Math.PI, 1e6, -1e6, 524288 * 3.0]);
        foreach (double x in xs)
        {
            DeviceMath.SinCos(x, out double s, out double c);
            double tolerance = 8 * Ulp + Math.Abs(x) * Math.ScaleB(1.0, -86);
            Assert.True(Math.Abs(s - Math.Sin(x)) <= tolerance, $"sin({x:R}) = {s:R}, expected {Math.Sin(x):R}");
            Assert.True(Math.Abs(c - Math.Cos(x)) <= tolerance, $"cos({x:R}) = {c:R}, expected {Math.Cos(x):R}");
        }
    }
}
