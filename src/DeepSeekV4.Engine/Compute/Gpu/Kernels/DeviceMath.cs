using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// The transcendental functions the model's kernels need, in plain double-precision arithmetic so that every backend
/// computes the same thing: CUDA's float intrinsics (ex2.approx, sin.approx, lg2.approx) are approximations, far from the
/// C library the CPU code calls (MathF.Exp, MathF.Cos, Math.Log). Each double result is within a few units of 2^-52 of
/// the true value, so rounded to float it is the correctly rounded result except within that distance of a tie —
/// where the C library's own float functions (at most about half an ulp off) may land on either side too.
/// </summary>
public static class DeviceMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01; // ln 2 with its low 32 bits zero: n·Ln2Hi is exact for |n| < 2^20
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double InverseLn2 = 1.44269504088896338700e+00;
    private const double PiOver2Hi = 1.57079632673412561417e+00; // π/2 in three parts (33 + 33 + 53 bits), Cody–Waite
    private const double PiOver2Mid = 6.07710050630396597660e-11;
    private const double PiOver2Lo = 2.02226624879595063154e-21;
    private const double TwoOverPi = 6.36619772367581382433e-01;

    /// <summary>e^x in double (0 below −745, +∞ above 709.8, NaN for NaN).</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 709.8) return double.PositiveInfinity;
        if (x < -745.2) return 0.0;
        double n = Math.Floor(x * InverseLn2 + 0.5);
        double r = x - n * Ln2Hi - n * Ln2Lo;                  // |r| ≤ 0.35
        // Taylor series to r^14/14!: the remainder is below 2^-60 of the result.
        double p = 1.0 / 87178291200.0;
        p = p * r + 1.0 / 6227020800.0;
        p = p * r + 1.0 / 479001600.0;
        p = p * r + 1.0 / 39916800.0;
        p = p * r + 1.0 / 3628800.0;
        p = p * r + 1.0 / 362880.0;
        p = p * r + 1.0 / 40320.0;
        p = p * r + 1.0 / 5040.0;
        p = p * r + 1.0 / 720.0;
        p = p * r + 1.0 / 120.0;
        p = p * r + 1.0 / 24.0;
        p = p * r + 1.0 / 6.0;
        p = p * r + 0.5;
        p = p * r + 1.0;
        p = p * r + 1.0;
        // 2^n in two factors so that neither leaves the normal range before the product does.
        int e = (int)n;
        int e1 = e / 2;
        return p * Pow2(e1) * Pow2(e - e1);
    }

    /// <summary>ln x in double for x &gt; 0 and finite (NaN for x ≤ 0 or NaN, +∞ for +∞).</summary>
    public static double Log(double x)
    {
        if (!(x > 0)) return x == 0 ? double.NegativeInfinity : double.NaN;
        if (x == double.PositiveInfinity) return x;
        int e = 0;
        if (x < 2.2250738585072014e-308)
        {
            x *= 18014398509481984.0; // 2^54: subnormals made normal
            e = -54;
        }
        ulong bits = Interop.FloatAsInt(x);
        e += (int)((bits >> 52) & 0x7FF) - 1023;
        double m = Interop.IntAsFloat((bits & 0x000FFFFFFFFFFFFFUL) | 0x3FF0000000000000UL); // [1, 2)
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            e++;
        }
        // ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716: the series to s^25 leaves less than 2^-60.
        double s = (m - 1.0) / (m + 1.0);
        double s2 = s * s;
        double p = 1.0 / 25.0;
        p = p * s2 + 1.0 / 23.0;
        p = p * s2 + 1.0 / 21.0;
        p = p * s2 + 1.0 / 19.0;
        p = p * s2 + 1.0 / 17.0;
        p = p * s2 + 1.0 / 15.0;
        p = p * s2 + 1.0 / 13.0;
        p = p * s2 + 1.0 / 11.0;
        p = p * s2 + 1.0 / 9.0;
        p = p * s2 + 1.0 / 7.0;
        p = p * s2 + 1.0 / 5.0;
        p = p * s2 + 1.0 / 3.0;
        p = p * s2 + 1.0;
        return e * Ln2Hi + (2.0 * s * p + e * Ln2Lo);
    }

    /// <summary>sin x and cos x in double; exact range reduction for |x| &lt; 2^20·π/2 (a rotary angle of a position up to 1.6M).</summary>
    public static void SinCos(double x, out double sin, out double cos)
    {
        double n = Math.Floor(x * TwoOverPi + 0.5);
        double r = x - n * PiOver2Hi - n * PiOver2Mid - n * PiOver2Lo; // |r| ≤ π/4 (+ rounding)
        double r2 = r * r;
        // Taylor series of sin and cos on |r| ≤ π/4 to r^19 and r^20: remainders below 2^-62.
        double s = -1.0 / 121645100408832000.0;
        s = s * r2 + 1.0 / 355687428096000.0;
        s = s * r2 - 1.0 / 1307674368000.0;
        s = s * r2 + 1.0 / 6227020800.0;
        s = s * r2 - 1.0 / 39916800.0;
        s = s * r2 + 1.0 / 362880.0;
        s = s * r2 - 1.0 / 5040.0;
        s = s * r2 + 1.0 / 120.0;
        s = s * r2 - 1.0 / 6.0;
        s = r + r * r2 * s;
        double c = 1.0 / 2432902008176640000.0;
        c = c * r2 - 1.0 / 6402373705728000.0;
        c = c * r2 + 1.0 / 20922789888000.0;
        c = c * r2 - 1.0 / 87178291200.0;
        c = c * r2 + 1.0 / 479001600.0;
        c = c * r2 - 1.0 / 3628800.0;
        c = c * r2 + 1.0 / 40320.0;
        c = c * r2 - 1.0 / 720.0;
        c = c * r2 + 1.0 / 24.0;
        c = 1.0 - 0.5 * r2 + r2 * r2 * c;
        switch ((int)((long)n & 3))
        {
            case 0: sin = s; cos = c; break;
            case 1: sin = c; cos = -s; break;
            case 2: sin = -s; cos = -c; break;
            default: sin = -c; cos = s; break;
        }
    }

    /// <summary>e^x of a float, as MathF.Exp: the double exponential rounded once to float.</summary>
    public static float ExpF(float x) => (float)Exp(x);

    /// <summary>The logistic function as the CPU's HyperConnection.Sigmoid computes it: 1/(1 + e^−x) in float.</summary>
    public static float Sigmoid(float x) => 1f / (1f + ExpF(-x));

    /// <summary>√x of a float, correctly rounded (the double root rounded to float is; and no backend approximates a double root).</summary>
    public static float SqrtF(float x) => (float)Math.Sqrt(x);

    /// <summary>2^e as a double for −1022 ≤ e ≤ 1023.</summary>
    private static double Pow2(int e) => Interop.IntAsFloat((ulong)(e + 1023) << 52);
}
