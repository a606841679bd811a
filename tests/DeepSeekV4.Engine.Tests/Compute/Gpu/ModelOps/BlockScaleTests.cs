using DeepSeekV4.Engine.Compute.Gpu.Kernels;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.ModelOps;

/// <summary>
/// The device's integer form of the block scale and of the e4m3/e2m1 roundings, run as plain C# against the CPU's own
/// Fp8E4M3/Fp4E2M1 (MathF.Log2, MathF.Round): every exponent with the mantissas where log2f's rounding decides, every
/// rounding tie, and random values.
/// </summary>
public sealed class BlockScaleTests
{
    /// <summary>Mantissas next to 2^e (where log2f may round down to e), next to 2^(e+1), and a spread between.</summary>
    private static IEnumerable<float> AroundPowersOfTwo()
    {
        for (int biased = 1; biased < 255; biased++)
        {
            for (uint m = 0; m < 64; m++)
            {
                yield return BitConverter.UInt32BitsToSingle((uint)biased << 23 | m);
                yield return BitConverter.UInt32BitsToSingle((uint)biased << 23 | (0x7FFFFFu - m));
                yield return BitConverter.UInt32BitsToSingle((uint)biased << 23 | (m * 131071u));
            }
        }
    }

    [Fact]
    public void CeilLog2IsTheCeilingOfTheCpusLog2f()
    {
        foreach (float y in AroundPowersOfTwo())
            Assert.True((int)MathF.Ceiling(MathF.Log2(y)) == BlockScale.CeilLog2(y), $"y = {y:R} (0x{BitConverter.SingleToUInt32Bits(y):X8})");
    }

    [Fact]
    public void ScaleExponentsMatchTheCpu()
    {
        var random = new Random(11);
        var values = AroundPowersOfTwo().Concat(Enumerable.Range(0, 100_000).Select(_ => MathF.ScaleB((float)random.NextDouble(), random.Next(-140, 128))))
            .Concat([0f, float.Epsilon, 1e-4f, 448f, 6f, float.MaxValue, float.PositiveInfinity, float.NaN]);
        foreach (float amax in values)
        {
            Assert.True(Fp8E4M3.ScaleExponent(amax) == default(Fp8E4M3Rounding).ScaleExponent(amax), $"FP8 amax {amax:R}");
            Assert.True(Fp4E2M1.ScaleExponent(amax) == default(Fp4E2M1Rounding).ScaleExponent(amax), $"FP4 amax {amax:R}");
        }
    }

    [Fact]
    public void RoundingsMatchTheCpuCodecsIncludingTies()
    {
        var values = new List<float>();
        // Every e4m3 value and the midpoints between neighbours (ties), ± one float step.
        var e4m3 = Enumerable.Range(0, 0x7F).Select(c => Fp8E4M3.Decode((byte)c)).ToArray();
        for (int i = 0; i + 1 < e4m3.Length; i++)
        {
            float mid = (e4m3[i] + e4m3[i + 1]) / 2;
            values.AddRange([e4m3[i + 1], mid, MathF.BitIncrement(mid), MathF.BitDecrement(mid)]);
        }
        var random = new Random(5);
        for (int i = 0; i < 100_000; i++) values.Add((float)random.NextDouble() * 448f);
        foreach (float a in values.Where(a => a > 0 && a <= 448f))
            Assert.True(Fp8E4M3.Decode(Fp8E4M3.Encode(a)) == default(Fp8E4M3Rounding).Round(a), $"e4m3 {a:R}");

        float[] e2m1 = [0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f];
        var small = new List<float>();
        for (int i = 0; i + 1 < e2m1.Length; i++)
        {
            float mid = (e2m1[i] + e2m1[i + 1]) / 2;
            small.AddRange([e2m1[i + 1], mid, MathF.BitIncrement(mid), MathF.BitDecrement(mid)]);
        }
        for (int i = 0; i < 100_000; i++) small.Add((float)random.NextDouble() * 6f);
        foreach (float a in small.Where(a => a > 0 && a <= 6f))
            Assert.True(Fp4E2M1.Decode(Fp4E2M1.Encode(a)) == default(Fp4E2M1Rounding).Round(a), $"e2m1 {a:R}");
    }
}
