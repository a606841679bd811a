using System.Numerics.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Tests.Tensors.Kernels;

/// <summary>
/// <see cref="Elementwise"/> against System.Numerics.Tensors' TensorPrimitives, bit for bit, on random data and on
/// edge values (NaN, ±0, ±∞, subnormals, the extremes), at lengths around every vector width, in place and not.
/// The 256-bit path runs where AVX-512 is off (DOTNET_EnableAVX512F=0).
/// </summary>
public class ElementwiseTests
{
    private static readonly int[] Lengths = [.. Enumerable.Range(0, 40), 63, 64, 65, 127, 128, 129, 255, 1000, 4099];

    private static readonly float[] Edges =
    [
        float.NaN, -float.NaN, 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon,
        1e-40f, -1e-40f, float.MaxValue, float.MinValue, 1f, -1f, 10f, -10f, 3.4e38f, 1e-38f, 0.5f, -2.5f,
    ];

    private static float[] Data(int n, int seed, bool edges)
    {
        var random = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = edges && random.Next(3) == 0 ? Edges[random.Next(Edges.Length)] : (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 7)));
        return x;
    }

    private static IEnumerable<(float[] X, float[] Y, float[] Z, float S)> Cases()
    {
        int seed = 1;
        foreach (int n in Lengths)
            foreach (bool edges in new[] { false, true })
                foreach (float s in edges ? Edges : [0.37f, -1234.5f])
                {
                    yield return (Data(n, seed++, edges), Data(n, seed++, edges), Data(n, seed++, edges), s);
                    if (!edges) break;
                }
    }

    private static void Same(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: length {expected.Length}, index {i}: TensorPrimitives {expected[i]:R} (0x{BitConverter.SingleToInt32Bits(expected[i]):X8}), ours {actual[i]:R} (0x{BitConverter.SingleToInt32Bits(actual[i]):X8})");
    }

    private delegate void Op(float[] x, float[] y, float[] z, float s, Span<float> destination);

    /// <summary>Runs both into a fresh destination and in place over a copy of x.</summary>
    private static void Compare(string what, Op theirs, Op ours)
    {
        foreach (var (x, y, z, s) in Cases())
        {
            var expected = new float[x.Length];
            var actual = new float[x.Length];
            theirs(x, y, z, s, expected);
            ours(x, y, z, s, actual);
            Same(expected, actual, what);
            var inPlace = (float[])x.Clone();
            ours(inPlace, y, z, s, inPlace);
            Same(expected, inPlace, what + " in place");
        }
    }

    [Fact]
    public void MultiplyByScalarIsBitIdentical() =>
        Compare("Multiply(x, s)", (x, _, _, s, d) => TensorPrimitives.Multiply(x, s, d), (x, _, _, s, d) => Elementwise.Multiply(x, s, d));

    [Fact]
    public void MultiplyIsBitIdentical() =>
        Compare("Multiply(x, y)", (x, y, _, _, d) => TensorPrimitives.Multiply(x, y, d), (x, y, _, _, d) => Elementwise.Multiply(x, y, d));

    [Fact]
    public void AddScalarIsBitIdentical() =>
        Compare("Add(x, s)", (x, _, _, s, d) => TensorPrimitives.Add(x, s, d), (x, _, _, s, d) => Elementwise.Add(x, s, d));

    [Fact]
    public void AddIsBitIdentical() =>
        Compare("Add(x, y)", (x, y, _, _, d) => TensorPrimitives.Add(x, y, d), (x, y, _, _, d) => Elementwise.Add(x, y, d));

    [Fact]
    public void SubtractScalarIsBitIdentical() =>
        Compare("Subtract(x, s)", (x, _, _, s, d) => TensorPrimitives.Subtract(x, s, d), (x, _, _, s, d) => Elementwise.Subtract(x, s, d));

    [Fact]
    public void SubtractIsBitIdentical() =>
        Compare("Subtract(x, y)", (x, y, _, _, d) => TensorPrimitives.Subtract(x, y, d), (x, y, _, _, d) => Elementwise.Subtract(x, y, d));

    [Fact]
    public void DivideByScalarIsBitIdentical() =>
        Compare("Divide(x, s)", (x, _, _, s, d) => TensorPrimitives.Divide(x, s, d), (x, _, _, s, d) => Elementwise.Divide(x, s, d));

    [Fact]
    public void DivideIsBitIdentical() =>
        Compare("Divide(x, y)", (x, y, _, _, d) => TensorPrimitives.Divide(x, y, d), (x, y, _, _, d) => Elementwise.Divide(x, y, d));

    [Fact]
    public void MultiplyAddScalarIsBitIdentical() =>
        Compare("MultiplyAdd(x, s, z)", (x, _, z, s, d) => TensorPrimitives.MultiplyAdd(x, s, z, d), (x, _, z, s, d) => Elementwise.MultiplyAdd(x, s, z, d));

    [Fact]
    public void MultiplyAddIsBitIdentical() =>
        Compare("MultiplyAdd(x, y, z)", (x, y, z, _, d) => TensorPrimitives.MultiplyAdd(x, y, z, d), (x, y, z, _, d) => Elementwise.MultiplyAdd(x, y, z, d));

    [Fact]
    public void MinScalarIsBitIdentical() =>
        Compare("Min(x, s)", (x, _, _, s, d) => TensorPrimitives.Min(x, s, d), (x, _, _, s, d) => Elementwise.Min(x, s, d));

    [Fact]
    public void MaxIsBitIdentical() =>
        Compare("Max(x, y)", (x, y, _, _, d) => TensorPrimitives.Max(x, y, d), (x, y, _, _, d) => Elementwise.Max(x, y, d));

    [Fact]
    public void ClampIsBitIdentical()
    {
        foreach (var (lo, hi) in new[] { (-10f, 10f), (0f, 1f), (-0f, 0f), (-1f, -0f), (-3.5f, 3.5f), (float.NegativeInfinity, 0f) })
            Compare($"Clamp(x, {lo}, {hi})", (x, _, _, _, d) => TensorPrimitives.Clamp(x, lo, hi, d), (x, _, _, _, d) => Elementwise.Clamp(x, lo, hi, d));
    }

    [Fact]
    public void MaxAndMaxMagnitudeReductionsAreBitIdentical()
    {
        foreach (var (x, _, _, _) in Cases())
        {
            if (x.Length == 0)
            {
                Assert.Throws<ArgumentException>(() => Elementwise.Max(x));
                continue;
            }
            Same([TensorPrimitives.Max(x)], [Elementwise.Max(x)], "Max");
            Same([TensorPrimitives.MaxMagnitude(x)], [Elementwise.MaxMagnitude(x)], "MaxMagnitude");
        }
    }

    [Fact]
    public void MaxAndMaxMagnitudeSettleTiesAndZerosLikeTensorPrimitives()
    {
        float[][] cases =
        [
            [-0f, 0f], [0f, -0f], [-3f, 3f], [3f, -3f], [-0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, 0f],
            [.. Enumerable.Repeat(-5f, 33), 5f], [.. Enumerable.Repeat(5f, 33), -5f], [.. Enumerable.Repeat(-0f, 40)],
            [1f, float.NaN, 2f], [.. Enumerable.Repeat(1f, 20), float.NaN], [float.NegativeInfinity, float.PositiveInfinity],
        ];
        foreach (var x in cases)
        {
            Same([TensorPrimitives.Max(x)], [Elementwise.Max(x)], "Max");
            Same([TensorPrimitives.MaxMagnitude(x)], [Elementwise.MaxMagnitude(x)], "MaxMagnitude");
        }
    }

    [Fact]
    public void HalfToSingleIsBitIdenticalForEveryHalf()
    {
        var all = new Half[65536 + 13];
        for (int i = 0; i < all.Length; i++) all[i] = BitConverter.UInt16BitsToHalf((ushort)(i * 40503));
        for (int i = 0; i < 65536; i++) all[i] = BitConverter.UInt16BitsToHalf((ushort)i);
        foreach (int n in Lengths.Append(all.Length))
        {
            var expected = new float[n];
            var actual = new float[n];
            TensorPrimitives.ConvertToSingle(all.AsSpan(all.Length - n), expected);
            Elementwise.ConvertToSingle(all.AsSpan(all.Length - n), actual);
            Same(expected, actual, "ConvertToSingle");
        }
    }
}
