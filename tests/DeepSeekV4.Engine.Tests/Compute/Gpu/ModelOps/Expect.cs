namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>Comparisons of device results with the CPU's: bit for bit, or within a stated absolute tolerance.</summary>
internal static class Expect
{
    /// <summary>u = 2^-24, the unit roundoff of float32.</summary>
    public static readonly double U = Math.ScaleB(1.0, -24);

    public static void SameBits(float[] expected, float[] actual, string label)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{label}[{i}]: {actual[i]:R} (0x{BitConverter.SingleToUInt32Bits(actual[i]):X8}), expected {expected[i]:R} (0x{BitConverter.SingleToUInt32Bits(expected[i]):X8})");
    }

    public static void Within(double expected, float actual, double tolerance, string label)
    {
        Assert.True(float.IsFinite(actual), $"{label}: {actual}");
        Assert.True(Math.Abs(actual - expected) <= tolerance, $"{label}: {actual:R}, expected {expected:R} (|Δ| {Math.Abs(actual - expected):E3} > {tolerance:E3})");
    }

    /// <summary>One float32 ulp of |x| (the spacing above it).</summary>
    public static double Ulp(float x) => MathF.BitIncrement(MathF.Abs(x)) - MathF.Abs(x);

    public static float[] Gaussian(Random random, int n, float scale = 1f) =>
        [.. Enumerable.Range(0, n).Select(_ => global::DeepSeekV4.Engine.Tensors.SyntheticBlocks.Gaussian(random) * scale)];
}
