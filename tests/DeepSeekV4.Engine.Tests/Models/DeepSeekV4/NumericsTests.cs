using global::DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>Small-math building blocks against properties stated in reference §5.</summary>
public class NumericsTests
{
    [Fact]
    public void YarnKeepsHighFrequenciesAndDividesLowOnesByTheFactor()
    {
        // Reference §5.4 for base 160000, factor 16, original 65536, betas 32/1: lo = 15, hi = 25.
        var plain = new RotaryEmbedding(64, 160000f);
        var yarn = new RotaryEmbedding(64, 160000f, 65536, 16f, 32f, 1f);
        for (int i = 0; i <= 15; i++) Assert.Equal(plain.Frequencies[i], yarn.Frequencies[i]);
        for (int i = 25; i < 32; i++) Assert.Equal(plain.Frequencies[i] / 16f, yarn.Frequencies[i], plain.Frequencies[i] * 1e-6f);
        for (int i = 16; i < 25; i++)
        {
            float ramp = (i - 15) / 10f;
            Assert.Equal(plain.Frequencies[i] * (1 - ramp) + plain.Frequencies[i] / 16f * ramp, yarn.Frequencies[i], plain.Frequencies[i] * 1e-5f);
        }
        Assert.Equal(1f, plain.Frequencies[0]);
        Assert.Equal(MathF.Pow(160000f, -62f / 64f), plain.Frequencies[31], 1e-9f);
    }

    [Fact]
    public void InverseRotationUndoesTheRotation()
    {
        var rope = new RotaryEmbedding(64, 10000f);
        var cos = new float[32];
        var sin = new float[32];
        rope.Angles(1234, cos, sin);
        var x = Enumerable.Range(0, 64).Select(i => MathF.Sin(i + 1f)).ToArray();
        var y = (float[])x.Clone();
        RotaryEmbedding.Rotate(y, cos, sin);
        Assert.Equal(x[0] * cos[0] - x[1] * sin[0], y[0], 1e-6f);
        RotaryEmbedding.Rotate(y, cos, sin, inverse: true);
        for (int i = 0; i < 64; i++) Assert.Equal(x[i], y[i], 1e-5f);
    }

    [Fact]
    public void HadamardIsOrthonormalAndSelfInverse()
    {
        var x = Enumerable.Range(0, 128).Select(i => MathF.Cos(i * 0.37f)).ToArray();
        var y = (float[])x.Clone();
        HadamardTransform.Apply(y);
        Assert.Equal(System.Numerics.Tensors.TensorPrimitives.Norm(x), System.Numerics.Tensors.TensorPrimitives.Norm(y), 1e-4f);
        // Row 1 of the Sylvester matrix alternates signs: y[1] = Σ (−1)^i x[i] / sqrt(128).
        Assert.Equal(x.Select((v, i) => i % 2 == 0 ? v : -v).Sum() / MathF.Sqrt(128), y[1], 1e-4f);
        HadamardTransform.Apply(y);
        for (int i = 0; i < 128; i++) Assert.Equal(x[i], y[i], 1e-5f);
    }

    [Fact]
    public void SinkhornMakesRowsAndColumnsSumToOne()
    {
        var m = new float[] { 3, 0, -1, 2, 0.5f, 1, 1, 1, -2, 4, 0, 1, 1, 1, 2, -3 };
        HyperConnection.Sinkhorn(m, 4, 20, 1e-6f);
        for (int k = 0; k < 4; k++) Assert.Equal(1f, m[k] + m[4 + k] + m[8 + k] + m[12 + k], 1e-4f);
        for (int j = 0; j < 4; j++) Assert.Equal(1f, m[4 * j] + m[4 * j + 1] + m[4 * j + 2] + m[4 * j + 3], 1e-3f);
    }

    [Fact]
    public void SqrtSoftplusFollowsPyTorchsThreshold()
    {
        Assert.Equal(MathF.Sqrt(MathF.Log(2f)), MixtureOfExperts.SqrtSoftplus(0f), 1e-6f);
        Assert.Equal(MathF.Sqrt(25f), MixtureOfExperts.SqrtSoftplus(25f));
        Assert.Equal(MathF.Sqrt(MathF.Log(1 + MathF.Exp(-5f))), MixtureOfExperts.SqrtSoftplus(-5f), 1e-6f);
    }
}
