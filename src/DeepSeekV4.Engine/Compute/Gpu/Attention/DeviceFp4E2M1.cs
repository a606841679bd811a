using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>FP4 e2m1 with a UE8M0 block scale on the device, bit for bit as KvCache/Fp4E2M1 (which holds the definition).</summary>
public static class DeviceFp4E2M1
{
    private const float AmaxFloor = 6f * 1.1754943508222875e-38f; // 6·2^-126
    private const float InverseMax = 1f / 6f;

    public static int ScaleExponent(float amax) => DeviceRounding.ScaleExponent(amax, AmaxFloor, InverseMax);

    /// <summary>The 4-bit code of x (|x| clamped to 6, ties to even); NaN and zeros give a signed zero.</summary>
    public static uint Encode(float x)
    {
        uint sign = (Interop.FloatAsInt(x) >> 28) & 8u;
        float a = DeviceRounding.Abs(x);
        if (!(a > 0)) return sign;
        if (a > 6f) a = 6f;
        // Quantum 0.5 below 2 (codes 0..4), 1 below 4 (codes 4..6 for 2..4), 2 up to 6 (codes 6, 7 for 4, 6).
        uint code = a < 2f ? (uint)DeviceRounding.RoundToEven(a * 2f)
                  : a < 4f ? (uint)DeviceRounding.RoundToEven(a) + 2u
                  : (uint)DeviceRounding.RoundToEven(a * 0.5f) + 4u;
        return sign | code;
    }

    /// <summary>The value of a 4-bit code: magnitudes 0, 0.5, 1, 1.5, 2, 3, 4, 6.</summary>
    public static float Decode(uint code)
    {
        uint e = (code >> 1) & 3u, m = code & 1u;
        float v = e == 0 ? m * 0.5f : (2u + m) * Interop.IntAsFloat((e + 125u) << 23);
        return (code & 8u) != 0 ? -v : v;
    }
}
