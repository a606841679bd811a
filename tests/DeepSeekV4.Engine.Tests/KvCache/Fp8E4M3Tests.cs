using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Tests.KvCache;

public class Fp8E4M3Tests
{
    [Theory]
    [InlineData(0x00, 0f)]
    [InlineData(0x01, 0.001953125f)]        // smallest subnormal 2^-9
    [InlineData(0x07, 0.013671875f)]        // 7 · 2^-9
    [InlineData(0x08, 0.015625f)]           // smallest normal 2^-6
    [InlineData(0x38, 1f)]                  // exponent 7 (bias 7), mantissa 0
    [InlineData(0x3C, 1.5f)]
    [InlineData(0x7E, 448f)]                // largest finite
    [InlineData(0xBC, -1.5f)]
    public void CodesDecodeToTheE4M3Values(int code, float value) => Assert.Equal(value, Fp8E4M3.Decode((byte)code));

    [Fact]
    public void EveryFiniteCodeRoundTrips()
    {
        for (int c = 0; c < 256; c++)
        {
            if ((c & 0x7F) == 0x7F) continue;   // NaN
            float v = Fp8E4M3.Decode((byte)c);
            byte back = Fp8E4M3.Encode(v);
            Assert.Equal(v, Fp8E4M3.Decode(back));
        }
    }

    [Theory]
    [InlineData(1.0625f, 1f)]       // halfway between 1 and 1.125: ties to even (mantissa 0)
    [InlineData(1.1875f, 1.25f)]    // halfway between 1.125 (odd) and 1.25 (even)
    [InlineData(1.07f, 1.125f)]
    [InlineData(0.0009765625f, 0f)] // half the smallest subnormal: to even (0)
    [InlineData(0.0029296875f, 0.00390625f)] // 1.5 · 2^-9 → 2 · 2^-9
    [InlineData(460f, 448f)]        // beyond the range: saturates (the reference clamps first)
    [InlineData(-300f, -288f)]      // 288 and 320 are neighbours; 300 is nearer 288
    public void EncodingRoundsToNearestEven(float x, float expected) => Assert.Equal(expected, Fp8E4M3.Decode(Fp8E4M3.Encode(x)));

    [Fact]
    public void SimulationUsesAPowerOfTwoScaleFromTheBlockMaximum()
    {
        // amax 100 → scale 2^ceil(log2(100/448)) = 2^-2; 100 / 0.25 = 400 → e4m3 400 (exponent 8: step 32 → 384 or 416; 400 ties to 384? no: 400 = 12.5·32 → even 12 → 384).
        var block = new float[64];
        block[0] = 100f;
        block[1] = 0.3f;     // 0.3 / 0.25 = 1.2 → 1.25 → 0.3125
        block[2] = -0.001f;  // 0.004 → subnormal multiple of 2^-9: 0.00390625 → −0.0009765625
        Fp8E4M3.Simulate(block, 64);
        Assert.Equal(96f, block[0]);
        Assert.Equal(0.3125f, block[1]);
        Assert.Equal(-0.0009765625f, block[2]);
        Assert.Equal(0f, block[3]);
    }

    [Fact]
    public void SimulationIsIdempotentAndEqualsQuantizeThenDequantize()
    {
        var rng = new Random(7);
        var x = Enumerable.Range(0, 448).Select(_ => (float)(rng.NextDouble() * 8 - 4) * MathF.Pow(2, rng.Next(-12, 6))).ToArray();
        var once = (float[])x.Clone();
        Fp8E4M3.Simulate(once, 64);
        var twice = (float[])once.Clone();
        Fp8E4M3.Simulate(twice, 64);
        Assert.Equal(once, twice);
        var codes = new byte[64];
        var back = new float[64];
        for (int b = 0; b < 7; b++)
        {
            int k = Fp8E4M3.QuantizeBlock(x.AsSpan(b * 64, 64), codes);
            Fp8E4M3.DequantizeBlock(codes, k, back);
            Assert.Equal(once.AsSpan(b * 64, 64).ToArray(), back);
        }
    }
}
