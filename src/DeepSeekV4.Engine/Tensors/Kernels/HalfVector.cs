using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Exact IEEE binary16 → binary32 widening of vector lanes (the CPU's F16C is not exposed by .NET): the exponent and
/// mantissa are moved into float position and rescaled by 2^112, which also normalizes subnormals exactly; infinities
/// and NaNs get the float exponent back.
/// </summary>
internal static class HalfVector
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ToSingle(Vector256<uint> halfBits)
    {
        var magnitude = (halfBits & Vector256.Create(0x7FFFu)) << 13;
        var value = Vector256.AsSingle(magnitude) * Vector256.Create(5.192296858534828e33f); // 2^112
        var special = Vector256.GreaterThanOrEqual(magnitude, Vector256.Create(0x7C00u << 13));
        var result = Vector256.ConditionalSelect(special.AsSingle(), Vector256.AsSingle(magnitude | Vector256.Create(0x7F800000u)), value);
        return Vector256.AsSingle(Vector256.AsUInt32(result) | ((halfBits & Vector256.Create(0x8000u)) << 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ToSingle(Vector512<uint> halfBits)
    {
        var magnitude = (halfBits & Vector512.Create(0x7FFFu)) << 13;
        var value = Vector512.AsSingle(magnitude) * Vector512.Create(5.192296858534828e33f);
        var special = Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(0x7C00u << 13));
        var result = Vector512.ConditionalSelect(special.AsSingle(), Vector512.AsSingle(magnitude | Vector512.Create(0x7F800000u)), value);
        return Vector512.AsSingle(Vector512.AsUInt32(result) | ((halfBits & Vector512.Create(0x8000u)) << 16));
    }

    /// <summary>The same widening for one value, branch-free (the BCL's software conversion is slower).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits)
    {
        uint magnitude = (uint)(bits & 0x7FFF) << 13;
        float value = BitConverter.UInt32BitsToSingle(magnitude) * 5.192296858534828e33f;
        uint result = magnitude >= 0x7C00u << 13 ? magnitude | 0x7F800000u : BitConverter.SingleToUInt32Bits(value);
        return BitConverter.UInt32BitsToSingle(result | (uint)(bits & 0x8000) << 16);
    }
}
