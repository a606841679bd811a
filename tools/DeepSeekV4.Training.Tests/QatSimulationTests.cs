using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Training.Model;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Tests;

/// <summary>The torch QAT roundings against the engine's scalar implementations (an independent path).</summary>
public class QatSimulationTests
{
    private static float[] Values(int count, int seed)
    {
        var rng = new Random(seed);
        var v = new float[count];
        for (int i = 0; i < count; i++)
        {
            // Blocks of very different scales, exact zeros and values on rounding midpoints.
            double scale = Math.Pow(2, (i / 64 % 13) - 6);
            v[i] = i % 17 == 0 ? 0f : (float)((rng.NextDouble() * 2 - 1) * scale);
        }
        v[5] = 0.5f * MathF.ScaleB(1f, -8);
        return v;
    }

    [Fact]
    public void Fp8RoundingEqualsTheEngines()
    {
        TestSupport.Init();
        var v = Values(64 * 40, 1);
        var expected = (float[])v.Clone();
        Fp8E4M3.Simulate(expected, 64);
        var actual = QatSimulation.Fp8(tensor(v, [40, 64])).data<float>().ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Fp4RoundingEqualsTheEngines()
    {
        TestSupport.Init();
        var v = Values(32 * 80, 2);
        var expected = (float[])v.Clone();
        Fp4E2M1.Simulate(expected, 32);
        var actual = QatSimulation.Fp4(tensor(v, [80, 32])).data<float>().ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void HadamardMatrixEqualsTheEnginesTransform()
    {
        TestSupport.Init();
        var v = Values(128, 3);
        var expected = (float[])v.Clone();
        HadamardTransform.Apply(expected);
        var actual = tensor(v, [1, 128]).matmul(QatSimulation.Hadamard(128)).data<float>().ToArray();
        for (int i = 0; i < v.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6, $"element {i}: {actual[i]} vs {expected[i]}");
    }

    [Fact]
    public void RoundingPassesTheGradientStraightThrough()
    {
        TestSupport.Init();
        var x = tensor(Values(64, 4), [1, 64]).requires_grad_(true);
        QatSimulation.Fp8(x).sum().backward();
        Assert.All(x.grad!.data<float>().ToArray(), g => Assert.Equal(1f, g));
    }
}
