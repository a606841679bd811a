using ILGPU;
using ILGPU.Runtime.Cuda;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// The CPU's rounding steps redone with integer and plain float operations that compile in kernels (no System.Half,
/// no MathF.Round/ScaleB/Log2), giving the same bits: MathF.ScaleB, round-half-even and round-half-away to an integer,
/// x86's float → int8 truncation, float → binary16 and float → bfloat16 narrowing, and ⌈log2⌉ as MathF.Log2 rounds it.
/// Host tests compare each with the BCL on sweeps of edge values.
/// </summary>
public static class DeviceRounding
{
    private const float TwoTo127 = 1.7014118346046923e38f;
    private const float TwoToMinus102 = 1.9721522630525295e-31f;

    /// <summary>x·2^n as .NET's MathF.ScaleB computes it (musl's scalbnf): one multiply, two when 2^n is out of the normal range.</summary>
    public static float ScaleB(float x, int n)
    {
        if (n > 127)
        {
            x *= TwoTo127;
            n -= 127;
            if (n > 127)
            {
                x *= TwoTo127;
                n -= 127;
                if (n > 127) n = 127;
            }
        }
        else if (n < -126)
        {
            x *= TwoToMinus102;
            n += 102;
            if (n < -126)
            {
                x *= TwoToMinus102;
                n += 102;
                if (n < -126) n = -126;
            }
        }
        return x * Interop.IntAsFloat((uint)(127 + n) << 23);
    }

    /// <summary>0 ≤ v &lt; 2^23 rounded to the nearest integer, ties to even.</summary>
    public static int RoundToEven(float v)
    {
        int whole = (int)v;
        float fraction = v - whole;
        return fraction > 0.5f || (fraction == 0.5f && (whole & 1) != 0) ? whole + 1 : whole;
    }

    /// <summary>MathF.Round(v, MidpointRounding.AwayFromZero), sign of zero kept.</summary>
    public static float RoundAwayFromZero(float v)
    {
        float a = Abs(v);
        if (!(a < 8388608f)) return v; // NaN, infinities and values that are already integers
        float t = (int)a;
        if (a - t >= 0.5f) t += 1f;
        return Interop.IntAsFloat(Interop.FloatAsInt(t) | (Interop.FloatAsInt(v) & 0x80000000u));
    }

    /// <summary>
    /// C's (int8_t)f as GCC emits it on x86-64: cvttss2si (0x80000000 for NaN and out of range), then the low byte —
    /// sign-extended with shifts, as (sbyte)(int)f would let ILGPU fuse the two into PTX's saturating cvt.rzi.s8.f32.
    /// </summary>
    public static int TruncateToInt8(float f) => f >= -2147483648f && f < 2147483648f ? ((int)f << 24) >> 24 : 0;

    /// <summary>
    /// a·b rounded to float on its own: on CUDA an explicit mul.rn.f32, which ptxas never fuses with a following add into
    /// an FMA (the CPU rounds the product first).
    /// </summary>
    public static float MultiplyRounded(float a, float b)
    {
        if (!CudaAsm.IsSupported) return a * b;
        CudaAsm.Emit("mul.rn.f32 %0, %1, %2;", out float product, a, b);
        return product;
    }

    public static float Abs(float v) => Interop.IntAsFloat(Interop.FloatAsInt(v) & 0x7FFFFFFFu);

    public static bool IsNaN(float v) => (Interop.FloatAsInt(v) & 0x7FFFFFFFu) > 0x7F800000u;

    /// <summary>float → IEEE binary16 bits, round to nearest even, as (Half)value: overflow to infinity, NaN kept quiet with its top payload bits.</summary>
    public static uint FloatToHalf(float value)
    {
        uint u = Interop.FloatAsInt(value);
        uint sign = (u >> 16) & 0x8000u;
        uint a = u & 0x7FFFFFFFu;
        if (a > 0x7F800000u) return sign | 0x7E00u | ((a >> 13) & 0x3FFu);
        if (a >= 0x477FF000u) return sign | 0x7C00u; // ≥ 65520 rounds to infinity
        if (a < 0x38800000u) return sign | (uint)RoundToEven(Interop.IntAsFloat(a) * 16777216f); // below 2^-14: m·2^-24
        a -= 112u << 23;
        return sign | ((a + 0xFFFu + ((a >> 13) & 1u)) >> 13);
    }

    /// <summary>ggml's float → bfloat16 bits: NaN kept quiet, otherwise round to nearest even.</summary>
    public static uint FloatToBF16(float value)
    {
        uint u = Interop.FloatAsInt(value);
        if ((u & 0x7FFFFFFFu) > 0x7F800000u) return ((u >> 16) | 64u) & 0xFFFFu;
        return ((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16) & 0xFFFFu;
    }

    /// <summary>
    /// ⌈MathF.Log2(y)⌉ for a positive, finite, normal y. Log2 is rounded to float before the ceiling, so a y just above
    /// 2^e can give e rather than e + 1: log2(y) = e + log2(1 + t) is computed in double (a short series: only t below
    /// 2^-17 can round back to e) and rounded to float once, as the CPU's log2f does for arguments this close to 2^e.
    /// </summary>
    public static int CeilLog2(float y)
    {
        uint bits = Interop.FloatAsInt(y);
        int e = (int)(bits >> 23) - 127;
        uint mantissa = bits & 0x7FFFFFu;
        if (mantissa == 0) return e;
        if (mantissa > 64) return e + 1;
        double t = mantissa * 1.1920928955078125e-7; // 2^-23
        double log2 = (t - t * t * 0.5 + t * t * t / 3.0) * 1.4426950408889634;
        float rounded = (float)(e + log2);
        return rounded > e ? e + 1 : e;
    }

    /// <summary>2^(s − 127) for a UE8M0 scale byte, as MathF.ScaleB(1, s − 127) gives it (subnormal at 0, infinite at 255).</summary>
    public static float Ue8M0Scale(uint scaleByte) =>
        scaleByte == 0 ? Interop.IntAsFloat(0x00400000u) : scaleByte == 255 ? float.PositiveInfinity : Interop.IntAsFloat(scaleByte << 23);

    /// <summary>
    /// The UE8M0 scale exponent ⌈log2(max(amax, floor)·inverseMax)⌉ clamped to ±127, and 127 when that is not finite
    /// (NaN or infinite amax), as Fp8E4M3/Fp4E2M1.ScaleExponent compute it.
    /// </summary>
    public static int ScaleExponent(float amax, float floor, float inverseMax)
    {
        if (IsNaN(amax)) return 127;
        float y = (amax > floor ? amax : floor) * inverseMax;
        if (y > 3.4028234663852886e38f) return 127;
        int k = CeilLog2(y);
        return k < -127 ? -127 : k > 127 ? 127 : k;
    }
}
