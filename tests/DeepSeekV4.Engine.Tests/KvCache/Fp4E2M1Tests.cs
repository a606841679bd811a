using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Tests.KvCache;

public class Fp4E2M1Tests
{
    [Theory]
    [InlineData(0.25f, 0f)]      // tie between 0 and 0.5 → even (0)
    [InlineData(0.75f, 1f)]      // tie between 0.5 and 1 → even (1)
    [InlineData(1.25f, 1f)]
    [InlineData(1.75f, 2f)]
    [InlineData(2.5f, 2f)]
    [InlineData(3.5f, 4f)]
    [InlineData(5f, 4f)]
    [InlineData(5.1f, 6f)]
    [InlineData(-2.9f, -3f)]
    [InlineData(9f, 6f)]
    public void EncodingRoundsToTheE2M1GridTiesToEven(float x, float expected) => Assert.Equal(expected, Fp4E2M1.Decode(Fp4E2M1.Encode(x)));

    [Fact]
    public void PackedBlocksHoldTheEvenElementInTheLowNibble()
    {
        var x = new float[32];
        x[0] = 6f;     // amax 6 → scale 1
        x[1] = -0.5f;
        var packed = new byte[16];
        int k = Fp4E2M1.QuantizeBlock(x, packed);
        Assert.Equal(0, k);
        Assert.Equal(0x7 | (0x9 << 4), packed[0]);
        var back = new float[32];
        Fp4E2M1.DequantizeBlock(packed, k, back);
        Assert.Equal(x, back);
    }

    [Fact]
    public void SimulationScalesEachBlockByAPowerOfTwo()
    {
        var x = new float[64];
        x[0] = 0.9f;    // block 0: amax 0.9 → scale 2^ceil(log2(0.15)) = 2^-2; 0.9/0.25 = 3.6 → 4 → 1.0
        x[1] = 0.1f;    // 0.4 → 0.5 → 0.125
        x[32] = 100f;   // block 1: scale 2^5 = 32; 100/32 = 3.125 → 3 → 96
        Fp4E2M1.Simulate(x, 32);
        Assert.Equal(1f, x[0]);
        Assert.Equal(0.125f, x[1]);
        Assert.Equal(96f, x[32]);
    }
}
