using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// Little-endian reads from a device byte view (ggml blocks are packed, so multi-byte fields are not aligned and are
/// read a byte at a time), and the float16 → float32 widening done with integer operations (System.Half does not
/// compile in kernels).
/// </summary>
public static class DeviceBytes
{
    public static uint U16(ArrayView<byte> v, long o) => v[o] | (uint)v[o + 1] << 8;

    public static uint U32(ArrayView<byte> v, long o) => v[o] | (uint)v[o + 1] << 8 | (uint)v[o + 2] << 16 | (uint)v[o + 3] << 24;

    public static float F32(ArrayView<byte> v, long o) => Interop.IntAsFloat(U32(v, o));

    public static float F16(ArrayView<byte> v, long o) => HalfToFloat(U16(v, o));

    public static float BF16(ArrayView<byte> v, long o) => Interop.IntAsFloat(U16(v, o) << 16);

    /// <summary>IEEE binary16 bits → float32, exactly (subnormals, infinities and NaN payloads included).</summary>
    public static float HalfToFloat(uint h)
    {
        uint sign = (h & 0x8000u) << 16;
        uint exponent = (h >> 10) & 0x1Fu;
        uint mantissa = h & 0x3FFu;
        if (exponent == 0)
        {
            float subnormal = mantissa * 5.9604644775390625e-8f; // mantissa · 2^-24: exact
            return sign != 0 ? -subnormal : subnormal;
        }
        if (exponent == 31) return Interop.IntAsFloat(sign | 0x7F800000u | mantissa << 13);
        return Interop.IntAsFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }
}
