using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// The power-of-two (UE8M0) block scale of the FP8/FP4 simulations, computed with integer operations so that the device
/// reproduces the CPU's <c>ceil(log2f(max(amax, floor) / max))</c> bit for bit (Fp8E4M3/Fp4E2M1.ScaleExponent) without a
/// logarithm: CUDA's lg2.approx is not the C library's log2f.
/// </summary>
public static class BlockScale
{
    /// <summary>
    /// The k (scale 2^k) of a block whose largest magnitude is <paramref name="amax"/> (NaN when any value is): y =
    /// max(amax, <paramref name="floor"/>)·<paramref name="inverseMax"/> in float, k = ⌈log2f(y)⌉, 127 when y is not finite.
    /// </summary>
    public static int Exponent(float amax, float floor, float inverseMax)
    {
        if (float.IsNaN(amax)) return 127;
        float y = (amax > floor ? amax : floor) * inverseMax;
        if (y == float.PositiveInfinity) return 127;
        int k = CeilLog2(y);
        return k < -127 ? -127 : k > 127 ? 127 : k;
    }

    /// <summary>
    /// ⌈log2f(y)⌉ for a positive normal float y = 2^e·(1 + m·2^-23), as the CPU computes it: log2f rounds its result to
    /// float, so for m ≥ 1 it returns exactly e (and the ceiling is e, not e + 1) when log2(1 + m·2^-23) is below half the
    /// float spacing next to e. That spacing is 2^(p−23) with p = ⌊log2 e⌋ (e &gt; 0), or p = ⌊log2(|e| − ε)⌋ just below
    /// |e| (e &lt; 0); the condition is m &lt; ln 2·2^(p−1) to first order, whose fractional parts (0.39, 0.77, 0.55, 0.09,
    /// 0.18 for p = 2…6) are far from the neglected second-order term (below 10^-5): m ≤ 0, 0, 1, 2, 5, 11, 22 for p = 0…6.
    /// </summary>
    public static int CeilLog2(float y)
    {
        uint bits = Interop.FloatAsInt(y);
        int e = (int)((bits >> 23) & 0xFF) - 127;
        uint m = bits & 0x7FFFFFu;
        if (m == 0) return e;
        return m <= RoundsDownCount(e) ? e : e + 1;
    }

    /// <summary>How many mantissas m ≥ 1 above 2^e have log2f equal to e (see <see cref="CeilLog2"/>).</summary>
    private static uint RoundsDownCount(int e)
    {
        int magnitude = e > 0 ? e : -e - 1; // p = ⌊log2 magnitude⌋: above e, or just below |e| for e < 0
        if (magnitude < 4) return 0;        // p ≤ 1
        int p = 0;
        while (magnitude > 1)
        {
            magnitude >>= 1;
            p++;
        }
        return p switch { 2 => 1u, 3 => 2u, 4 => 5u, 5 => 11u, _ => 22u };
    }

    /// <summary>2^n as a float for −149 ≤ n ≤ 127 (subnormal below −126).</summary>
    public static float Pow2(int n) => n >= -126 ? Interop.IntAsFloat((uint)(n + 127) << 23) : Interop.IntAsFloat(1u << (n + 149));

    /// <summary>v rounded to the nearest integer, ties to even, for 0 ≤ v &lt; 2^23.</summary>
    public static float RoundHalfEven(float v)
    {
        int n = (int)v;
        float fraction = v - n;
        if (fraction > 0.5f || fraction == 0.5f && (n & 1) != 0) n++;
        return n;
    }
}
