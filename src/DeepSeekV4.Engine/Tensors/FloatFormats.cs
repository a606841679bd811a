using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Tensors;

/// <summary>Scalar F16 and BF16 conversions (round-to-nearest-even where they narrow), and row decoders for convenience.</summary>
public static class FloatFormats
{
    public static void DecodeF32(ReadOnlySpan<byte> source, Span<float> destination) => Dequantizer.DequantizeRow(GgmlType.F32, source, destination);

    public static void DecodeF16(ReadOnlySpan<byte> source, Span<float> destination) => Dequantizer.DequantizeRow(GgmlType.F16, source, destination);

    public static void DecodeBF16(ReadOnlySpan<byte> source, Span<float> destination) => Dequantizer.DequantizeRow(GgmlType.BF16, source, destination);

    public static float BF16ToFloat(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>ggml's fp32 → bf16: NaN kept quiet, otherwise round to nearest even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ushort FloatToBF16(float value)
    {
        uint u = BitConverter.SingleToUInt32Bits(value);
        if ((u & 0x7fffffff) > 0x7f800000) return (ushort)((u >> 16) | 64);
        return (ushort)((u + (0x7fff + ((u >> 16) & 1))) >> 16);
    }

    public static float HalfToFloat(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    public static ushort FloatToHalf(float value) => BitConverter.HalfToUInt16Bits((Half)value);
}
