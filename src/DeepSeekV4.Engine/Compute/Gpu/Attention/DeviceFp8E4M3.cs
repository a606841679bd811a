using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>FP8 e4m3 with a UE8M0 block scale on the device, bit for bit as KvCache/Fp8E4M3 (which holds the definition).</summary>
public static class DeviceFp8E4M3
{
    private const float AmaxFloor = 1e-4f;
    private const float InverseMax = 1f / 448f;

    public static int ScaleExponent(float amax) => DeviceRounding.ScaleExponent(amax, AmaxFloor, InverseMax);

    /// <summary>The e4m3 code of x (|x| clamped to 448, ties to even); NaN and zeros give a signed zero.</summary>
    public static uint Encode(float x)
    {
        uint sign = (Interop.FloatAsInt(x) >> 24) & 0x80u;
        float a = DeviceRounding.Abs(x);
        if (!(a > 0)) return sign;
        if (a > 448f) a = 448f;
        int e = (int)(Interop.FloatAsInt(a) >> 23) - 127;
        if (e < -6) e = -6; // subnormals share the quantum 2^-9
        int q = DeviceRounding.RoundToEven(a * Interop.IntAsFloat((uint)(127 + 3 - e) << 23));
        // q in [8, 16] (or [0, 8] below 2^-6): q = 16 carries into the exponent, q < 8 is a subnormal code.
        return sign | (uint)(((e + 7) << 3) + q - 8);
    }

    /// <summary>The value of an e4m3 code (0x7F and 0xFF are NaN).</summary>
    public static float Decode(uint code)
    {
        uint e = (code >> 3) & 0xFu, m = code & 7u;
        float v = e == 0 ? m * 0.001953125f : Interop.IntAsFloat((e + 120u) << 23 | m << 20);
        if (e == 15 && m == 7) v = Interop.IntAsFloat(0x7FC00000u);
        return (code & 0x80u) != 0 ? -v : v;
    }
}
