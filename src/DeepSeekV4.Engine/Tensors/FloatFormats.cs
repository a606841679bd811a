using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Tensors;

/// <summary>F32, F16 and BF16 element conversions (round-to-nearest-even where they narrow).</summary>
public static class FloatFormats
{
    public static void DecodeF32(ReadOnlySpan<byte> source, Span<float> destination) =>
        MemoryMarshal.Cast<byte, float>(source)[..destination.Length].CopyTo(destination);

    public static void DecodeF16(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var halves = MemoryMarshal.Cast<byte, Half>(source);
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)halves[i];
    }

    public static void DecodeBF16(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var raw = MemoryMarshal.Cast<byte, ushort>(source);
        for (int i = 0; i < destination.Length; i++) destination[i] = BF16ToFloat(raw[i]);
    }

    public static float BF16ToFloat(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>ggml's fp32 → bf16: NaN kept quiet, otherwise round to nearest even.</summary>
    public static ushort FloatToBF16(float value)
    {
        uint u = BitConverter.SingleToUInt32Bits(value);
        if ((u & 0x7fffffff) > 0x7f800000) return (ushort)((u >> 16) | 64);
        return (ushort)((u + (0x7fff + ((u >> 16) & 1))) >> 16);
    }

    public static float HalfToFloat(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    public static ushort FloatToHalf(float value) => BitConverter.HalfToUInt16Bits((Half)value);
}
