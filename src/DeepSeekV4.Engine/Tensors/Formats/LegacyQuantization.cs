namespace DeepSeekV4.Engine.Tensors.Formats;

/// <summary>Steps shared by ggml's reference quantizers of the 32-element formats.</summary>
internal static class LegacyQuantization
{
    /// <summary>The largest |x| and the signed value that has it (first one wins, as in ggml's <c>amax &lt; fabsf(v)</c> scan).</summary>
    public static (float AbsMax, float Max) SignedAbsMax(ReadOnlySpan<float> x)
    {
        float amax = 0, max = 0;
        foreach (float v in x)
        {
            if (amax < MathF.Abs(v))
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }
        return (amax, max);
    }

    /// <summary>Minimum and maximum, scanned from ±FLT_MAX as ggml does.</summary>
    public static (float Min, float Max) MinMax(ReadOnlySpan<float> x)
    {
        float min = float.MaxValue, max = -float.MaxValue;
        foreach (float v in x)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return (min, max);
    }

    /// <summary>
    /// x86-64's cvttss2si: truncation toward zero, and 0x80000000 (the "integer indefinite") for NaN and out-of-range
    /// values (.NET's own conversion saturates instead).
    /// </summary>
    public static int X86Truncate(float f) => f is >= -2147483648f and < 2147483648f ? (int)f : int.MinValue;

    /// <summary>C's <c>(int8_t)f</c> as GCC emits it on x86-64: cvttss2si, then the low byte.</summary>
    public static int TruncateToInt8(float f) => (sbyte)X86Truncate(f);

    /// <summary>C's <c>(uint8_t)f</c> as GCC emits it on x86-64.</summary>
    public static int TruncateToUInt8(float f) => (byte)X86Truncate(f);
}
