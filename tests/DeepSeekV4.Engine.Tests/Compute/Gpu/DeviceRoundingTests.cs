using DeepSeekV4.Engine.Compute.Gpu.Attention;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu;

/// <summary>
/// The device-side rounding steps, run on the host, against the BCL and the CPU codecs they must reproduce bit for bit:
/// sweeps over every exponent with the mantissas next to powers of two (where ⌈log2⌉ and ScaleB's subnormal path are
/// delicate), every FP8/FP4 midpoint, and a million random bit patterns.
/// </summary>
public sealed class DeviceRoundingTests
{
    private static IEnumerable<float> EdgeFloats()
    {
        for (uint e = 0; e < 256; e++)
        {
            for (uint m = 0; m < 130; m++)
            {
                yield return BitConverter.UInt32BitsToSingle(e << 23 | m);
                yield return BitConverter.UInt32BitsToSingle(e << 23 | (0x7FFFFFu - m));
                yield return BitConverter.UInt32BitsToSingle(0x80000000u | e << 23 | m);
            }
            yield return BitConverter.UInt32BitsToSingle(e << 23 | 0x400000u); // halfway mantissa
            yield return BitConverter.UInt32BitsToSingle(e << 23 | 0x1000u);   // binary16 rounding tie
            yield return BitConverter.UInt32BitsToSingle(e << 23 | 0x8000u);   // bfloat16 rounding tie
        }
        var random = new Random(20261202);
        for (int i = 0; i < 1_000_000; i++) yield return BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32));
    }

    private static void SameBits(float expected, float actual, string label)
    {
        if (float.IsNaN(expected) && float.IsNaN(actual)) return;
        Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(actual),
            $"{label}: 0x{BitConverter.SingleToUInt32Bits(actual):X8} vs 0x{BitConverter.SingleToUInt32Bits(expected):X8}");
    }

    [Fact]
    public void ScaleBIsTheBclScaleB()
    {
        int[] exponents = [-300, -254, -253, -200, -150, -149, -128, -127, -126, -125, -64, -9, -1, 0, 1, 9, 64, 126, 127, 128, 200, 254, 300];
        foreach (float x in EdgeFloats().Take(300_000))
            foreach (int n in exponents)
                SameBits(MathF.ScaleB(x, n), DeviceRounding.ScaleB(x, n), $"ScaleB(0x{BitConverter.SingleToUInt32Bits(x):X8}, {n})");
    }

    [Fact]
    public void NarrowingToHalfAndBFloat16IsTheCpus()
    {
        foreach (float x in EdgeFloats())
        {
            uint half = BitConverter.HalfToUInt16Bits((Half)x);
            uint device = DeviceRounding.FloatToHalf(x);
            if (Half.IsNaN((Half)x)) Assert.True(Half.IsNaN(BitConverter.UInt16BitsToHalf((ushort)device)), $"0x{BitConverter.SingleToUInt32Bits(x):X8}");
            else Assert.True(half == device, $"half of 0x{BitConverter.SingleToUInt32Bits(x):X8}: 0x{device:X4} vs 0x{half:X4}");
            Assert.Equal(FloatFormats.FloatToBF16(x), (ushort)DeviceRounding.FloatToBF16(x));
        }
    }

    [Fact]
    public void RoundingToIntegersIsTheCpus()
    {
        foreach (float x in EdgeFloats().Take(500_000))
        {
            SameBits(MathF.Round(x, MidpointRounding.AwayFromZero), DeviceRounding.RoundAwayFromZero(x), $"round-away 0x{BitConverter.SingleToUInt32Bits(x):X8}");
            int truncated = x is >= -2147483648f and < 2147483648f ? (int)x : int.MinValue;
            Assert.Equal((sbyte)truncated, DeviceRounding.TruncateToInt8(x));
            float a = MathF.Abs(x);
            if (a < 8388608f) Assert.Equal((int)MathF.Round(a, MidpointRounding.ToEven), DeviceRounding.RoundToEven(a));
        }
    }

    /// <summary>
    /// Around every amax = max·2^e (where amax/max crosses a power of two) and on the sweep. MathF.Log2 rounds to float
    /// before the ceiling, so just above max·2^e the CPU's exponent is sometimes e rather than e + 1; the test asserts it
    /// met such cases, so the sweep does reach the delicate region.
    /// </summary>
    [Fact]
    public void ScaleExponentsAreTheCodecs()
    {
        var amaxes = new List<float>();
        foreach (float max in new[] { 448f, 6f })
            for (int e = -140; e <= 130; e++)
            {
                float a = MathF.ScaleB(max, e);
                if (!float.IsFinite(a) || a == 0) continue;
                float up = a, down = a;
                for (int i = 0; i < 90; i++) amaxes.AddRange([up = MathF.BitIncrement(up), down = MathF.BitDecrement(down)]);
                amaxes.Add(a);
            }
        int roundedBack = 0;
        foreach (float amax in amaxes.Concat(EdgeFloats().Select(MathF.Abs)))
        {
            int fp8 = Fp8E4M3.ScaleExponent(amax);
            Assert.True(fp8 == DeviceFp8E4M3.ScaleExponent(amax), $"FP8 scale of {amax:R} (0x{BitConverter.SingleToUInt32Bits(amax):X8})");
            Assert.True(Fp4E2M1.ScaleExponent(amax) == DeviceFp4E2M1.ScaleExponent(amax), $"FP4 scale of {amax:R} (0x{BitConverter.SingleToUInt32Bits(amax):X8})");
            double exact = Math.Ceiling(Math.Log2(Math.Max(amax, 1e-4f) * (double)(1f / 448f)));
            if (float.IsFinite(amax) && exact is > -127 and < 127 && fp8 != exact) roundedBack++;
        }
        Assert.True(roundedBack > 0, "no amax where log2 rounds back to the power of two: the sweep misses the delicate region");
    }

    [Fact]
    public void Fp8CodesAreTheCodecs()
    {
        for (uint c = 0; c < 256; c++) SameBits(Fp8E4M3.Decode((byte)c), DeviceFp8E4M3.Decode(c), $"FP8 code 0x{c:X2}");
        var values = new List<float>();
        for (uint c = 0; c < 0x7F; c++)
        {
            float v = Fp8E4M3.Decode((byte)c), next = Fp8E4M3.Decode((byte)(c + 1));
            values.AddRange([v, (v + next) / 2, MathF.BitIncrement((v + next) / 2), MathF.BitDecrement((v + next) / 2)]);
        }
        values.AddRange([448f, 449f, 464f, 480f, 1e30f, float.PositiveInfinity, float.NaN, 1e-40f, -0f]);
        foreach (float x in values.Concat(values.Select(v => -v)).Concat(EdgeFloats().Take(200_000)))
            Assert.True(Fp8E4M3.Encode(x) == DeviceFp8E4M3.Encode(x), $"FP8 of {x:R}: 0x{DeviceFp8E4M3.Encode(x):X2} vs 0x{Fp8E4M3.Encode(x):X2}");
    }

    [Fact]
    public void Fp4CodesAreTheCodecs()
    {
        for (int c = 0; c < 16; c++) SameBits(Fp4E2M1.Decode(c), DeviceFp4E2M1.Decode((uint)c), $"FP4 code {c}");
        float[] magnitudes = [0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f];
        var values = new List<float> { 7f, 1e30f, float.PositiveInfinity, float.NaN, 1e-40f, 0.24999999f, 0.25f };
        for (int i = 0; i + 1 < magnitudes.Length; i++)
        {
            float mid = (magnitudes[i] + magnitudes[i + 1]) / 2;
            values.AddRange([magnitudes[i], mid, MathF.BitIncrement(mid), MathF.BitDecrement(mid)]);
        }
        foreach (float x in values.Concat(values.Select(v => -v)).Concat(EdgeFloats().Take(200_000)))
            Assert.True(Fp4E2M1.Encode(x) == (int)DeviceFp4E2M1.Encode(x), $"FP4 of {x:R}: {DeviceFp4E2M1.Encode(x)} vs {Fp4E2M1.Encode(x)}");
    }

    /// <summary>The device's e^x within 2 ulp of the double-precision value over the range the softmaxes use, and its limits.</summary>
    [Fact]
    public void ExpIsWithinTwoUlp()
    {
        var random = new Random(5);
        for (int i = 0; i < 200_000; i++)
        {
            float x = (float)(random.NextDouble() * 190 - 100);
            float expected = (float)Math.Exp(x), actual = DeepSeekV4.Engine.Compute.Gpu.Kernels.DeviceMath.ExpF(x);
            if (float.IsInfinity(expected))
            {
                Assert.Equal(expected, actual);
                continue;
            }
            float ulp = MathF.BitIncrement(MathF.Abs(expected)) - MathF.Abs(expected);
            Assert.True(MathF.Abs(actual - expected) <= 2 * ulp || (expected == 0 && actual < 1e-44f), $"exp({x:R}) = {actual:R}, expected {expected:R}");
        }
        Assert.Equal(1f, DeepSeekV4.Engine.Compute.Gpu.Kernels.DeviceMath.ExpF(0f));
        Assert.Equal(0f, DeepSeekV4.Engine.Compute.Gpu.Kernels.DeviceMath.ExpF(float.NegativeInfinity));
        Assert.Equal(0f, DeepSeekV4.Engine.Compute.Gpu.Kernels.DeviceMath.ExpF(-200f));
        Assert.Equal(float.PositiveInfinity, DeepSeekV4.Engine.Compute.Gpu.Kernels.DeviceMath.ExpF(100f));
        Assert.True(float.IsNaN(DeepSeekV4.Engine.Compute.Gpu.Kernels.DeviceMath.ExpF(float.NaN)));
    }
}
